import { z } from 'zod';
import { parseConfig, readConfig } from '../config/config-file.ts';
import { unknownTemplateVariables, TEMPLATE_VARIABLES } from './template.ts';
import { regexProblem, wordPatternProblem } from './text-match.ts';
import { isTimeZone, parseRange, type BusinessHours, type Weekday } from './time-window.ts';

/**
 * A rules file (YAML or JSON), shaped as helpdesks have rules (issue #10):
 *
 * ```yaml
 * rules:
 *   - name: refunds are urgent
 *     trigger: customer-message          # or ticket-created
 *     conditions:                        # all must hold; `any:` holds when one of its conditions does
 *       - text: { any: [rembours*, refund*], in: [subject, body] }
 *       - language: fr
 *       - tags: { none: [vip] }
 *     actions:
 *       addTags: [urgent]
 *       priority: high
 *   - name: out of hours
 *     trigger: ticket-created
 *     conditions:
 *       - time: { zone: Europe/Paris, hours: { mon: 09:00-18:00, tue: 09:00-18:00 }, holidays: [2025-12-25], during: outside }
 *     actions:
 *       autoReply: { template: "Bonjour {{ticket.customer.firstname}}, nous revenons vers vous dès l'ouverture." }
 * ```
 *
 * Every mistake — a typo'd key, a regular expression that does not compile, an unknown template
 * variable, an unknown time zone — is reported as `file:line: key.path: what is wrong`.
 */

export const RULE_TRIGGERS = ['ticket-created', 'customer-message'] as const;
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TEXT_FIELDS = ['subject', 'body'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Words or a regular expression in the subject and/or the body of the message that triggered the rule. */
export interface TextCondition {
  /** At least one of these words or phrases (`rembours*` is a prefix). */
  any?: string[];
  /** Every one of these words or phrases, each in any of the fields. */
  all?: string[];
  /** A regular expression, case- and accent-insensitive. */
  regex?: string;
  /** @default ['subject', 'body'] */
  in: TextField[];
}

export interface TimeCondition extends BusinessHours {
  /** `inside` business hours, or `outside` them (nights, closed days, holidays). @default 'inside' */
  during: 'inside' | 'outside';
}

/** Every key given must hold. */
export interface Condition {
  text?: TextCondition;
  /** One of these channels (`email`, `chat`, `contact_form`…). */
  channel?: string[];
  /** One of these languages; `fr` also matches `fr-CA`. */
  language?: string[];
  /** Tags on the ticket at that moment (set by earlier rules). */
  tags?: { any?: string[]; all?: string[]; none?: string[] };
  customer?: {
    /** One of these addresses. */
    email?: string[];
    /** An address at one of these domains (or their subdomains). */
    domain?: string[];
    /** One of these words or names in the customer's name. */
    name?: string[];
  };
  time?: TimeCondition;
  /** At least one of these conditions. */
  any?: Condition[];
}

export interface RuleActions {
  /** The ticket's tags become exactly these (Gorgias `setTags`): tags earlier rules added are taken off. */
  setTags?: string[];
  addTags?: string[];
  priority?: Priority;
  /** An agent (name or e-mail, as the export names assignees) or a team. */
  assign?: { agent: string; team?: undefined } | { team: string; agent?: undefined };
  /** A reply sent to the customer, with variables such as `{{ticket.customer.firstname}}`. */
  autoReply?: { template: string; subject?: string };
  close?: boolean;
}

export interface Rule {
  name: string;
  description?: string;
  trigger: RuleTrigger;
  conditions: Condition[];
  actions: RuleActions;
  /** A disabled rule is listed but not simulated. @default true */
  enabled: boolean;
}

export interface RulesFile {
  rules: Rule[];
}

// --- schema ---

const list = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'expected a value or a list of values' })
  .transform((value) => (Array.isArray(value) ? value : [value]));

const wordList = list.superRefine((words, ctx) => {
  words.forEach((word, index) => {
    const problem = wordPatternProblem(word);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [index] });
  });
});

const TextConditionSchema = z
  .strictObject({
    any: wordList.optional(),
    all: wordList.optional(),
    regex: z
      .string()
      .min(1)
      .superRefine((source, ctx) => {
        const problem = regexProblem(source);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    in: z
      .union([z.enum(TEXT_FIELDS), z.array(z.enum(TEXT_FIELDS)).min(1)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .default(['subject', 'body']),
  })
  .refine((text) => text.any || text.all || text.regex, { error: 'give `any`, `all` or `regex`' });

const rangeList = list
  .superRefine((ranges, ctx) => {
    ranges.forEach((range, index) => {
      if (!parseRange(range)) ctx.addIssue({ code: 'custom', message: `"${range}": expected HH:MM-HH:MM with the end after the start, e.g. 09:00-18:00`, path: [index] });
    });
  })
  .optional();

const HoursSchema = z.strictObject({ mon: rangeList, tue: rangeList, wed: rangeList, thu: rangeList, fri: rangeList, sat: rangeList, sun: rangeList }) satisfies z.ZodType<Partial<Record<Weekday, string[]>>, unknown>;

const TimeConditionSchema = z.strictObject({
  zone: z.string().refine(isTimeZone, { error: 'unknown time zone: expected an IANA name such as Europe/Paris' }),
  hours: HoursSchema,
  holidays: z
    .array(z.iso.date({ error: 'expected a date as YYYY-MM-DD' }))
    .default([]),
  during: z.enum(['inside', 'outside']).default('inside'),
});

const ConditionSchema: z.ZodType<Condition, unknown> = z.lazy(() =>
  z
    .strictObject({
      text: TextConditionSchema.optional(),
      channel: list.optional(),
      language: list.optional(),
      tags: z
        .strictObject({ any: list.optional(), all: list.optional(), none: list.optional() })
        .refine((tags) => tags.any || tags.all || tags.none, { error: 'give `any`, `all` or `none`' })
        .optional(),
      customer: z
        .strictObject({ email: list.optional(), domain: list.optional(), name: wordList.optional() })
        .refine((customer) => customer.email || customer.domain || customer.name, { error: 'give `email`, `domain` or `name`' })
        .optional(),
      time: TimeConditionSchema.optional(),
      any: z.array(ConditionSchema).min(1).optional(),
    })
    .refine((condition) => Object.values(condition).some((value) => value !== undefined), {
      error: 'an empty condition: give text, channel, language, tags, customer, time or any',
      // A condition whose only key is a typo is reported once, at the typo.
      when: (payload) => payload.issues.length === 0,
    }),
);

const ActionsSchema = z
  .strictObject({
    setTags: list.optional(),
    addTags: list.optional(),
    priority: z.enum(PRIORITIES).optional(),
    assign: z
      .union([z.strictObject({ agent: z.string().min(1) }), z.strictObject({ team: z.string().min(1) })], { error: 'expected { agent: name } or { team: name }' })
      .optional(),
    autoReply: z
      .strictObject({
        template: z.string().min(1).superRefine((template, ctx) => {
          for (const name of unknownTemplateVariables(template)) {
            ctx.addIssue({ code: 'custom', message: `unknown variable {{${name}}}; known: ${TEMPLATE_VARIABLES.join(', ')}` });
          }
        }),
        subject: z.string().optional(),
      })
      .optional(),
    close: z.boolean().optional(),
  })
  .refine((actions) => Object.values(actions).some((value) => value !== undefined && value !== false), { error: 'a rule needs at least one action: setTags, addTags, priority, assign, autoReply or close' });

export const RuleSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  trigger: z.enum(RULE_TRIGGERS),
  conditions: z
    .union([ConditionSchema, z.array(ConditionSchema)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .default([]),
  actions: ActionsSchema,
  enabled: z.boolean().default(true),
}) satisfies z.ZodType<Rule, unknown>;

export const RulesFileSchema = z
  .strictObject({ rules: z.array(RuleSchema).min(1, { error: 'no rules: add at least one under `rules:`' }) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', message: `"${rule.name}" is the name of an earlier rule; names must be unique`, path: ['rules', index, 'name'] });
      seen.add(rule.name);
    });
  }) satisfies z.ZodType<RulesFile, unknown>;

/** Parses a rules file's text; `file` names it in errors. */
export function parseRules(text: string, file: string): RulesFile {
  return parseConfig(text, file, RulesFileSchema, { what: 'rules file' });
}

/** Reads and validates a rules file (YAML or JSON). */
export function loadRules(file: string): Promise<RulesFile> {
  return readConfig(file, RulesFileSchema, { what: 'rules file' });
}
