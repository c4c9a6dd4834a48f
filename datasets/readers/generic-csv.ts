import { z } from 'zod';
import { ShadowdeskError } from '../../errors.ts';
import { csvHeaderOf, sniffDelimiter } from '../io/csv.ts';
import { readTextHead } from '../io/text.ts';
import { messageBody, splitTags, str, toIsoDate, type DateOptions } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { column, groupRows, normalizeHeader } from './_csv-rows.ts';
import { ticketItem } from './_tickets.ts';

/** A column name, or several spellings of which the first present one is used. */
const ColumnSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const ColumnMappingSchema = z.strictObject({
  ticketId: ColumnSchema,
  createdAt: ColumnSchema,
  /** The customer's message (or, with `role`, any message). */
  body: ColumnSchema,
  subject: ColumnSchema.optional(),
  /** The agent's answer, when one row is one ticket. */
  reply: ColumnSchema.optional(),
  repliedAt: ColumnSchema.optional(),
  /** Who wrote the row's message, when one row is one message. */
  role: ColumnSchema.optional(),
  roleValues: z
    .strictObject({ customer: z.array(z.string()).optional(), agent: z.array(z.string()).optional(), ai: z.array(z.string()).optional() })
    .optional(),
  author: ColumnSchema.optional(),
  sentAt: ColumnSchema.optional(),
  channel: ColumnSchema.optional(),
  language: ColumnSchema.optional(),
  customerId: ColumnSchema.optional(),
  customerEmail: ColumnSchema.optional(),
  customerName: ColumnSchema.optional(),
  tags: ColumnSchema.optional(),
  status: ColumnSchema.optional(),
  assignee: ColumnSchema.optional(),
  closedAt: ColumnSchema.optional(),
  /** `03/04/2025` is 3 April. @default true */
  dayFirst: z.boolean().optional(),
  /** IANA zone of timestamps without an offset. @default 'UTC' */
  timeZone: z.string().optional(),
  /** What `source` the tickets get. @default 'csv' */
  source: z.string().optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;
type ColumnKey = Exclude<keyof ColumnMapping, 'roleValues' | 'dayFirst' | 'timeZone' | 'source'>;

/** Header names people use for each field, in English and French; the first match wins. */
const SYNONYMS: Record<ColumnKey, string[]> = {
  ticketId: ['ticket id', 'ticket', 'ticket number', 'id', 'n ticket', 'numero de ticket', 'numero', 'conversation id'],
  createdAt: ['created at', 'created', 'creation date', 'date', 'date de creation', 'cree le', 'created time', 'timestamp'],
  body: ['body', 'message', 'description', 'text', 'content', 'corps', 'contenu', 'question', 'customer message'],
  subject: ['subject', 'title', 'objet', 'sujet', 'titre'],
  reply: ['reply', 'response', 'answer', 'agent reply', 'reponse', 'reponse agent'],
  repliedAt: ['replied at', 'reply date', 'date de reponse', 'repondu le'],
  role: ['role', 'author role', 'sender type', 'auteur', 'type auteur'],
  author: ['author', 'sender', 'from', 'expediteur'],
  sentAt: ['sent at', 'message date', 'envoye le'],
  channel: ['channel', 'source', 'canal'],
  language: ['language', 'lang', 'locale', 'langue'],
  customerId: ['customer id', 'client id', 'id client'],
  customerEmail: ['email', 'e mail', 'customer email', 'courriel', 'email client', 'adresse e mail'],
  customerName: ['name', 'customer name', 'full name', 'nom', 'nom client', 'client'],
  tags: ['tags', 'tag', 'labels', 'etiquettes', 'etiquette'],
  status: ['status', 'statut', 'etat'],
  assignee: ['assignee', 'agent', 'assigned to', 'assigne a'],
  closedAt: ['closed at', 'closed time', 'resolved at', 'resolved time', 'date de cloture', 'ferme le'],
};

const DEFAULT_ROLE_VALUES: Record<'customer' | 'agent' | 'ai', string[]> = {
  customer: ['customer', 'client', 'end-user', 'end user', 'enduser', 'user', 'requester', 'contact', 'cliente'],
  agent: ['agent', 'support', 'staff', 'admin', 'operator', 'human', 'conseiller', 'conseillère'],
  ai: ['ai', 'bot', 'ia', 'assistant'],
};

/** A mapping guessed from the header, or undefined when a required column is not recognisable. */
export function guessMapping(header: string[]): ColumnMapping | undefined {
  const byNormal = new Map(header.map((name) => [normalizeHeader(name), name]));
  const guessed: Partial<Record<ColumnKey, string>> = {};
  const taken = new Set<string>();
  for (const [key, synonyms] of Object.entries(SYNONYMS) as Array<[ColumnKey, string[]]>) {
    const found = synonyms.map((synonym) => byNormal.get(synonym)).find((name) => name !== undefined && !taken.has(name));
    if (found) {
      guessed[key] = found;
      taken.add(found);
    }
  }
  if (!guessed.ticketId || !guessed.createdAt || !guessed.body) return undefined;
  return guessed as ColumnMapping;
}

const REQUIRED: ReadonlySet<ColumnKey> = new Set(['ticketId', 'createdAt', 'body']);

/**
 * Validates a mapping and checks every column it names against the file's header. A fixed-layout
 * export (Freshdesk) passes `dropMissing` so an optional column its account does not export is
 * simply not read.
 */
export function checkMapping(raw: unknown, header: string[], file: string, dropMissing = false): ColumnMapping {
  const parsed = ColumnMappingSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `mapping key "${issue.path.join('.') || '(root)'}": ${issue.message}`);
    throw new ShadowdeskError('SD_MAPPING_INVALID', `invalid column mapping for ${file}: ${problems.join('; ')}`);
  }
  const present = new Set(header.map(normalizeHeader));
  const mapping = { ...parsed.data };
  for (const key of Object.keys(SYNONYMS) as ColumnKey[]) {
    const names = mapping[key];
    if (names === undefined) continue;
    const list = Array.isArray(names) ? names : [names];
    if (list.some((name) => present.has(normalizeHeader(name)))) continue;
    if (dropMissing && !REQUIRED.has(key)) {
      delete mapping[key];
    } else {
      throw new ShadowdeskError(
        'SD_MAPPING_INVALID',
        `mapping key "${key}": column ${list.map((name) => `"${name}"`).join(' or ')} is not in ${file} (its columns: ${header.join(', ')})`,
      );
    }
  }
  return mapping;
}

function cell(row: Record<string, string>, names: ColumnMapping[ColumnKey]): string | undefined {
  if (names === undefined) return undefined;
  for (const name of Array.isArray(names) ? names : [names]) {
    const value = str(column(row, name));
    if (value !== undefined) return value;
  }
  return undefined;
}

function roleLookup(mapping: ColumnMapping): Map<string, AuthorRole> {
  const lookup = new Map<string, AuthorRole>();
  for (const role of ['customer', 'agent', 'ai'] as const) {
    for (const value of mapping.roleValues?.[role] ?? DEFAULT_ROLE_VALUES[role]) lookup.set(value.toLowerCase(), role);
  }
  return lookup;
}

interface Context {
  mapping: ColumnMapping;
  roles: Map<string, AuthorRole>;
  dates: DateOptions;
  options: ReadOptions;
}

function rowMessages(row: Record<string, string>, context: Context, warnings: string[]): Message[] {
  const { mapping, dates, options } = context;
  const createdAt = toIsoDate(cell(row, mapping.sentAt) ?? cell(row, mapping.createdAt), dates);
  const body = cell(row, mapping.body);
  if (!createdAt || body === undefined) return [];
  if (mapping.role) {
    const value = cell(row, mapping.role) ?? '';
    const role = context.roles.get(value.toLowerCase());
    if (!role) {
      warnings.push(`a message with author role "${value}" was left out (map it with roleValues)`);
      return [];
    }
    const author = cell(row, mapping.author);
    return [{ role, sentAt: createdAt, ...messageBody({ text: body }, options.maxMessageChars, warnings), ...(author && { author }) }];
  }
  const messages: Message[] = [{ role: 'customer', sentAt: createdAt, ...messageBody({ text: body }, options.maxMessageChars, warnings) }];
  const reply = cell(row, mapping.reply);
  if (reply) {
    const repliedAt = toIsoDate(cell(row, mapping.repliedAt), dates) ?? toIsoDate(cell(row, mapping.closedAt), dates) ?? createdAt;
    messages.push({ role: 'agent', sentAt: repliedAt, ...messageBody({ text: reply }, options.maxMessageChars, warnings) });
  }
  return messages;
}

function toTicket(id: string, rows: Record<string, string>[], at: SourceLocation, context: Context): ReadItem {
  const { mapping, dates } = context;
  const first = rows[0]!;
  const located = { ...at, id };
  const rawCreated = cell(first, mapping.createdAt);
  const createdAt = toIsoDate(rawCreated, dates);
  if (!createdAt) return { type: 'skip', at: located, reason: `missing or unreadable creation date (${JSON.stringify(rawCreated ?? '')})` };
  if (rows.every((row) => cell(row, mapping.body) === undefined)) return { type: 'skip', at: located, reason: 'missing message text' };
  const warnings: string[] = [];
  const messages = rows.flatMap((row) => rowMessages(row, context, warnings));
  const closedAt = toIsoDate(cell(first, mapping.closedAt), dates);
  const customer = {
    ...(cell(first, mapping.customerId) && { id: cell(first, mapping.customerId) }),
    ...(cell(first, mapping.customerEmail) && { email: cell(first, mapping.customerEmail) }),
    ...(cell(first, mapping.customerName) && { name: cell(first, mapping.customerName) }),
  };
  const optional = {
    ...(closedAt && { closedAt }),
    ...(cell(first, mapping.language) && { language: cell(first, mapping.language) }),
    ...(cell(first, mapping.assignee) && { assignee: cell(first, mapping.assignee) }),
    ...(cell(first, mapping.status) && { status: cell(first, mapping.status) }),
  };
  return ticketItem(
    {
      id,
      source: mapping.source ?? 'csv',
      createdAt,
      channel: cell(first, mapping.channel)?.toLowerCase() ?? 'unknown',
      subject: cell(first, mapping.subject) ?? '',
      customer,
      tags: splitTags(cell(first, mapping.tags)),
      ...optional,
    },
    messages,
    located,
    warnings,
  );
}

/** Reads tickets from CSV rows through a column mapping; shared with readers of fixed-layout CSV exports. */
export async function* readMappedCsv(
  path: string,
  options: ReadOptions,
  rawMapping: unknown,
  dropMissing = false,
): AsyncGenerator<ReadItem> {
  const head = await readTextHead(path, options.encoding);
  const delimiter = options.delimiter ?? sniffDelimiter(head);
  const header = csvHeaderOf(head, delimiter);
  if (header.every((name) => name === '')) return;
  const mapping = checkMapping(rawMapping ?? guessMapping(header) ?? {}, header, path, dropMissing);
  const context: Context = {
    mapping,
    roles: roleLookup(mapping),
    dates: { dayFirst: mapping.dayFirst ?? true, timeZone: mapping.timeZone ?? 'UTC' },
    options,
  };
  let record = 0;
  // With one row per message, the rows of a ticket follow one another; otherwise each row stands alone.
  let row = 0;
  const keyOf = mapping.role ? (r: Record<string, string>) => cell(r, mapping.ticketId) : () => String(row++);
  for await (const group of groupRows(path, { encoding: options.encoding, delimiter }, keyOf)) {
    record++;
    const at = { file: path, line: group.line, record };
    if (group.type === 'error') {
      yield { type: 'skip', at, reason: group.reason };
      continue;
    }
    const id = cell(group.rows[0]!, mapping.ticketId);
    yield id ? toTicket(id, group.rows, at, context) : { type: 'skip', at, reason: 'missing ticket id' };
  }
}

export const genericCsvReader: Reader = {
  name: 'generic-csv',
  description: 'any ticket CSV through a column mapping (--mapping), guessed from English/French headers when absent',
  kinds: ['ticket'],
  detect(probe) {
    return probe.csvHeader && guessMapping(probe.csvHeader) ? 0.6 : 0;
  },
  read(path, options) {
    return readMappedCsv(path, options, options.mapping);
  },
};
