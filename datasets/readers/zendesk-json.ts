import { isObject, messageBody, splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation, ThreadMessage } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { ticketIdInPath } from './_thread-files.ts';
import { firstOf, nonBlank, objectsIn, optionalDate, satisfactionOf, ticketItem } from './_tickets.ts';

/** Field names from the Zendesk Tickets and Ticket Comments APIs. */
interface ZendeskPerson {
  id?: number | string;
  name?: string;
  email?: string;
  role?: string;
  locale?: string;
}

interface ZendeskComment {
  id?: number | string;
  /** Absent from the Ticket Comments API; present when a comment was saved with its ticket's id. */
  ticket_id?: number | string;
  author_id?: number | string;
  author?: ZendeskPerson;
  body?: string;
  html_body?: string;
  plain_body?: string;
  public?: boolean;
  created_at?: string;
}

interface ZendeskTicket {
  id?: number | string;
  subject?: string | null;
  raw_subject?: string | null;
  description?: string | null;
  /** A string in Zendesk; a number is Freshdesk's status code, read by the wrong reader. */
  status?: string | number;
  tags?: string[];
  via?: { channel?: string };
  requester_id?: number | string;
  requester?: ZendeskPerson;
  collaborator_ids?: Array<number | string>;
  email_cc_ids?: Array<number | string>;
  assignee_id?: number | string | null;
  assignee?: ZendeskPerson;
  satisfaction_rating?: { score?: string } | null;
  created_at?: string;
  updated_at?: string;
  /** Present when the export side-loads metric sets (`include=metric_sets`). */
  metric_set?: { solved_at?: string | null } | null;
  comments?: ZendeskComment[];
  locale?: string;
}

/** One record of the incremental ticket events export: an update of a ticket, with its child events. */
interface ZendeskTicketEvent {
  id?: number | string;
  ticket_id?: number | string;
  created_at?: string;
  timestamp?: number;
  updater_id?: number | string;
  /** With `include=comment_events`, comments are child events of type `Comment`. */
  child_events?: Array<ZendeskComment & { event_type?: string; type?: string; requester_id?: number | string }>;
}

/** What else to export when comments came without their tickets, or tickets without comments. */
const EXPORT_TICKETS = 'export the tickets too (Zendesk incremental ticket export, GET /api/v2/incremental/tickets/cursor) and import them with these files';
const EXPORT_COMMENTS =
  "export each ticket's comments (GET /api/v2/tickets/{id}/comments, one file per ticket named after its id) or the incremental ticket events with comment events (GET /api/v2/incremental/ticket_events?include=comment_events)";

const CLOSED_STATUSES = new Set(['solved', 'closed']);

/**
 * Zendesk comments carry no "from agent" flag. The author's role wins when the export embeds it;
 * otherwise the requester and the people copied in are the customer side and anyone else is an agent.
 */
function roleOf(comment: ZendeskComment, customerIds: Set<string>): AuthorRole {
  const role = comment.author?.role;
  if (role) return role === 'end-user' ? 'customer' : 'agent';
  return customerIds.has(String(comment.author_id)) ? 'customer' : 'agent';
}

/** Names of the people the ticket embeds, so a comment by the requester or assignee shows a name rather than an id. */
function peopleOf(raw: ZendeskTicket): Map<string, string> {
  const people = new Map<string, string>();
  for (const [id, person] of [[raw.requester_id, raw.requester], [raw.assignee_id, raw.assignee]] as const) {
    const name = firstOf(str(person?.name), str(person?.email));
    const key = str(id) ?? str(person?.id);
    if (key && name) people.set(key, name);
  }
  return people;
}

interface Authors {
  customerIds: Set<string>;
  people: Map<string, string>;
}

function toComment(comment: ZendeskComment, index: number, authors: Authors, options: ReadOptions, warnings: string[]): Message[] {
  const sentAt = toIsoDate(comment.created_at);
  if (!sentAt) {
    warnings.push(`comment ${comment.id ?? index + 1} has no readable created_at and was left out`);
    return [];
  }
  return [
    {
      id: str(comment.id),
      role: roleOf(comment, authors.customerIds),
      author: firstOf(str(comment.author?.name), str(comment.author?.email), authors.people.get(String(comment.author_id)), str(comment.author_id)),
      sentAt,
      // An API that fills `body` only sends the other two as empty strings.
      ...messageBody({ html: nonBlank(comment.html_body), text: nonBlank(comment.plain_body) ?? comment.body }, options.maxMessageChars, warnings),
      internal: comment.public === false ? true : undefined,
    },
  ];
}

/** The requester and the people copied in: the customer side. */
function customerIdsOf(raw: ZendeskTicket): string[] {
  return [raw.requester_id, ...(raw.collaborator_ids ?? []), ...(raw.email_cc_ids ?? [])].filter((id) => id !== undefined && id !== null).map(String);
}

/** The comments in order; a ticket exported without them still has its description, the first customer message. */
function toMessages(raw: ZendeskTicket, createdAt: string, options: ReadOptions, warnings: string[]): Message[] {
  if (!Array.isArray(raw.comments) || raw.comments.length === 0) {
    const description = str(raw.description);
    if (!description) return [];
    return [{ role: 'customer', sentAt: createdAt, ...messageBody({ text: description }, options.maxMessageChars, warnings) }];
  }
  const authors = { customerIds: new Set(customerIdsOf(raw)), people: peopleOf(raw) };
  return objectsIn<ZendeskComment>(raw.comments, 'comment', warnings).flatMap(({ value, index }) => toComment(value, index, authors, options, warnings));
}

/**
 * Tickets carry no close date: a side-loaded metric set's `solved_at` is exact; otherwise a
 * solved or closed ticket's last update is the latest it can have closed.
 */
function closedAtOf(raw: ZendeskTicket, warnings: string[]): string | undefined {
  const solvedAt = optionalDate(raw.metric_set?.solved_at, 'metric_set.solved_at', warnings);
  if (solvedAt || !CLOSED_STATUSES.has(String(raw.status ?? ''))) return solvedAt;
  return optionalDate(raw.updated_at, 'updated_at', warnings);
}

/** A comment of the Ticket Comments API, or of an event, with its role left to the ticket it joins. */
function looseComment(comment: ZendeskComment, fallbackDate: string | undefined, index: number, options: ReadOptions, warnings: string[]): ThreadMessage[] {
  const sentAt = toIsoDate(comment.created_at) ?? fallbackDate;
  if (!sentAt) {
    warnings.push(`comment ${comment.id ?? index + 1} has no readable created_at and was left out`);
    return [];
  }
  const role = comment.author?.role;
  return [
    {
      id: str(comment.id),
      ...(role && { role: role === 'end-user' ? 'customer' : 'agent' }),
      authorId: str(comment.author_id),
      author: firstOf(str(comment.author?.name), str(comment.author?.email)),
      sentAt,
      ...messageBody({ html: nonBlank(comment.html_body), text: nonBlank(comment.plain_body) ?? comment.body }, options.maxMessageChars, warnings),
      internal: comment.public === false ? true : undefined,
    },
  ];
}

/** A comment from a comments page: its ticket is named by the comment, or by the file's name. */
function commentItem(raw: ZendeskComment, at: SourceLocation, options: ReadOptions): ReadItem {
  const ticketId = str(raw.ticket_id) ?? ticketIdInPath(at.file);
  if (!ticketId) {
    return { type: 'skip', at, reason: 'a comment without its ticket id: name each comments file after its ticket (ticket-8001-comments.json), as the pull command does' };
  }
  const warnings: string[] = [];
  const messages = looseComment(raw, undefined, 0, options, warnings);
  return { type: 'thread', at: { ...at, id: ticketId }, thread: { ticketId, source: 'zendesk', messages, missing: EXPORT_TICKETS, warnings } };
}

/** One ticket event: its comment events become messages, a requester it names is the customer side. */
function eventItem(raw: ZendeskTicketEvent, at: SourceLocation, options: ReadOptions): ReadItem {
  const ticketId = str(raw.ticket_id);
  if (!ticketId) return { type: 'skip', at, reason: 'a ticket event without its ticket (field "ticket_id")' };
  const warnings: string[] = [];
  const children = objectsIn<NonNullable<ZendeskTicketEvent['child_events']>[number]>(raw.child_events ?? [], 'child event', warnings);
  const when = toIsoDate(raw.created_at) ?? toIsoDate(raw.timestamp);
  const messages = children
    .filter(({ value }) => (value.event_type ?? value.type) === 'Comment')
    .flatMap(({ value, index }) => looseComment({ author_id: raw.updater_id, ...value }, when, index, options, warnings));
  const requesters = children.flatMap(({ value }) => str(value.requester_id) ?? []);
  return {
    type: 'thread',
    at: { ...at, id: ticketId },
    thread: { ticketId, source: 'zendesk', messages, ...(requesters.length > 0 && { customerIds: requesters }), missing: EXPORT_TICKETS, warnings },
  };
}

/** A ticket event, a comment, or a ticket: told apart by the fields only each has. */
function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected a ticket object' };
  if ('child_events' in value || ('ticket_id' in value && 'event_type' in value)) return eventItem(value as ZendeskTicketEvent, at, options);
  const isComment = 'author_id' in value && !('requester_id' in value) && ('body' in value || 'plain_body' in value || 'html_body' in value);
  if (isComment) return commentItem(value as ZendeskComment, at, options);
  return ticketOf(value as ZendeskTicket, at, options);
}

function ticketOf(raw: ZendeskTicket, at: SourceLocation, options: ReadOptions): ReadItem {
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'missing ticket id (field "id")' };
  const located = { ...at, id };
  if (typeof raw.status === 'number') {
    return { type: 'skip', at: located, reason: 'the status is a number, as in Freshdesk: this is not a Zendesk ticket; import it with --format freshdesk-json' };
  }
  const createdAt = toIsoDate(raw.created_at);
  if (!createdAt) {
    return { type: 'skip', at: located, reason: `missing or unreadable creation date (field "created_at": ${JSON.stringify(raw.created_at ?? null)})` };
  }
  const warnings: string[] = [];
  const ticket = {
    id,
    source: 'zendesk',
    createdAt,
    closedAt: closedAtOf(raw, warnings),
    channel: str(raw.via?.channel) ?? 'unknown',
    language: str(raw.locale) ?? str(raw.requester?.locale),
    subject: str(raw.subject) ?? str(raw.raw_subject) ?? '',
    customer: { id: str(raw.requester_id), email: str(raw.requester?.email), name: str(raw.requester?.name) },
    tags: splitTags(raw.tags),
    assignee: firstOf(str(raw.assignee?.name), str(raw.assignee?.email), str(raw.assignee_id)),
    status: str(raw.status),
    satisfaction: satisfactionOf(raw.satisfaction_rating?.score),
  };
  if (Array.isArray(raw.comments) && raw.comments.length > 0) return ticketItem(ticket, toMessages(raw, createdAt, options, warnings), located, warnings);
  // Without comments, the replies may be in a comments or events file: the ticket waits for them.
  return {
    type: 'shell',
    at: located,
    shell: {
      ticket,
      messages: toMessages(raw, createdAt, options, warnings),
      threadRepeatsOwn: true,
      customerIds: customerIdsOf(raw),
      missing: EXPORT_COMMENTS,
      warnings,
    },
  };
}

export const zendeskJsonReader: Reader = {
  name: 'zendesk-json',
  description:
    'Zendesk tickets ({tickets: [...]} incremental export, array or NDJSON), with embedded comments or joined to comments pages ' +
    '({comments: [...]}, one file per ticket named after its id) or incremental ticket events with comment events; ' +
    "without any, a ticket's description is its one message",
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    if (probe.head.includes('"ticket_events"') && probe.head.includes('"child_events"')) return 0.9;
    const zendeskFields = ['"requester_id"', '"author_id"', '"created_at"', '"via"', '"comments"'];
    return zendeskFields.filter((field) => probe.head.includes(field)).length >= 3 ? 0.9 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['tickets', 'results', 'data', 'comments', 'ticket_events'], (value, at) => toItem(value, at, options));
  },
};
