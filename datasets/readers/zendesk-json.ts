import { messageBody, splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { firstOf, objectsIn, optionalDate, satisfactionOf, ticketItem } from './_tickets.ts';

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
  status?: string;
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
      ...messageBody({ html: comment.html_body, text: comment.plain_body ?? comment.body }, options.maxMessageChars, warnings),
      internal: comment.public === false ? true : undefined,
    },
  ];
}

/** The comments in order; a ticket exported without them still has its description, the first customer message. */
function toMessages(raw: ZendeskTicket, createdAt: string, options: ReadOptions, warnings: string[]): Message[] {
  if (!Array.isArray(raw.comments) || raw.comments.length === 0) {
    const description = str(raw.description);
    if (!description) return [];
    return [{ role: 'customer', sentAt: createdAt, ...messageBody({ text: description }, options.maxMessageChars, warnings) }];
  }
  const customerIds = new Set(
    [raw.requester_id, ...(raw.collaborator_ids ?? []), ...(raw.email_cc_ids ?? [])].filter((id) => id !== undefined && id !== null).map(String),
  );
  const authors = { customerIds, people: peopleOf(raw) };
  return objectsIn<ZendeskComment>(raw.comments, 'comment', warnings).flatMap(({ value, index }) => toComment(value, index, authors, options, warnings));
}

/**
 * Tickets carry no close date: a side-loaded metric set's `solved_at` is exact; otherwise a
 * solved or closed ticket's last update is the latest it can have closed.
 */
function closedAtOf(raw: ZendeskTicket, warnings: string[]): string | undefined {
  const solvedAt = optionalDate(raw.metric_set?.solved_at, 'metric_set.solved_at', warnings);
  if (solvedAt || !CLOSED_STATUSES.has(raw.status ?? '')) return solvedAt;
  return optionalDate(raw.updated_at, 'updated_at', warnings);
}

function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { type: 'skip', at, reason: 'expected a ticket object' };
  const raw = value as ZendeskTicket;
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'missing ticket id (field "id")' };
  const located = { ...at, id };
  const createdAt = toIsoDate(raw.created_at);
  if (!createdAt) {
    return { type: 'skip', at: located, reason: `missing or unreadable creation date (field "created_at": ${JSON.stringify(raw.created_at ?? null)})` };
  }
  const warnings: string[] = [];
  const messages = toMessages(raw, createdAt, options, warnings);
  return ticketItem(
    {
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
    },
    messages,
    located,
    warnings,
  );
}

export const zendeskJsonReader: Reader = {
  name: 'zendesk-json',
  description: 'Zendesk tickets with embedded comments ({tickets: [...]} incremental export, array or NDJSON); without comments, the description is the one message',
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const zendeskFields = ['"requester_id"', '"author_id"', '"created_at"', '"via"', '"comments"'];
    return zendeskFields.filter((field) => probe.head.includes(field)).length >= 3 ? 0.9 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['tickets', 'results', 'data'], (value, at) => toItem(value, at, options));
  },
};
