import { messageBody, splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation, ThreadMessage } from '../reader.ts';
import type { Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { ticketIdInPath } from './_thread-files.ts';
import { nonBlank, optionalDate } from './_tickets.ts';

/** Field names from the Freshdesk API v2 (`GET /api/v2/tickets`, `GET /api/v2/tickets/{id}/conversations`). */
interface FreshdeskPerson {
  id?: number | string;
  name?: string;
  email?: string;
}

interface FreshdeskTicket {
  id?: number | string;
  subject?: string | null;
  /** With `include=description`; the tickets list leaves it out. */
  description?: string | null;
  description_text?: string | null;
  status?: number | string;
  source?: number | string;
  spam?: boolean;
  tags?: string[];
  requester_id?: number | string;
  requester?: FreshdeskPerson | null;
  responder_id?: number | string | null;
  created_at?: string;
  /** With `include=stats`. */
  stats?: { resolved_at?: string | null; closed_at?: string | null } | null;
  custom_fields?: Record<string, unknown>;
  language?: string;
}

interface FreshdeskConversation {
  id?: number | string;
  ticket_id?: number | string;
  user_id?: number | string;
  body?: string | null;
  body_text?: string | null;
  /** True for what the customer sent (an e-mail reply); false for agents' replies and notes. */
  incoming?: boolean;
  private?: boolean;
  from_email?: string | null;
  created_at?: string;
}

/** Status and source codes as the API documents them. */
const STATUSES: Record<string, string> = { '2': 'open', '3': 'pending', '4': 'resolved', '5': 'closed' };
const SOURCES: Record<string, string> = { '1': 'email', '2': 'portal', '3': 'phone', '7': 'chat', '9': 'feedback widget', '10': 'outbound email' };

const EXPORT_CONVERSATIONS = "export each ticket's conversations (GET /api/v2/tickets/{id}/conversations) and import them with the tickets";
const EXPORT_TICKETS = 'export the tickets too (GET /api/v2/tickets?include=description, or Tickets → Export as CSV) and import them with these conversations';

function codeName(codes: Record<string, string>, value: unknown): string | undefined {
  const code = str(value);
  return code === undefined ? undefined : (codes[code] ?? code);
}

function ticketItemOf(raw: FreshdeskTicket, at: SourceLocation, options: ReadOptions): ReadItem {
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'missing ticket id (field "id")' };
  const located = { ...at, id };
  const createdAt = toIsoDate(raw.created_at);
  if (!createdAt) {
    return { type: 'skip', at: located, reason: `missing or unreadable creation date (field "created_at": ${JSON.stringify(raw.created_at ?? null)})` };
  }
  const warnings: string[] = [];
  const status = codeName(STATUSES, raw.status);
  const channel = codeName(SOURCES, raw.source) ?? 'unknown';
  const closedAt = optionalDate(raw.stats?.closed_at ?? raw.stats?.resolved_at, 'stats.closed_at', warnings);
  const ticket = {
    id,
    source: 'freshdesk',
    createdAt,
    closedAt,
    channel,
    language: str(raw.language),
    subject: str(raw.subject) ?? '',
    customer: { id: str(raw.requester_id), email: str(raw.requester?.email), name: str(raw.requester?.name) },
    tags: splitTags(raw.tags),
    assignee: str(raw.responder_id),
    status,
    spam: typeof raw.spam === 'boolean' ? raw.spam : undefined,
  };
  // The description is the first message: the customer's, or the agent's on an outbound e-mail.
  const description = nonBlank(raw.description_text) ?? nonBlank(raw.description);
  const messages: Message[] = description
    ? [{ role: channel === 'outbound email' ? 'agent' : 'customer', sentAt: createdAt, ...messageBody({ html: nonBlank(raw.description), text: raw.description_text ?? undefined }, options.maxMessageChars, warnings) }]
    : [];
  const customerIds = [ticket.customer.id, ticket.customer.email].flatMap((value) => value ?? []);
  const missing = description ? EXPORT_CONVERSATIONS : `the tickets were listed without their description (add include=description) and ${EXPORT_CONVERSATIONS}`;
  return { type: 'shell', at: located, shell: { ticket, messages, threadRepeatsOwn: false, customerIds, missing, warnings } };
}

/** A conversation: the customer's when incoming, otherwise the requester's or an agent's, told on joining. */
function conversationItem(raw: FreshdeskConversation, at: SourceLocation, options: ReadOptions): ReadItem {
  const ticketId = str(raw.ticket_id) ?? ticketIdInPath(at.file);
  if (!ticketId) return { type: 'skip', at, reason: 'a conversation without its ticket id (field "ticket_id")' };
  const located = { ...at, id: ticketId };
  const sentAt = toIsoDate(raw.created_at);
  if (!sentAt) return { type: 'skip', at: located, reason: `the conversation has no readable creation date (field "created_at": ${JSON.stringify(raw.created_at ?? null)})` };
  const warnings: string[] = [];
  const message: ThreadMessage = {
    id: str(raw.id),
    ...(raw.incoming === true && { role: 'customer' as const }),
    authorId: str(raw.user_id),
    author: str(raw.from_email),
    sentAt,
    ...messageBody({ html: nonBlank(raw.body), text: raw.body_text ?? undefined }, options.maxMessageChars, warnings),
    internal: raw.private === true ? true : undefined,
  };
  return { type: 'thread', at: located, thread: { ticketId, source: 'freshdesk', messages: [message], missing: EXPORT_TICKETS, warnings } };
}

function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { type: 'skip', at, reason: 'expected a ticket or conversation object' };
  const isConversation = 'incoming' in value || ('body_text' in value && !('subject' in value));
  return isConversation ? conversationItem(value as FreshdeskConversation, at, options) : ticketItemOf(value as FreshdeskTicket, at, options);
}

export const freshdeskJsonReader: Reader = {
  name: 'freshdesk-json',
  description:
    'Freshdesk API v2 tickets (GET /api/v2/tickets, with include=description) joined to their conversations ' +
    '(GET /api/v2/tickets/{id}/conversations), in any order and any file; status and source codes become their names',
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const freshdeskFields = ['"fr_due_by"', '"fr_escalated"', '"responder_id"', '"description_text"', '"incoming"', '"support_email"', '"body_text"'];
    // Above zendesk-json, which also finds "requester_id" and "created_at" in these files.
    return freshdeskFields.filter((field) => probe.head.includes(field)).length >= 2 && !probe.head.includes('"from_agent"') ? 0.95 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['tickets', 'conversations', 'results'], (value, at) => toItem(value, at, options));
  },
};
