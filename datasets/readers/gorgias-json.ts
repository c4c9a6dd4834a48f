import { messageBody, splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation, ThreadMessage } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { firstOf, objectsIn, optionalDate, satisfactionOf, ticketItem } from './_tickets.ts';

/** Field names from the Gorgias REST API (tickets with embedded messages). */
interface GorgiasPerson {
  id?: number | string;
  email?: string;
  name?: string;
  firstname?: string;
  lastname?: string;
}

interface GorgiasMessage {
  id?: number | string;
  /** Set on each message of the `/api/messages` list. */
  ticket_id?: number | string;
  public?: boolean;
  from_agent?: boolean | null;
  channel?: string;
  via?: string;
  rule_id?: number | null;
  sender?: GorgiasPerson | null;
  body_text?: string | null;
  body_html?: string | null;
  stripped_text?: string | null;
  created_datetime?: string;
  sent_datetime?: string | null;
  macros?: Array<{ id?: number | string; name?: string }>;
}

interface GorgiasTicket {
  id?: number | string;
  status?: string;
  channel?: string;
  language?: string | null;
  subject?: string | null;
  spam?: boolean;
  customer?: GorgiasPerson | null;
  /** Older exports name the customer `requester`. */
  requester?: GorgiasPerson | null;
  assignee_user?: GorgiasPerson | null;
  tags?: Array<{ name?: string } | string>;
  messages?: GorgiasMessage[];
  created_datetime?: string;
  closed_datetime?: string | null;
  satisfaction_survey?: { score?: number | null } | null;
}

function personName(person: GorgiasPerson | null | undefined): string | undefined {
  if (!person) return undefined;
  return firstOf(str(person.name), str([person.firstname, person.lastname].filter(Boolean).join(' ')));
}

function isSender(sender: GorgiasPerson | null | undefined, person: GorgiasPerson | null | undefined): boolean {
  if (!sender || !person) return false;
  return (person.id !== undefined && String(sender.id) === String(person.id)) || (str(person.email) !== undefined && sender.email === person.email);
}

/**
 * `from_agent` splits the turns. Rule auto-replies are the system speaking, not an agent: they are
 * what rules already automate. Without `from_agent` (older exports), the ticket's customer is the
 * customer and any other sender an agent.
 */
function roleOf(message: GorgiasMessage, customer: GorgiasPerson | null | undefined): AuthorRole {
  const fromAgent = typeof message.from_agent === 'boolean' ? message.from_agent : !isSender(message.sender, customer);
  if (!fromAgent) return 'customer';
  return message.via === 'rule' || message.rule_id ? 'system' : 'agent';
}

/** A message with its role known from `from_agent`, or left to the ticket it joins (the customer's id). */
function looseMessage(raw: GorgiasMessage, options: ReadOptions, warnings: string[], index: number): ThreadMessage[] {
  const sentAt = toIsoDate(raw.sent_datetime) ?? toIsoDate(raw.created_datetime);
  if (!sentAt) {
    warnings.push(`message ${raw.id ?? index + 1} has no readable created_datetime and was left out`);
    return [];
  }
  const body = { html: raw.body_html ?? undefined, text: raw.body_text ?? undefined, stripped: raw.stripped_text ?? undefined };
  const fromAgent = typeof raw.from_agent === 'boolean' ? raw.from_agent : undefined;
  const role: AuthorRole | undefined = fromAgent === undefined ? undefined : !fromAgent ? 'customer' : raw.via === 'rule' || raw.rule_id ? 'system' : 'agent';
  return [
    {
      id: str(raw.id),
      ...(role && { role }),
      authorId: str(raw.sender?.id) ?? str(raw.sender?.email),
      author: personName(raw.sender) ?? str(raw.sender?.email),
      sentAt,
      ...messageBody(body, options.maxMessageChars, warnings),
      internal: raw.public === false || raw.channel === 'internal-note' ? true : undefined,
      macro: str(raw.macros?.[0]?.name),
    },
  ];
}

function toMessage(raw: GorgiasMessage, ticket: GorgiasTicket, options: ReadOptions, warnings: string[], index: number): Message[] {
  const sentAt = toIsoDate(raw.sent_datetime) ?? toIsoDate(raw.created_datetime);
  if (!sentAt) {
    warnings.push(`message ${raw.id ?? index + 1} has no readable created_datetime and was left out`);
    return [];
  }
  const body = { html: raw.body_html ?? undefined, text: raw.body_text ?? undefined, stripped: raw.stripped_text ?? undefined };
  return [
    {
      id: str(raw.id),
      role: roleOf(raw, customerOf(ticket)),
      author: personName(raw.sender) ?? str(raw.sender?.email),
      sentAt,
      ...messageBody(body, options.maxMessageChars, warnings),
      internal: raw.public === false || raw.channel === 'internal-note' ? true : undefined,
      macro: str(raw.macros?.[0]?.name),
    },
  ];
}

function customerOf(ticket: GorgiasTicket): GorgiasPerson | null | undefined {
  return ticket.customer ?? ticket.requester;
}

const EXPORT_TICKETS = 'export the tickets too (Gorgias GET /api/tickets) and import them with these files';
const EXPORT_MESSAGES = 'export the messages too (Gorgias GET /api/messages), or the tickets with their messages';

/** A message of the `/api/messages` list, waiting for its ticket. */
function messageItem(raw: GorgiasMessage, at: SourceLocation, options: ReadOptions): ReadItem {
  const ticketId = str(raw.ticket_id)!;
  const warnings: string[] = [];
  const messages = looseMessage(raw, options, warnings, 0);
  return { type: 'thread', at: { ...at, id: ticketId }, thread: { ticketId, source: 'gorgias', messages, missing: EXPORT_TICKETS, warnings } };
}

function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'skip', at, reason: 'expected a ticket object' };
  }
  if ('ticket_id' in value && !('messages' in value) && str((value as GorgiasMessage).ticket_id)) return messageItem(value as GorgiasMessage, at, options);
  const raw = value as GorgiasTicket;
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'missing ticket id (field "id")' };
  const located = { ...at, id };
  const createdAt = toIsoDate(raw.created_datetime);
  if (!createdAt) {
    return { type: 'skip', at: located, reason: `missing or unreadable creation date (field "created_datetime": ${JSON.stringify(raw.created_datetime ?? null)})` };
  }
  const warnings: string[] = [];
  const customer = customerOf(raw);
  const ticket = {
    id,
    source: 'gorgias',
    createdAt,
    closedAt: optionalDate(raw.closed_datetime, 'closed_datetime', warnings),
    channel: str(raw.channel) ?? 'unknown',
    language: str(raw.language),
    subject: str(raw.subject) ?? '',
    customer: { id: str(customer?.id), email: str(customer?.email), name: personName(customer) },
    tags: splitTags(raw.tags),
    assignee: personName(raw.assignee_user) ?? str(raw.assignee_user?.email),
    status: str(raw.status),
    satisfaction: satisfactionOf(raw.satisfaction_survey?.score),
    spam: typeof raw.spam === 'boolean' ? raw.spam : undefined,
  };
  if (Array.isArray(raw.messages) && raw.messages.length > 0) {
    const messages = objectsIn<GorgiasMessage>(raw.messages, 'message', warnings).flatMap(({ value, index }) => toMessage(value, raw, options, warnings, index));
    return ticketItem(ticket, messages, located, warnings);
  }
  // The tickets list carries no messages: they come from a messages file, joined on import.
  const customerIds = [str(customer?.id), str(customer?.email)].flatMap((id) => id ?? []);
  return { type: 'shell', at: located, shell: { ticket, messages: [], threadRepeatsOwn: false, customerIds, missing: EXPORT_MESSAGES, warnings } };
}

export const gorgiasJsonReader: Reader = {
  name: 'gorgias-json',
  description:
    'Gorgias REST API tickets, with embedded messages or joined to the /api/messages list, in any order and any file ' +
    '(array, paginated {data: [...], meta} pages, or NDJSON)',
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const gorgiasFields = ['"created_datetime"', '"from_agent"', '"body_text"', '"messages"'];
    const hits = gorgiasFields.filter((field) => probe.head.includes(field)).length;
    if (hits >= 3) return 0.9;
    // A tickets list without messages: Gorgias's own date and survey field names.
    const listFields = ['"created_datetime"', '"last_message_datetime"', '"assignee_user"', '"updated_datetime"', '"opened_datetime"'];
    return listFields.filter((field) => probe.head.includes(field)).length >= 3 ? 0.9 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['data', 'tickets'], (value, at) => toItem(value, at, options));
  },
};
