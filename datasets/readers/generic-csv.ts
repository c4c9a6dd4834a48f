import { z } from 'zod';
import { ShadowdeskError } from '../../errors.ts';
import { csvHeaderOf, readCsvBatches, sniffDelimiter } from '../io/csv.ts';
import { fieldsOf, type CsvBatch } from '../io/csv-thread.ts';
import { readTextHead } from '../io/text.ts';
import { messageBody, splitTags, str, toIsoDate, type DateOptions } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { AuthorRole, Message } from '../records.ts';
import { groupConsecutive, normalizeHeader, type RowGroup } from './_csv-rows.ts';
import { languageOf, optionalDate, satisfactionOf, ticketItem } from './_tickets.ts';

/** A column name, or several: the first of them with a value in a row is used. */
const ColumnSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ColumnMappingSchema = z.strictObject({
  ticketId: ColumnSchema,
  /** The ticket's creation date (with `role`, also each message's date unless `sentAt` is given). */
  createdAt: ColumnSchema,
  /** The customer's message (or, with `role`, any message). */
  body: ColumnSchema,
  subject: ColumnSchema.optional(),
  /** The agent's answer, when one row is one ticket. */
  reply: ColumnSchema.optional(),
  repliedAt: ColumnSchema.optional(),
  /** Who wrote the row's message, when one row is one message; consecutive rows of one ticket id form the ticket. */
  role: ColumnSchema.optional(),
  /** The `role` cell values (case-insensitive) for each author role; defaults cover the usual words. */
  roleValues: z
    .strictObject({
      customer: z.array(z.string()).optional(),
      agent: z.array(z.string()).optional(),
      ai: z.array(z.string()).optional(),
      system: z.array(z.string()).optional(),
    })
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
  /** A 1..5 score or a survey label (good/bad, Awesome/Not Good, satisfied…). */
  satisfaction: ColumnSchema.optional(),
  /** `03/04/2025` is 3 April rather than 4 March. */
  dayFirst: z.boolean().default(true),
  /** IANA zone of timestamps written without an offset. */
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone such as "Europe/Paris"').default('UTC'),
  /** The `source` the tickets get. */
  source: z.string().min(1).default('csv'),
});
/** A column mapping as a user writes it (defaults not yet applied). */
export type ColumnMapping = z.input<typeof ColumnMappingSchema>;
type Mapping = z.output<typeof ColumnMappingSchema>;
type ColumnKey = Exclude<keyof Mapping, 'roleValues' | 'dayFirst' | 'timeZone' | 'source'>;

/**
 * Header names people use for each field, English and French, compared after `normalizeHeader`
 * (lower case, no accents, punctuation as spaces). Keys claim columns in this order, and each
 * key takes its first synonym present, so `Ticket ID` wins over `ID` for the ticket id.
 */
const SYNONYMS: Record<ColumnKey, string[]> = {
  ticketId: ['ticket id', 'ticket', 'ticket number', 'ticket no', 'id', 'n ticket', 'no ticket', 'numero de ticket', 'numero ticket', 'numero', 'conversation id', 'case id', 'case number'],
  createdAt: ['created at', 'created', 'created time', 'created date', 'creation date', 'date created', 'date', 'date de creation', 'cree le', 'ouvert le', 'timestamp'],
  body: ['body', 'message', 'description', 'text', 'content', 'question', 'customer message', 'corps', 'contenu', 'texte', 'message client', 'demande'],
  subject: ['subject', 'title', 'objet', 'sujet', 'titre'],
  reply: ['reply', 'response', 'answer', 'agent reply', 'agent response', 'reponse', 'reponse agent', 'reponse de l agent', 'reponse du support'],
  repliedAt: ['replied at', 'reply date', 'response date', 'answered at', 'date de reponse', 'repondu le'],
  role: ['role', 'author role', 'author type', 'sender type', 'sender role', 'type auteur', 'role auteur'],
  author: ['author', 'author name', 'sender', 'from', 'auteur', 'expediteur'],
  sentAt: ['sent at', 'message date', 'sent', 'envoye le', 'date d envoi', 'date du message'],
  channel: ['channel', 'source', 'canal', 'via'],
  language: ['language', 'lang', 'locale', 'langue'],
  customerId: ['customer id', 'client id', 'contact id', 'requester id', 'id client'],
  customerEmail: ['email', 'e mail', 'customer email', 'requester email', 'email client', 'courriel', 'adresse e mail', 'adresse email', 'mail'],
  customerName: ['name', 'customer name', 'full name', 'requester', 'requester name', 'customer', 'nom', 'nom client', 'nom du client', 'client'],
  tags: ['tags', 'tag', 'labels', 'etiquettes', 'etiquette'],
  status: ['status', 'state', 'statut', 'etat'],
  assignee: ['assignee', 'agent', 'assigned to', 'owner', 'assigne a', 'attribue a'],
  closedAt: ['closed at', 'closed time', 'closed', 'resolved at', 'resolved time', 'solved at', 'date de cloture', 'ferme le', 'clos le'],
  satisfaction: ['satisfaction', 'csat', 'rating', 'satisfaction score', 'survey results', 'note de satisfaction'],
};
const COLUMN_KEYS = Object.keys(SYNONYMS) as ColumnKey[];
const REQUIRED_KEYS: readonly ColumnKey[] = ['ticketId', 'createdAt', 'body'];

const DEFAULT_ROLE_VALUES: Record<AuthorRole, string[]> = {
  customer: ['customer', 'client', 'cliente', 'end-user', 'end user', 'enduser', 'user', 'requester', 'contact', 'utilisateur'],
  agent: ['agent', 'support', 'staff', 'admin', 'operator', 'human', 'conseiller', 'conseillere', 'conseillère'],
  ai: ['ai', 'bot', 'ia', 'assistant', 'chatbot'],
  system: ['system', 'systeme', 'système', 'automation', 'rule'],
};

/** Header names by their normalized spelling; the first of two columns spelled alike wins. */
function headerByNormal(header: string[]): Map<string, string> {
  const byNormal = new Map<string, string>();
  for (const name of header) if (!byNormal.has(normalizeHeader(name))) byNormal.set(normalizeHeader(name), name);
  return byNormal;
}

/** The columns a header offers for each field, required ones included only when found. */
function guessColumns(header: string[]): Partial<Record<ColumnKey, string>> {
  const byNormal = headerByNormal(header);
  const guessed: Partial<Record<ColumnKey, string>> = {};
  const taken = new Set<string>();
  for (const key of COLUMN_KEYS) {
    const found = SYNONYMS[key].map((synonym) => byNormal.get(synonym)).find((name) => name !== undefined && !taken.has(name));
    if (found) {
      guessed[key] = found;
      taken.add(found);
    }
  }
  return guessed;
}

/** A mapping guessed from English or French header names, or undefined when a required column is not recognisable. */
export function guessMapping(header: string[]): ColumnMapping | undefined {
  const guessed = guessColumns(header);
  return REQUIRED_KEYS.every((key) => guessed[key]) ? (guessed as ColumnMapping) : undefined;
}

function headerHint(header: string[]): string {
  return header.length <= 1 ? ' — the header has a single column: is the delimiter right?' : '';
}

function noGuess(header: string[], file: string): ShadowdeskError {
  const guessed = guessColumns(header);
  const missing = REQUIRED_KEYS.filter((key) => !guessed[key]);
  return new ShadowdeskError(
    'SD_MAPPING_INVALID',
    `could not tell which column of ${file} holds the ${missing.join(', ')} (its columns: ${header.join(', ')})${headerHint(header)}; ` +
      'give a column mapping, e.g. {"ticketId": "Ticket ID", "createdAt": "Created at", "body": "Message"}',
  );
}

function parseMapping(raw: unknown, file: string): Mapping {
  const parsed = ColumnMappingSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown mapping key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')} (known keys: ${Object.keys(ColumnMappingSchema.shape).join(', ')})`
      : `mapping key "${issue.path.join('.') || '(root)'}": ${issue.message}`,
  );
  throw new ShadowdeskError('SD_MAPPING_INVALID', `invalid column mapping for ${file}: ${problems.join('; ')}`);
}

/** The header names each mapped key reads, in the mapping's order of preference. */
type Columns = Partial<Record<ColumnKey, string[]>>;

/**
 * Resolves every column a mapping names against the file's header (case, accents and spacing
 * ignored). A fixed-layout export (Freshdesk) passes `optionalMayBeMissing`, so an optional column
 * its account does not export is simply not read; otherwise a missing column is the user's mistake.
 */
function resolveColumns(mapping: Mapping, header: string[], file: string, optionalMayBeMissing: boolean, bodyMayBeMissing: boolean): Columns {
  const byNormal = headerByNormal(header);
  const columns: Columns = {};
  for (const key of COLUMN_KEYS) {
    const names = mapping[key];
    if (names === undefined) continue;
    const wanted = Array.isArray(names) ? names : [names];
    const present = wanted.flatMap((name) => byNormal.get(normalizeHeader(name)) ?? []);
    if (present.length > 0) columns[key] = present;
    else if (!optionalMayBeMissing || (REQUIRED_KEYS.includes(key) && !(key === 'body' && bodyMayBeMissing))) {
      throw new ShadowdeskError(
        'SD_MAPPING_INVALID',
        `mapping key "${key}": column ${wanted.map((name) => `"${name}"`).join(' or ')} is not in ${file} (its columns: ${header.join(', ')})${headerHint(header)}`,
      );
    }
  }
  return columns;
}

/** A row's fields, in the order of the file's header. */
type Row = readonly string[];

/** Where each mapped key's columns sit in a row, in the mapping's order of preference. */
type Places = Record<ColumnKey, number[]>;

/**
 * The places of the columns in the header csv-parse read: a name written twice is read at its
 * last place, as csv-parse's `columns` option keeps its last value.
 */
function placesOf(columns: Columns, header: readonly string[]): Places {
  const places = {} as Places;
  for (const key of COLUMN_KEYS) places[key] = (columns[key] ?? []).map((name) => header.lastIndexOf(name)).filter((place) => place !== -1);
  return places;
}

interface Context {
  /** Tickets wait for messages from another file (see MappedCsvOptions.joinable). */
  joinable?: MappedCsvOptions['joinable'];
  columns: Columns;
  /** Set from the first batch's header: a column is found once, not by its name in every row. */
  places?: Places;
  /** Each key's columns as warnings name them, written once rather than for every row. */
  labels: Record<ColumnKey, string>;
  roles: Map<string, AuthorRole>;
  dates: DateOptions;
  maxMessageChars: number;
}

function cell(row: Row, context: Context, key: ColumnKey): string | undefined {
  for (const place of context.places![key]) {
    const value = str(row[place]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A ticket-level field: the first row of the ticket that has it (with one row per message, often only the first). */
function ticketCell(rows: Row[], context: Context, key: ColumnKey): string | undefined {
  for (const row of rows) {
    const value = cell(row, context, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

function label(context: Context, key: ColumnKey): string {
  return context.labels[key];
}

function labelsOf(columns: Columns): Record<ColumnKey, string> {
  return Object.fromEntries(COLUMN_KEYS.map((key) => [key, (columns[key] ?? []).map((name) => `"${name}"`).join(' or ')])) as Record<ColumnKey, string>;
}

function roleLookup(mapping: Mapping): Map<string, AuthorRole> {
  const lookup = new Map<string, AuthorRole>();
  for (const role of Object.keys(DEFAULT_ROLE_VALUES) as AuthorRole[]) {
    for (const value of mapping.roleValues?.[role] ?? DEFAULT_ROLE_VALUES[role]) lookup.set(value.trim().toLowerCase(), role);
  }
  return lookup;
}

/** One row, one message (with `role`): rows that cannot be a message are left out with a warning. */
function messageOfRow(row: Row, index: number, context: Context, warnings: string[]): Message[] {
  const where = `message row ${index + 1} of the ticket`;
  const value = cell(row, context, 'role') ?? '';
  const role = context.roles.get(value.toLowerCase());
  if (!role) {
    warnings.push(`${where} has author role "${value}" and was left out (map it with roleValues)`);
    return [];
  }
  const rawDate = cell(row, context, 'sentAt') ?? cell(row, context, 'createdAt');
  const sentAt = toIsoDate(rawDate, context.dates);
  if (!sentAt) {
    warnings.push(`${where} has no readable date (${JSON.stringify(rawDate ?? '')}) and was left out`);
    return [];
  }
  const body = cell(row, context, 'body');
  if (body === undefined) {
    warnings.push(`${where} has no text in column ${label(context, 'body')} and was left out`);
    return [];
  }
  return [{ role, author: cell(row, context, 'author'), sentAt, ...messageBody({ text: body }, context.maxMessageChars, warnings) }];
}

/**
 * One row, one ticket: the customer's message and, when there is one, the agent's reply. A reply
 * with no time of its own is dated at closing, the latest it can have been sent, so replay never
 * sees it earlier than it existed.
 */
function messagesOfTicketRow(row: Row, createdAt: string, context: Context, warnings: string[]): Message[] {
  const { maxMessageChars, dates } = context;
  const question: Message = {
    role: 'customer',
    author: cell(row, context, 'customerName') ?? cell(row, context, 'customerEmail'),
    sentAt: createdAt,
    ...messageBody({ text: cell(row, context, 'body') }, maxMessageChars, warnings),
  };
  const reply = cell(row, context, 'reply');
  if (!reply) return [question];
  const repliedAt = optionalDate(cell(row, context, 'repliedAt'), `reply date in column ${label(context, 'repliedAt')}`, warnings, dates);
  const answer: Message = {
    role: 'agent',
    author: cell(row, context, 'assignee'),
    sentAt: repliedAt ?? toIsoDate(cell(row, context, 'closedAt'), dates) ?? createdAt,
    ...messageBody({ text: reply }, maxMessageChars, warnings),
  };
  return [question, answer];
}

function toItem(id: string, rows: Row[], at: SourceLocation, context: Context, source: string): ReadItem {
  const located = { ...at, id };
  const rawCreated = ticketCell(rows, context, 'createdAt');
  const createdAt = toIsoDate(rawCreated, context.dates);
  if (!createdAt) {
    return { type: 'skip', at: located, reason: `missing or unreadable creation date in column ${label(context, 'createdAt')} (${JSON.stringify(rawCreated ?? '')})` };
  }
  const hasBody = ticketCell(rows, context, 'body') !== undefined;
  if (!hasBody && !context.joinable) {
    return { type: 'skip', at: located, reason: `missing message text in column ${label(context, 'body')}` };
  }
  const warnings: string[] = [];
  const messages = !hasBody
    ? []
    : context.columns.role
      ? rows.flatMap((row, index) => messageOfRow(row, index, context, warnings))
      : messagesOfTicketRow(rows[0]!, createdAt, context, warnings);
  const rawSatisfaction = ticketCell(rows, context, 'satisfaction');
  const satisfaction = satisfactionOf(rawSatisfaction);
  if (rawSatisfaction !== undefined && satisfaction === undefined) {
    warnings.push(`satisfaction ${JSON.stringify(rawSatisfaction)} is neither a 1-5 score nor a known survey answer and was left out`);
  }
  const ticket = {
    id,
    source,
    createdAt,
    closedAt: optionalDate(ticketCell(rows, context, 'closedAt'), `closing date in column ${label(context, 'closedAt')}`, warnings, context.dates),
    channel: ticketCell(rows, context, 'channel')?.toLowerCase() ?? 'unknown',
    language: languageOf(ticketCell(rows, context, 'language')),
    subject: ticketCell(rows, context, 'subject') ?? '',
    customer: { id: ticketCell(rows, context, 'customerId'), email: ticketCell(rows, context, 'customerEmail'), name: ticketCell(rows, context, 'customerName') },
    tags: splitTags(ticketCell(rows, context, 'tags')),
    assignee: ticketCell(rows, context, 'assignee'),
    status: ticketCell(rows, context, 'status'),
    satisfaction,
  };
  if (!context.joinable) return ticketItem(ticket, messages, located, warnings);
  const customerIds = [ticket.customer.id, ticket.customer.email].flatMap((value) => value ?? []);
  const missing = context.columns.body && !hasBody ? `missing message text in column ${label(context, 'body')}; ${context.joinable.missing}` : context.joinable.missing;
  return { type: 'shell', at: located, shell: { ticket, messages, threadRepeatsOwn: false, customerIds, missing, warnings } };
}

export interface MappedCsvOptions {
  /** For fixed-layout exports: optional columns the file lacks are not read instead of being an error. */
  optionalMayBeMissing?: boolean;
  /**
   * For a helpdesk whose replies come in another file (Freshdesk's conversations): each ticket
   * waits to be joined to them, and a file without the message column is still read.
   * `missing` says what else to export.
   */
  joinable?: { missing: string };
}

/**
 * Reads tickets from CSV rows through a column mapping (guessed from the header when absent);
 * shared with readers of fixed-layout CSV exports. Throws SD_MAPPING_INVALID for a mapping that
 * does not fit the file: that is a mistake to fix before anything is read.
 */
export async function* readMappedCsv(path: string, options: ReadOptions, rawMapping: unknown, mappedOptions: MappedCsvOptions = {}): AsyncGenerator<ReadItem> {
  const head = await readTextHead(path, options.encoding);
  const delimiter = options.delimiter ?? sniffDelimiter(head);
  const header = csvHeaderOf(head, delimiter);
  if (header.every((name) => name === '')) return;
  const given = rawMapping ?? guessMapping(header);
  if (given === undefined) throw noGuess(header, path);
  const mapping = parseMapping(given, path);
  const columns = resolveColumns(mapping, header, path, mappedOptions.optionalMayBeMissing ?? false, mappedOptions.joinable !== undefined);
  const context: Context = {
    ...(mappedOptions.joinable && { joinable: mappedOptions.joinable }),
    columns,
    labels: labelsOf(columns),
    roles: roleLookup(mapping),
    dates: { dayFirst: mapping.dayFirst, timeZone: mapping.timeZone },
    maxMessageChars: options.maxMessageChars,
  };
  const batches = readCsvBatches(path, { encoding: options.encoding, delimiter });
  let record = 0;
  if (context.columns.role) {
    // With one row per message the rows of a ticket follow one another.
    for await (const group of groupConsecutive(rowsOf(batches, context), messageRowsKey(context))) yield groupItem(group, path, ++record, context, mapping.source);
    return;
  }
  // Otherwise every row stands alone: read without grouping, one ticket per row being the common export and the larger.
  for await (const batch of batches) {
    context.places ??= placesOf(columns, batch.keys);
    for (const item of fieldsOf(batch)) {
      const group: RowGroup<Row> = item.type === 'error' ? item : { type: 'group', key: '', rows: [item.cells], line: item.line };
      yield groupItem(group, path, ++record, context, mapping.source);
    }
  }
}

/** Each row of the batches, or why a line could not be read; the context learns the columns' places from the first batch. */
async function* rowsOf(batches: AsyncIterable<CsvBatch>, context: Context): AsyncGenerator<{ type: 'row'; row: Row; line: number } | { type: 'error'; line: number; reason: string }> {
  for await (const batch of batches) {
    context.places ??= placesOf(context.columns, batch.keys);
    for (const item of fieldsOf(batch)) yield item.type === 'error' ? item : { type: 'row', row: item.cells, line: item.line };
  }
}

/** The rows of one ticket share its id; a row without one stands alone. */
function messageRowsKey(context: Context): (row: Row) => string {
  let row = 0;
  return (r) => cell(r, context, 'ticketId') ?? `\0${row++}`;
}

function groupItem(group: RowGroup<Row>, path: string, record: number, context: Context, source: string): ReadItem {
  const at = { file: path, line: group.line, record };
  if (group.type === 'error') return { type: 'skip', at, reason: group.reason };
  const id = cell(group.rows[0]!, context, 'ticketId');
  return id ? toItem(id, group.rows, at, context, source) : { type: 'skip', at, reason: `missing ticket id in column ${label(context, 'ticketId')}` };
}

export const genericCsvReader: Reader = {
  name: 'generic-csv',
  description:
    'any ticket CSV through a column mapping (--mapping); one row per ticket (message and reply) or, with a role column, one row per message; ' +
    'the mapping is guessed from English or French headers when absent',
  kinds: ['ticket'],
  detect(probe) {
    return probe.csvHeader && guessMapping(probe.csvHeader) ? 0.6 : 0;
  },
  read(path, options) {
    return readMappedCsv(path, options, options.mapping);
  },
};
