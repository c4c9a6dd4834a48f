import { messageBody, splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { firstOf, ticketItem } from './_tickets.ts';

/** Field names from the Zendesk Tickets and Ticket Comments APIs. */
interface ZendeskPerson {
  id?: number | string;
  name?: string;
  email?: string;
  role?: string;
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
  comments?: ZendeskComment[];
  locale?: string;
}

const SATISFACTION: Record<string, number> = { good: 1, bad: 0 };

/**
 * Zendesk comments carry no "from agent" flag. The author's role wins when the export embeds it;
 * otherwise the requester and the people copied in are the customer side and anyone else is an agent.
 */
function roleOf(comment: ZendeskComment, customerIds: Set<string>): AuthorRole {
  const role = comment.author?.role;
  if (role) return role === 'end-user' ? 'customer' : 'agent';
  return customerIds.has(String(comment.author_id)) ? 'customer' : 'agent';
}

function toMessages(raw: ZendeskTicket, createdAt: string, options: ReadOptions, warnings: string[]): Message[] {
  const customerIds = new Set([raw.requester_id, ...(raw.collaborator_ids ?? []), ...(raw.email_cc_ids ?? [])].filter((id) => id !== undefined).map(String));
  if (!Array.isArray(raw.comments) || raw.comments.length === 0) {
    const description = str(raw.description);
    return description ? [{ role: 'customer', sentAt: createdAt, ...messageBody({ text: description }, options.maxMessageChars, warnings) }] : [];
  }
  return raw.comments.flatMap((comment, index) => {
    const sentAt = toIsoDate(comment.created_at);
    if (!sentAt) {
      warnings.push(`comment ${comment.id ?? index + 1} has no readable created_at and was left out`);
      return [];
    }
    const message: Message = {
      role: roleOf(comment, customerIds),
      sentAt,
      ...messageBody({ html: comment.html_body, text: comment.plain_body ?? comment.body }, options.maxMessageChars, warnings),
    };
    if (comment.id !== undefined) message.id = String(comment.id);
    const author = firstOf(str(comment.author?.name), str(comment.author?.email), str(comment.author_id));
    if (author) message.author = author;
    if (comment.public === false) message.internal = true;
    return [message];
  });
}

function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { type: 'skip', at, reason: 'expected a ticket object' };
  const raw = value as ZendeskTicket;
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'missing id' };
  const located = { ...at, id };
  const createdAt = toIsoDate(raw.created_at);
  if (!createdAt) return { type: 'skip', at: located, reason: `missing or unreadable created_at (${JSON.stringify(raw.created_at ?? null)})` };
  const warnings: string[] = [];
  const messages = toMessages(raw, createdAt, options, warnings);
  const satisfaction = SATISFACTION[raw.satisfaction_rating?.score ?? ''];
  const assignee = firstOf(str(raw.assignee?.name), str(raw.assignee?.email), str(raw.assignee_id));
  const closedAt = raw.status === 'closed' || raw.status === 'solved' ? toIsoDate(raw.updated_at) : undefined;
  return ticketItem(
    {
      id,
      source: 'zendesk',
      createdAt,
      ...(closedAt && { closedAt }),
      channel: str(raw.via?.channel) ?? 'unknown',
      ...(str(raw.locale) && { language: str(raw.locale) }),
      subject: str(raw.subject) ?? str(raw.raw_subject) ?? '',
      customer: {
        ...(str(raw.requester_id) && { id: str(raw.requester_id) }),
        ...(str(raw.requester?.email) && { email: str(raw.requester?.email) }),
        ...(str(raw.requester?.name) && { name: str(raw.requester?.name) }),
      },
      tags: splitTags(raw.tags),
      ...(assignee && { assignee }),
      ...(str(raw.status) && { status: str(raw.status) }),
      ...(satisfaction !== undefined && { satisfaction }),
    },
    messages,
    located,
    warnings,
  );
}

export const zendeskJsonReader: Reader = {
  name: 'zendesk-json',
  description: 'Zendesk tickets with embedded comments ({tickets: [...]} incremental export, array or NDJSON)',
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
