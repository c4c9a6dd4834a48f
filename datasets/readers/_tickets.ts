import { str, toIsoDate, type DateOptions } from '../normalize.ts';
import { recordItem, type ReadItem, type RecordOrSkip, type SourceLocation } from '../reader.ts';
import type { Message, Ticket } from '../records.ts';
import { normalizeHeader } from './_csv-rows.ts';

/** Pieces every ticket reader shares: dropping empty keys, optional dates, satisfaction, the final item. */

/** The object without its undefined-valued keys, so a record looks the same before and after a JSONL round trip. */
export function compact<T extends object>(value: T): T {
  const fields = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  // for…in walks a plain object's own keys in Object.keys order, without building their list.
  for (const key in fields) if (fields[key] !== undefined) kept[key] = fields[key];
  return kept as T;
}

/** The entries of a list that are objects; anything else (a null, a string) is left out with a warning naming its place. */
export function objectsIn<T extends object>(list: readonly unknown[], what: string, warnings: string[]): Array<{ value: T; index: number }> {
  return list.flatMap((value, index) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return [{ value: value as T, index }];
    warnings.push(`${what} ${index + 1} is not an object (${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}) and was left out`);
    return [];
  });
}

/** The first of several optional values that is present. */
export function firstOf<T>(...values: Array<T | undefined | null>): T | undefined {
  return values.find((value): value is T => value !== undefined && value !== null && value !== '');
}

/** A string with some text in it, else undefined: APIs send `""` for a body they left empty. */
export function nonBlank(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An optional date: left out when unreadable, with a warning naming the field, since the record is still good. */
export function optionalDate(value: unknown, field: string, warnings: string[], options?: DateOptions): string | undefined {
  const iso = toIsoDate(value, options);
  if (iso === undefined && str(value) !== undefined) warnings.push(`${field} is not a readable date (${JSON.stringify(value)}) and was left out`);
  return iso;
}

/** Survey answers as exports write them (Zendesk good/bad, Freshdesk labels, French), on the 1..5 scale's steps. */
const SATISFACTION_LABELS: Record<string, number> = {
  good: 1,
  bad: 0,
  awesome: 1,
  neutral: 0.5,
  'not good': 0,
  'extremely satisfied': 1,
  'very satisfied': 1,
  satisfied: 0.75,
  dissatisfied: 0.25,
  'very dissatisfied': 0,
  'extremely dissatisfied': 0,
  'tres satisfait': 1,
  satisfait: 0.75,
  neutre: 0.5,
  'pas satisfait': 0.25,
  insatisfait: 0.25,
  'tres insatisfait': 0,
};

/** Satisfaction as 0..1 from a 1..5 score (Gorgias, most CSAT surveys) or a survey label; undefined otherwise. */
export function satisfactionOf(value: unknown): number | undefined {
  const score = typeof value === 'number' ? value : /^\s*[1-5](\.0+)?\s*$/.test(String(value ?? '')) ? Number(value) : undefined;
  if (score !== undefined) return score >= 1 && score <= 5 ? (score - 1) / 4 : undefined;
  return typeof value === 'string' ? SATISFACTION_LABELS[normalizeHeader(value)] : undefined;
}

const LANGUAGE_CODES = ['ar', 'bg', 'ca', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'he', 'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'nb', 'nl', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'uk', 'vi', 'zh'];
let languageNames: Map<string, string> | undefined;

/** English and French language names to their codes, built once. */
function codeByName(): Map<string, string> {
  languageNames ??= new Map(
    ['en', 'fr'].flatMap((locale) => {
      const names = new Intl.DisplayNames([locale], { type: 'language' });
      return LANGUAGE_CODES.map((code) => [normalizeHeader(names.of(code) ?? code), code] as [string, string]);
    }),
  );
  return languageNames;
}

/**
 * A language as a code, the way the helpdesk APIs give it (`fr`, `en-GB`): CSV exports such as
 * Freshdesk's write names (`German`, `Français`), which become `de`, `fr`; anything else is kept.
 */
export function languageOf(value: string | undefined): string | undefined {
  if (value === undefined || /^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i.test(value)) return value;
  return codeByName().get(normalizeHeader(value)) ?? value;
}

function bySentAt(a: Message, b: Message): number {
  return a.sentAt.localeCompare(b.sentAt);
}

/** Whether sorting by date would leave the messages as they are (a stable sort keeps equal dates in place). */
function inTimeOrder(messages: readonly Message[]): boolean {
  for (let index = 1; index < messages.length; index++) if (bySentAt(messages[index - 1]!, messages[index]!) > 0) return false;
  return true;
}

/**
 * The item for one input ticket: the record with its messages in time order (a stable sort keeps
 * the export's order for equal times), or a skip when no message has any text. Undefined-valued
 * keys are dropped, so readers can build drafts from optional fields directly.
 */
export function ticketItem(draft: Omit<Ticket, 'messages'>, messages: Message[], at: SourceLocation, warnings: string[]): RecordOrSkip {
  const located = { ...at, id: draft.id };
  const usable = messages.filter((message) => message.text !== '' || message.html).map(compact);
  if (usable.length === 0) {
    const why = warnings.length > 0 ? ` (${warnings.join('; ')})` : '';
    return { type: 'skip', at: located, reason: `the ticket has no message with any text${why}` };
  }
  // Most exports list messages in time order already: sorting them anyway cost an import a sort's work arrays per ticket.
  if (!inTimeOrder(usable)) usable.sort(bySentAt);
  // One copy of the draft rather than two: the customer keeps its place and the messages come last, as in `{ ...draft, customer, messages }`.
  const ticket = compact(draft) as Ticket;
  ticket.customer = compact(draft.customer);
  ticket.messages = usable;
  return recordItem('ticket', ticket, located, warnings);
}

const SYNTHETIC_START = Date.parse('2024-01-01T00:00:00Z');
const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * Public conversation sets carry no timestamps, yet replay needs them to decide what a responder
 * may already know. Each row gets an hour of its own, by its position in the file so a skipped row
 * never shifts the others, and the reply follows one minute after the question.
 */
export function syntheticTimes(record: number): { askedAt: string; repliedAt: string } {
  const askedAt = SYNTHETIC_START + (record - 1) * HOUR;
  return { askedAt: new Date(askedAt).toISOString(), repliedAt: new Date(askedAt + MINUTE).toISOString() };
}

export const SYNTHETIC_TIMES_WARNING =
  'the file has no timestamps: tickets are dated one hour apart from 2024-01-01T00:00:00Z in file order, ' +
  'each reply one minute after its question, so time travel sees them in file order rather than when they happened';

/** Puts a file-wide warning (such as made-up dates) on the first record, once, whatever was skipped before it. */
export async function* warnFirstRecord(items: AsyncIterable<ReadItem>, warning: string): AsyncGenerator<ReadItem> {
  let warned = false;
  for await (const item of items) {
    if (warned || item.type !== 'record') {
      yield item;
      continue;
    }
    warned = true;
    yield { ...item, warnings: [warning, ...(item.warnings ?? [])] };
  }
}
