import { z } from 'zod';

/**
 * The normalized records every reader produces and every later stage consumes.
 * Dates are ISO-8601 strings in UTC so records round-trip through JSONL unchanged.
 */

const isoDate = z.iso.datetime({ offset: true });

export const AUTHOR_ROLES = ['customer', 'agent', 'ai', 'system'] as const;
export type AuthorRole = (typeof AUTHOR_ROLES)[number];

export const MessageSchema = z.strictObject({
  id: z.string().min(1).optional(),
  role: z.enum(AUTHOR_ROLES),
  author: z.string().optional(),
  sentAt: isoDate,
  /** Clean text: HTML converted, quoted history and signature removed. */
  text: z.string(),
  /** The raw HTML body as exported, when there was one. */
  html: z.string().optional(),
  /** Internal notes are never seen by the customer. */
  internal: z.boolean().optional(),
  /** The macro the agent applied, when the export says so. */
  macro: z.string().optional(),
  /**
   * Parts of the text that belong to this conversation only (the @handles a tweet opens with, its
   * links): kept in the text as sent, and never to be reused in an answer to another customer.
   */
  personal: z.array(z.string()).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

export const CustomerSchema = z.strictObject({
  id: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const TicketSchema = z.strictObject({
  id: z.string().min(1),
  /** The helpdesk or format the ticket came from, e.g. `gorgias`, `zendesk`. */
  source: z.string().min(1),
  createdAt: isoDate,
  closedAt: isoDate.optional(),
  channel: z.string().min(1),
  language: z.string().optional(),
  subject: z.string(),
  customer: CustomerSchema,
  tags: z.array(z.string()),
  assignee: z.string().optional(),
  status: z.string().optional(),
  /** Satisfaction score normalized to 0..1 when the export has one. */
  satisfaction: z.number().min(0).max(1).optional(),
  spam: z.boolean().optional(),
  messages: z.array(MessageSchema).min(1),
});
export type Ticket = z.infer<typeof TicketSchema>;

export const KNOWLEDGE_KINDS = ['article', 'macro', 'internal', 'product', 'policy'] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

export const KnowledgeDocSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(KNOWLEDGE_KINDS),
  title: z.string(),
  body: z.string(),
  url: z.string().optional(),
  locale: z.string().optional(),
  /** When this version took effect; two docs with one id and different dates are two versions. */
  updatedAt: isoDate.optional(),
  tags: z.array(z.string()).optional(),
  /** Macro variables such as `ticket.customer.firstname`, in order of first use. */
  variables: z.array(z.string()).optional(),
});
export type KnowledgeDoc = z.infer<typeof KnowledgeDocSchema>;

export const LineItemSchema = z.strictObject({
  name: z.string(),
  sku: z.string().optional(),
  quantity: z.number().int().nonnegative(),
  price: z.number().optional(),
});
export type LineItem = z.infer<typeof LineItemSchema>;

export const OrderSchema = z.strictObject({
  /** The order name customers quote, e.g. `#1042`. */
  id: z.string().min(1),
  customerEmail: z.string().optional(),
  customerName: z.string().optional(),
  createdAt: isoDate,
  financialStatus: z.string().optional(),
  fulfillmentStatus: z.string().optional(),
  fulfilledAt: isoDate.optional(),
  cancelledAt: isoDate.optional(),
  currency: z.string().optional(),
  total: z.number().optional(),
  trackingNumber: z.string().optional(),
  trackingUrl: z.string().optional(),
  shippingMethod: z.string().optional(),
  lineItems: z.array(LineItemSchema),
});
export type Order = z.infer<typeof OrderSchema>;

export type RecordKind = 'ticket' | 'knowledge' | 'order';
export interface RecordOf {
  ticket: Ticket;
  knowledge: KnowledgeDoc;
  order: Order;
}
export const SCHEMA_OF = {
  ticket: TicketSchema,
  knowledge: KnowledgeDocSchema,
  order: OrderSchema,
} as const;

/** The schema's own pattern for dates, so the check below accepts exactly the dates the schema does. */
const ISO_DATE_PATTERN = isoDate._zod.pattern;

const isString = (value: unknown): value is string => typeof value === 'string';
const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
const isFilledString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const isDate = (value: unknown): boolean => typeof value === 'string' && ISO_DATE_PATTERN.test(value);
const isStrings = (value: unknown): boolean => Array.isArray(value) && everyOf(value, isString);
const isOptional = (check: (value: unknown) => boolean) => (value: unknown) => value === undefined || check(value);
const ROLES: ReadonlySet<unknown> = new Set(AUTHOR_ROLES);

/**
 * One test per key of a record, each accepting what the schema accepts there, and the keys in the
 * schema's order. Typed as every key of the record: a field added to the schema without its test
 * here does not type-check.
 */
type KeyTests<T> = { [K in keyof Required<T>]: (value: unknown) => boolean };
interface RecordTests {
  order: readonly string[];
  /** Each key's test, in the order of `order`. */
  tests: ReadonlyArray<(value: unknown) => boolean>;
}
const testsOf = <T>(schema: z.ZodObject, tests: KeyTests<T>): RecordTests => {
  const order = Object.keys(schema.shape);
  return { order, tests: order.map((key) => (tests as Record<string, (value: unknown) => boolean>)[key]!) };
};

const CUSTOMER_TESTS = testsOf<Customer>(CustomerSchema, { id: isOptionalString, email: isOptionalString, name: isOptionalString });
const MESSAGE_TESTS = testsOf<Message>(MessageSchema, {
  id: isOptional(isFilledString),
  role: (value) => ROLES.has(value),
  author: isOptionalString,
  sentAt: isDate,
  text: isString,
  html: isOptionalString,
  internal: isOptional((value) => typeof value === 'boolean'),
  macro: isOptionalString,
  personal: isOptional(isStrings),
});
const TICKET_TESTS = testsOf<Ticket>(TicketSchema, {
  id: isFilledString,
  source: isFilledString,
  createdAt: isDate,
  closedAt: isOptional(isDate),
  channel: isFilledString,
  language: isOptionalString,
  subject: isString,
  customer: (value) => passes(value, CUSTOMER_TESTS),
  tags: isStrings,
  assignee: isOptionalString,
  status: isOptionalString,
  satisfaction: isOptional((value) => typeof value === 'number' && value >= 0 && value <= 1),
  spam: isOptional((value) => typeof value === 'boolean'),
  messages: (value) => Array.isArray(value) && value.length > 0 && everyOf(value, isMessage),
});

function isMessage(value: unknown): boolean {
  return passes(value, MESSAGE_TESTS);
}

/** `list.every(test)` (holes skipped as it skips them) without the closure a call site builds around its test: this runs for every field of every imported ticket. */
function everyOf(list: readonly unknown[], test: (value: unknown) => boolean): boolean {
  for (let index = 0; index < list.length; index++) if (index in list && !test(list[index])) return false;
  return true;
}

/** A plain object whose keys are the schema's, each once and in its order, and whose values pass their tests. */
function passes(value: unknown, { order, tests }: RecordTests): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let next = 0;
  for (const key in value) {
    while (next < order.length && order[next] !== key) next++;
    if (next === order.length) return false;
    next++;
  }
  const record = value as Record<string, unknown>;
  for (let index = 0; index < order.length; index++) if (!tests[index]!(record[order[index]!])) return false;
  return true;
}

/**
 * Whether a ticket is already what TicketSchema would return for it: valid, and with its keys in
 * the schema's order. Readers build tickets so, and the schema's copy of each one was a tenth of a
 * large import's time; a ticket this check is unsure of goes through the schema.
 */
export function isFinishedTicket(value: unknown): value is Ticket {
  return passes(value, TICKET_TESTS);
}

/** A record checked against its kind's schema; a finished ticket is returned as it is rather than copied. */
export function parseRecord<K extends RecordKind>(kind: K, record: unknown): z.ZodSafeParseResult<RecordOf[K]> {
  if (kind === 'ticket' && isFinishedTicket(record)) return { success: true, data: record as RecordOf[K] };
  return SCHEMA_OF[kind].safeParse(record) as z.ZodSafeParseResult<RecordOf[K]>;
}

/** The key under which two records are the same record (knowledge keeps one record per version). */
export function recordKey(kind: RecordKind, record: Ticket | KnowledgeDoc | Order): string {
  if (kind === 'knowledge') {
    const doc = record as KnowledgeDoc;
    return doc.updatedAt ? `${doc.id}@${doc.updatedAt}` : doc.id;
  }
  return record.id;
}
