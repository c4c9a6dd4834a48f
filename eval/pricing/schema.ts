import { z } from 'zod';

/**
 * A pricing file: editable list prices for helpdesk + AI plans and the cost of a human-handled
 * ticket. Objects are strict so a typo'd key is an error instead of a silently ignored price.
 */

const money = z.number().nonnegative();
const quantity = z.number().int().nonnegative();
const share = z.number().min(0).max(1);

/** A helpdesk billed by billable tickets: a monthly fee covers a quota, each extra ticket costs overage. */
export const HelpdeskPlanSchema = z.strictObject({
  monthlyFee: money,
  includedTickets: quantity.default(0),
  overagePerTicket: money,
});

/** The AI's own bill; `type` picks the metered unit because vendors bill different things. */
export const AiPlanSchema = z.discriminatedUnion('type', [
  /** Pays per ticket the AI resolved with no human (Gorgias AI Agent, Intercom Fin, Zendesk AR). */
  z.strictObject({ type: z.literal('per-resolution'), price: money, includedPerMonth: quantity.default(0), monthlyFee: money.default(0) }),
  /** Pays per AI reply sent (eesel's older "interaction"). */
  z.strictObject({ type: z.literal('per-interaction'), price: money, includedPerMonth: quantity.default(0), monthlyFee: money.default(0) }),
  /** Pays per ticket the AI touched, resolved or not (eesel pay-as-you-go). */
  z.strictObject({ type: z.literal('per-ticket'), price: money, monthlyCap: money.optional() }),
  /** Pays per 24 h AI session, optionally bought in whole packs (Freshdesk Freddy). */
  z.strictObject({ type: z.literal('per-session'), price: money, packSize: z.number().int().positive().optional() }),
  /** A fixed monthly quota of units with a per-unit overage. */
  z.strictObject({ type: z.literal('flat'), monthlyFee: money, included: quantity, unit: z.enum(['resolution', 'interaction']), overage: money }),
  /** A share of the helpdesk bill, overage included (the legacy Gorgias automation add-on). */
  z.strictObject({ type: z.literal('addon-share'), share: z.number().nonnegative() }),
]);

/** One priced option to compare; `source` and `read` say where and when the price was read, since prices drift. */
export const PricingModelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use kebab-case: lowercase letters, digits and dashes'),
  label: z.string().min(1),
  source: z.url(),
  read: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'write the date the price was read as YYYY-MM-DD'),
  note: z.string().optional(),
  helpdesk: HelpdeskPlanSchema.optional(),
  ai: AiPlanSchema.optional(),
  /** Current Gorgias bills AI-replied tickets as helpdesk tickets; the 2023 add-on never did. */
  aiCountsAsBillableTicket: z.boolean().default(true),
});

/** Handling cost of a human ticket, given directly or as handle time × loaded hourly wage. */
export const HumanCostSchema = z
  .strictObject({
    perTicket: money.optional(),
    minutesPerTicket: z.number().positive().optional(),
    hourlyRate: money.optional(),
    /** A ticket the AI started and a human finished still costs part of a human ticket. */
    aiFirstShare: share.default(1),
  })
  .superRefine((human, context) => {
    const direct = human.perTicket !== undefined;
    const timed = human.minutesPerTicket !== undefined || human.hourlyRate !== undefined;
    if (direct && timed) context.addIssue({ code: 'custom', path: ['perTicket'], message: 'give either perTicket or minutesPerTicket + hourlyRate, not both' });
    else if (!direct && !timed) context.addIssue({ code: 'custom', path: [], message: 'give perTicket, or minutesPerTicket and hourlyRate' });
    else if (timed && human.minutesPerTicket === undefined) context.addIssue({ code: 'custom', path: ['minutesPerTicket'], message: 'hourlyRate needs minutesPerTicket' });
    else if (timed && human.hourlyRate === undefined) context.addIssue({ code: 'custom', path: ['hourlyRate'], message: 'minutesPerTicket needs hourlyRate' });
  });

export const PricingSchema = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'use a three-letter currency code such as USD'),
    /** Monthly compound growth of every volume, so a plan's quota can be outgrown over the period. */
    growth: z.number().gt(-1).default(0),
    human: HumanCostSchema,
    /**
     * The helpdesk paid today, if any: part of the all-human baseline, and kept by the plans that
     * price the AI only. Without it every comparison leaves today's helpdesk out.
     */
    currentHelpdesk: HelpdeskPlanSchema.optional(),
    models: z.array(PricingModelSchema).min(1),
  })
  .superRefine((pricing, context) => {
    const seen = new Set<string>();
    pricing.models.forEach((model, index) => {
      if (seen.has(model.id)) context.addIssue({ code: 'custom', path: ['models', index, 'id'], message: `duplicate model id "${model.id}"` });
      seen.add(model.id);
      if (model.ai?.type === 'addon-share' && !model.helpdesk) {
        context.addIssue({ code: 'custom', path: ['models', index, 'ai', 'share'], message: 'addon-share is a share of the helpdesk bill, so the model needs a helpdesk plan' });
      }
    });
  });

export type HelpdeskPlan = z.infer<typeof HelpdeskPlanSchema>;
export type AiPlan = z.infer<typeof AiPlanSchema>;
export type PricingModel = z.infer<typeof PricingModelSchema>;
export type HumanCost = z.infer<typeof HumanCostSchema>;
export type Pricing = z.infer<typeof PricingSchema>;
