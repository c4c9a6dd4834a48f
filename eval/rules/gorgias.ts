import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readConfig } from '../config/config-file.ts';
import type { BusinessHours, Weekday } from './time-window.ts';
import { unknownTemplateVariables } from './template.ts';
import { RuleSchema, type Condition, type Rule, type RuleActions } from './schema.ts';

/**
 * Gorgias rules (`GET /api/rules`: `{id, name, event_types, code, code_ast, deactivated_datetime,
 * priority}`) translated into shadowdesk rules, from their ESTree `code_ast` — the JavaScript is
 * never run. The readable subset is translated:
 *
 * - `if` statements (nested ifs add conditions; several ifs give one rule each, `name #2`…),
 *   conditions joined with `&&` and `||`;
 * - `containsAny` / `contains` / `containsAll` on `message.body_text`, `message.subject`,
 *   `ticket.subject` (each word becomes a prefix, `rembours` → `rembours*`: Gorgias matches
 *   substrings, shadowdesk whole words or prefixes, see text-match.ts), and
 *   on `ticket.tags.name`; `notContainsAny` on tags; `eq` on `ticket.channel` / `message.channel`,
 *   `ticket.language`; the sender's address (`message.source.from.address`, `message.sender.email`,
 *   `ticket.customer.email`) with `eq` (the address) or `containsAny` / `endsWith` of domains
 *   (`@vip.example`); `eq(message.from_agent, false)` (always true on the customer messages rules
 *   are replayed on); `duringBusinessHours()` and `!duringBusinessHours()`, with the hours of the
 *   account's settings (`GET /api/account/settings`, its `business-hours` entry);
 * - `Action('setTags' | 'addTags' | 'setAssignee' | 'setTeamAssignee' | 'setPriority' | 'setStatus'
 *   (closed) | 'sendEmail' | 'replyToTicket', {…})`.
 *
 * Anything else is reported per rule instead of failing: a rule with a condition that cannot be
 * translated is left out (replaying it without that condition would overstate it); an action that
 * cannot be is dropped and the rule marked `partial`.
 */

export interface GorgiasRuleReport {
  id: string;
  name: string;
  /** `translated` in full, `partial` (some actions left out) or `skipped`. */
  status: 'translated' | 'partial' | 'skipped';
  /** The names of the shadowdesk rules it became. */
  rules: string[];
  /** What could not be translated, with the line in the rule's code. */
  problems: string[];
}

export interface GorgiasImport {
  /** In Gorgias' execution order (higher priority first). */
  rules: Rule[];
  report: GorgiasRuleReport[];
}

const GorgiasRuleSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  name: z.string().nullish(),
  description: z.string().nullish(),
  event_types: z.string().nullish(),
  code: z.string().nullish(),
  code_ast: z.unknown().optional(),
  deactivated_datetime: z.string().nullish(),
  priority: z.number().nullish(),
});
export type GorgiasRule = z.infer<typeof GorgiasRuleSchema>;

/** An array of rules or one page of the API (`{data: [...]}`). */
export const GorgiasRulesExportSchema = z.union([z.array(GorgiasRuleSchema), z.looseObject({ data: z.array(GorgiasRuleSchema) })], {
  error: 'expected the rules as `GET /api/rules` returns them: a list of rules or {"data": [...]}',
});

/** The account settings' business hours, as `GET /api/account/settings` returns them. */
const SettingsSchema = z.union(
  [
    z.array(z.looseObject({ type: z.string().optional(), data: z.unknown().optional() })),
    z.looseObject({ data: z.array(z.looseObject({ type: z.string().optional(), data: z.unknown().optional() })) }),
  ],
  { error: 'expected the account settings as `GET /api/account/settings` returns them: a list of settings or {"data": [...]}' },
);

const BusinessHoursDataSchema = z.looseObject({
  timezone: z.string().min(1),
  business_hours: z.array(z.looseObject({ days: z.string(), from_time: z.string(), to_time: z.string() })),
});

/** Gorgias numbers the days 1 (Monday) to 7 (Sunday). */
const GORGIAS_DAYS: Record<string, Weekday> = { '1': 'mon', '2': 'tue', '3': 'wed', '4': 'thu', '5': 'fri', '6': 'sat', '7': 'sun' };

/** The file next to a rules export that holds the account settings, when there is one. */
export const GORGIAS_SETTINGS_FILE = 'account-settings.json';

/** Reads the business hours from a Gorgias account settings export; undefined when it has none. */
export async function loadGorgiasBusinessHours(file: string): Promise<BusinessHours | undefined> {
  const parsed = await readConfig(file, SettingsSchema, { what: 'Gorgias account settings' });
  const settings = Array.isArray(parsed) ? parsed : parsed.data;
  const entry = settings.find((setting) => setting.type === 'business-hours');
  const data = BusinessHoursDataSchema.safeParse(entry?.data);
  if (!data.success) return undefined;
  const hours: BusinessHours['hours'] = {};
  for (const range of data.data.business_hours) {
    for (const day of range.days.split(',').map((value) => GORGIAS_DAYS[value.trim()])) {
      if (day) hours[day] = [...(hours[day] ?? []), `${range.from_time}-${range.to_time}`];
    }
  }
  return { zone: data.data.timezone, hours, holidays: [] };
}

/**
 * Reads a Gorgias rules export (JSON) and translates it. Business hours come from `settingsFile`,
 * else from `account-settings.json` next to the rules export when it is there.
 */
export async function loadGorgiasRules(file: string, options: { takenNames?: Iterable<string>; settingsFile?: string } = {}): Promise<GorgiasImport> {
  const parsed = await readConfig(file, GorgiasRulesExportSchema, { what: 'Gorgias rules export' });
  const beside = join(dirname(file), GORGIAS_SETTINGS_FILE);
  const settingsFile = options.settingsFile ?? (existsSync(beside) ? beside : undefined);
  const businessHours = settingsFile ? await loadGorgiasBusinessHours(settingsFile) : undefined;
  return translateGorgiasRules(Array.isArray(parsed) ? parsed : parsed.data, { ...options, ...(businessHours && { businessHours }) });
}

export interface TranslateOptions {
  /** Names already used (a rules file's), avoided. */
  takenNames?: Iterable<string>;
  /** The account's business hours, for `duringBusinessHours()`. */
  businessHours?: BusinessHours;
}

/** Translates Gorgias rules; `takenNames` are names already used (a rules file's), avoided. */
export function translateGorgiasRules(rules: readonly GorgiasRule[], options: TranslateOptions = {}): GorgiasImport {
  const taken = new Set(options.takenNames);
  const ordered = rules.map((rule, index) => ({ rule, index })).sort((a, b) => (b.rule.priority ?? 0) - (a.rule.priority ?? 0) || a.index - b.index);
  const result: GorgiasImport = { rules: [], report: [] };
  for (const { rule } of ordered) {
    const translated = _translate(rule, taken, options.businessHours);
    for (const made of translated.rules) taken.add(made.name);
    result.rules.push(...translated.rules);
    result.report.push(translated.report);
  }
  return result;
}

// --- internal ---

interface _Node {
  type: string;
  loc?: { start?: { line?: number } };
  [key: string]: unknown;
}

class _Untranslatable extends Error {}

function _isNode(value: unknown): value is _Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function _line(node: _Node): string {
  const line = node.loc?.start?.line;
  return line === undefined ? '' : `line ${line}: `;
}

function _fail(node: _Node, message: string): never {
  throw new _Untranslatable(`${_line(node)}${message}`);
}

function _translate(raw: GorgiasRule, taken: Set<string>, businessHours: BusinessHours | undefined): { rules: Rule[]; report: GorgiasRuleReport } {
  const id = String(raw.id);
  const name = raw.name?.trim() || `Gorgias rule ${id}`;
  const report: GorgiasRuleReport = { id, name, status: 'skipped', rules: [], problems: [] };
  const skip = (problem: string) => ({ rules: [], report: { ...report, problems: [...report.problems, problem] } });
  const events = (raw.event_types ?? '').split(',').map((event) => event.trim()).filter(Boolean);
  const trigger = events.includes('ticket-message-created') ? 'customer-message' : events.includes('ticket-created') ? 'ticket-created' : undefined;
  if (!trigger) return skip(`runs on ${events.join(', ') || 'no event'}: only ticket-created and ticket-message-created can be replayed`);
  const body = _programBody(raw.code_ast);
  if (!body) return skip('the export has no code_ast (the rule as an ESTree syntax tree) to translate');
  let branches: Array<{ conditions: Condition[]; actions: RuleActions }>;
  try {
    branches = _statements(body, [], report.problems, businessHours);
  } catch (error) {
    if (error instanceof _Untranslatable) return skip(error.message);
    throw error;
  }
  const rules: Rule[] = [];
  branches.forEach((branch, index) => {
    let ruleName = branches.length > 1 ? `${name} #${index + 1}` : name;
    if (taken.has(ruleName)) ruleName = `${ruleName} (Gorgias ${id})`;
    const candidate = {
      name: ruleName,
      ...(raw.description && { description: raw.description }),
      trigger,
      conditions: branch.conditions,
      actions: branch.actions,
      enabled: !raw.deactivated_datetime,
    };
    const checked = RuleSchema.safeParse(candidate);
    if (checked.success) rules.push(checked.data);
    else report.problems.push(...checked.error.issues.map((issue) => `${ruleName}: ${issue.path.join('.')}: ${issue.message}`));
  });
  if (rules.length === 0) return { rules, report: { ...report, problems: report.problems.length ? report.problems : ['no action that can be replayed'] } };
  return { rules, report: { ...report, status: report.problems.length > 0 ? 'partial' : 'translated', rules: rules.map((rule) => rule.name) } };
}

function _programBody(ast: unknown): unknown[] | undefined {
  if (typeof ast !== 'object' || ast === null) return undefined;
  const node = ast as { body?: unknown; program?: { body?: unknown } };
  const body = node.body ?? node.program?.body;
  return Array.isArray(body) ? body : undefined;
}

/** The branches (conditions → actions) of a list of statements under the conditions so far. */
function _statements(statements: unknown[], conditions: Condition[], problems: string[], hours: BusinessHours | undefined): Array<{ conditions: Condition[]; actions: RuleActions }> {
  const branches: Array<{ conditions: Condition[]; actions: RuleActions }> = [];
  const actions: RuleActions = {};
  for (const statement of statements) {
    if (!_isNode(statement)) continue;
    if (statement.type === 'EmptyStatement') continue;
    if (statement.type === 'ExpressionStatement' && _isNode(statement.expression) && statement.expression.type === 'CallExpression') {
      _action(statement.expression, actions, problems);
    } else if (statement.type === 'IfStatement') {
      if (statement.alternate) _fail(statement, '`else` branches cannot be replayed');
      const test = _condition(statement.test as _Node, hours);
      const consequent = statement.consequent as _Node;
      const inner = consequent.type === 'BlockStatement' ? (consequent.body as unknown[]) : [consequent];
      branches.push(..._statements(inner, [...conditions, ...test], problems, hours));
    } else if (statement.type === 'BlockStatement') {
      branches.push(..._statements(statement.body as unknown[], conditions, problems, hours));
    } else {
      _fail(statement, `a ${statement.type} cannot be replayed (only if-statements and Action(…) calls)`);
    }
  }
  if (Object.keys(actions).length > 0) branches.unshift({ conditions, actions });
  return branches;
}

/** A test as a list of conditions that must all hold. */
function _condition(node: _Node, hours: BusinessHours | undefined): Condition[] {
  if (node.type === 'LogicalExpression' && node.operator === '&&') return [..._condition(node.left as _Node, hours), ..._condition(node.right as _Node, hours)];
  if (node.type === 'LogicalExpression' && node.operator === '||') {
    const alternatives = [..._alternatives(node.left as _Node, hours), ..._alternatives(node.right as _Node, hours)];
    return [{ any: alternatives.map((alternative) => _merge(alternative, node)) }];
  }
  if (node.type === 'Literal' && node.value === true) return [];
  const negated = node.type === 'UnaryExpression' && node.operator === '!' && _isNode(node.argument) ? node.argument : undefined;
  if (_path((negated ?? node).callee) === 'duringBusinessHours') return _businessHours(node, hours, negated ? 'outside' : 'inside');
  if (node.type === 'CallExpression') return _call(node);
  return _fail(node, `a condition written as ${node.type}${node.type === 'UnaryExpression' ? ` (${String(node.operator)})` : ''} cannot be replayed`);
}

function _alternatives(node: _Node, hours: BusinessHours | undefined): Condition[][] {
  if (node.type === 'LogicalExpression' && node.operator === '||') return [..._alternatives(node.left as _Node, hours), ..._alternatives(node.right as _Node, hours)];
  return [_condition(node, hours)];
}

function _businessHours(node: _Node, hours: BusinessHours | undefined, during: 'inside' | 'outside'): Condition[] {
  if (!hours) {
    return _fail(node, `duringBusinessHours() needs the account's business hours: save GET /api/account/settings as ${GORGIAS_SETTINGS_FILE} next to the rules export`);
  }
  return [{ time: { ...hours, during } }];
}

/** One condition object holding all of a conjunction (two conditions on the same key cannot share one). */
function _merge(conditions: Condition[], at: _Node): Condition {
  if (conditions.length === 0) return _fail(at, 'an always-true alternative in `||` cannot be replayed');
  if (conditions.length === 1) return conditions[0]!;
  const merged: Record<string, unknown> = {};
  for (const condition of conditions) {
    for (const [key, value] of Object.entries(condition)) {
      if (key in merged) _fail(at, `an \`||\` alternative with two ${key} conditions cannot be replayed`);
      merged[key] = value;
    }
  }
  return merged as Condition;
}

function _path(node: unknown): string | undefined {
  if (!_isNode(node)) return undefined;
  if (node.type === 'Identifier') return String(node.name);
  if (node.type === 'MemberExpression' && !node.computed) {
    const object = _path(node.object);
    const property = _isNode(node.property) ? String(node.property.name) : undefined;
    return object && property ? `${object}.${property}` : undefined;
  }
  return undefined;
}

function _value(node: unknown): unknown {
  if (!_isNode(node)) return undefined;
  if (node.type === 'Literal') return node.value;
  if (node.type === 'ArrayExpression') return (node.elements as unknown[]).map(_value);
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) return (node.quasis as Array<{ value: { cooked: string } }>).map((quasi) => quasi.value.cooked).join('');
  if (node.type === 'ObjectExpression') {
    const object: Record<string, unknown> = {};
    for (const property of node.properties as _Node[]) {
      const key = _isNode(property.key) ? (property.key.type === 'Identifier' ? String(property.key.name) : String(property.key.value)) : undefined;
      if (key !== undefined) object[key] = _value(property.value);
    }
    return object;
  }
  return undefined;
}

function _strings(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  return list.every((item) => typeof item === 'string') && list.length > 0 ? (list as string[]) : undefined;
}

const _TEXT_FIELDS: Record<string, 'subject' | 'body'> = { 'message.body_text': 'body', 'message.subject': 'subject', 'ticket.subject': 'subject' };

/** Where Gorgias rules read the customer's address: the message's sender (its routing `source`) or the ticket's customer. */
const _SENDER_FIELDS = new Set(['message.source.from.address', 'message.sender.email', 'ticket.customer.email']);

/** A domain as rules test it (`@vip.example` or `vip.example`), undefined for any other substring. */
function _domain(word: string): string | undefined {
  const domain = word.trim().toLowerCase().replace(/^@/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : undefined;
}

function _sender(callee: string | undefined, strings: string[] | undefined): Condition[] | undefined {
  if (!strings) return undefined;
  if (callee === 'eq') return [{ customer: { email: strings } }];
  if (callee !== 'containsAny' && callee !== 'contains' && callee !== 'endsWith') return undefined;
  const domains = strings.map(_domain);
  return domains.every((domain): domain is string => domain !== undefined) ? [{ customer: { domain: domains } }] : undefined;
}

function _call(node: _Node): Condition[] {
  const callee = _path(node.callee);
  const args = node.arguments as unknown[];
  const field = _path(args[0]);
  const value = _value(args[1]);
  const strings = _strings(value);
  const text = `${callee}(${field ?? '…'}, ${JSON.stringify(value) ?? '…'})`;
  if (!field) return _fail(node, `${callee}(…) on an expression cannot be replayed`);
  if ((callee === 'containsAny' || callee === 'contains' || callee === 'containsAll') && strings) {
    const prefixes = strings.map((word) => (word.trim().endsWith('*') ? word : `${word.trim()}*`));
    if (field in _TEXT_FIELDS) return [{ text: { [callee === 'containsAll' ? 'all' : 'any']: prefixes, in: [_TEXT_FIELDS[field]!] } }];
    if (field === 'ticket.tags.name') return [{ tags: { [callee === 'containsAll' ? 'all' : 'any']: strings } }];
  }
  if (callee === 'notContainsAny' && field === 'ticket.tags.name' && strings) return [{ tags: { none: strings } }];
  const sender = _SENDER_FIELDS.has(field) ? _sender(callee, strings) : undefined;
  if (sender) return sender;
  if (callee === 'eq') {
    if ((field === 'message.from_agent' || field === 'ticket.from_agent') && value === false) return [];
    if ((field === 'ticket.channel' || field === 'message.channel') && strings) return [{ channel: strings }];
    if (field === 'ticket.language' && strings) return [{ language: strings }];
  }
  return _fail(node, `condition ${text} cannot be replayed`);
}

function _action(node: _Node, actions: RuleActions, problems: string[]): void {
  const args = node.arguments as unknown[];
  if (_path(node.callee) !== 'Action') return _fail(node, `a call to ${_path(node.callee) ?? 'an expression'} cannot be replayed`);
  const kind = _value(args[0]);
  const options = (_value(args[1]) ?? {}) as Record<string, unknown>;
  const drop = (why: string) => problems.push(`${_line(node)}Action('${String(kind)}') left out: ${why}`);
  switch (kind) {
    case 'setTags':
    case 'addTags': {
      const tags = typeof options.tags === 'string' ? options.tags.split(',').map((tag) => tag.trim()).filter(Boolean) : (_strings(options.tags) ?? []);
      if (tags.length === 0) return void drop('no tags');
      if (kind === 'setTags') actions.setTags = tags;
      else actions.addTags = [...(actions.addTags ?? []), ...tags];
      return;
    }
    case 'setAssignee': {
      const user = options.assignee_user;
      const agent = typeof user === 'string' ? user : typeof user === 'object' && user !== null ? ((user as { name?: unknown }).name ?? (user as { email?: unknown }).email) : undefined;
      if (typeof agent !== 'string' || !agent) return void drop('the assignee has no name or e-mail');
      actions.assign = { agent };
      return;
    }
    case 'setTeamAssignee': {
      const team = options.assignee_team;
      const teamName = typeof team === 'string' ? team : typeof team === 'object' && team !== null ? (team as { name?: unknown }).name : undefined;
      if (typeof teamName !== 'string' || !teamName) return void drop('the team has no name');
      actions.assign = { team: teamName };
      return;
    }
    case 'setPriority': {
      const priority = options.priority;
      if (priority !== 'low' && priority !== 'normal' && priority !== 'high' && priority !== 'urgent') return void drop(`unknown priority ${JSON.stringify(priority)}`);
      actions.priority = priority;
      return;
    }
    case 'setStatus':
      if (options.status === 'closed') actions.close = true;
      else drop(`only status "closed" can be replayed, not ${JSON.stringify(options.status)}`);
      return;
    case 'sendEmail':
    case 'replyToTicket': {
      const template = typeof options.body_text === 'string' ? options.body_text : undefined;
      if (!template) return void drop('no body_text');
      const unknown = unknownTemplateVariables(template);
      if (unknown.length > 0) return void drop(`its template uses ${unknown.map((name) => `{{${name}}}`).join(', ')}, which shadowdesk cannot fill`);
      actions.autoReply = { template, ...(typeof options.subject === 'string' && { subject: options.subject }) };
      return;
    }
    default:
      drop('this action cannot be replayed');
  }
}
