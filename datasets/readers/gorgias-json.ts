import { messageBody, splitTags, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { firstOf, fromFivePoint, ticketItem } from './_tickets.ts';

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
  public?: boolean;
  from_agent?: boolean;
  via?: string;
  rule_id?: number | null;
  sender?: GorgiasPerson;
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

/** Rule auto-replies count as the system speaking, not an agent: they are what rules automate. */
function roleOf(message: GorgiasMessage): AuthorRole {
  if (!message.from_agent) return 'customer';
  return message.via === 'rule' || message.rule_id ? 'system' : 'agent';
}

function toMessage(raw: GorgiasMessage, options: ReadOptions, warnings: string[], index: number): Message | undefined {
  const sentAt = toIsoDate(raw.sent_datetime) ?? toIsoDate(raw.created_datetime);
  if (!sentAt) {
    warnings.push(`message ${raw.id ?? index + 1} has no readable created_datetime and was left out`);
    return undefined;
  }
  const message: Message = {
    role: roleOf(raw),
    sentAt,
    ...messageBody({ html: raw.body_html ?? undefined, text: raw.body_text ?? undefined, stripped: raw.stripped_text ?? undefined }, options.maxMessageChars, warnings),
  };
  if (raw.id !== undefined) message.id = String(raw.id);
  const author = personName(raw.sender) ?? str(raw.sender?.email);
  if (author) message.author = author;
  if (raw.public === false) message.internal = true;
  const macro = str(raw.macros?.[0]?.name);
  if (macro) message.macro = macro;
  return message;
}

function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'skip', at, reason: 'expected a ticket object' };
  }
  const raw = value as GorgiasTicket;
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'missing id' };
  const located = { ...at, id };
  const createdAt = toIsoDate(raw.created_datetime);
  if (!createdAt) return { type: 'skip', at: located, reason: `missing or unreadable created_datetime (${JSON.stringify(raw.created_datetime ?? null)})` };
  if (!Array.isArray(raw.messages)) return { type: 'skip', at: located, reason: 'missing messages (export tickets with their messages)' };

  const warnings: string[] = [];
  const messages = raw.messages.flatMap((message, index) => toMessage(message, options, warnings, index) ?? []);
  const closedAt = toIsoDate(raw.closed_datetime);
  const satisfaction = fromFivePoint(raw.satisfaction_survey?.score);
  const assignee = personName(raw.assignee_user) ?? str(raw.assignee_user?.email);
  return ticketItem(
    {
      id,
      source: 'gorgias',
      createdAt,
      ...(closedAt && { closedAt }),
      channel: str(raw.channel) ?? 'unknown',
      ...(str(raw.language) && { language: str(raw.language) }),
      subject: str(raw.subject) ?? '',
      customer: {
        ...(str(raw.customer?.id) && { id: str(raw.customer?.id) }),
        ...(str(raw.customer?.email) && { email: str(raw.customer?.email) }),
        ...(personName(raw.customer) && { name: personName(raw.customer) }),
      },
      tags: splitTags(raw.tags),
      ...(assignee && { assignee }),
      ...(str(raw.status) && { status: str(raw.status) }),
      ...(satisfaction !== undefined && { satisfaction }),
      ...(raw.spam !== undefined && { spam: Boolean(raw.spam) }),
    },
    messages,
    located,
    warnings,
  );
}

export const gorgiasJsonReader: Reader = {
  name: 'gorgias-json',
  description: 'Gorgias REST API tickets with embedded messages (array, paginated {data: [...]} pages, or NDJSON)',
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const gorgiasFields = ['"created_datetime"', '"from_agent"', '"body_text"', '"messages"'];
    const hits = gorgiasFields.filter((field) => probe.head.includes(field)).length;
    return hits >= 3 ? 0.9 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['data', 'tickets'], (value, at) => toItem(value, at, options));
  },
};
