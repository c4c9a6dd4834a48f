import { readJsonRecords } from '../io/json.ts';
import { isObject, str } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import { KNOWLEDGE_KINDS, type RecordKind, type RecordOf } from '../records.ts';

type Fields = Record<string, unknown>;

/** Which record a line holds, from its shape; the importer validates the record itself. */
function kindOf(value: Fields): RecordKind | undefined {
  if (Array.isArray(value.messages)) return 'ticket';
  if (Array.isArray(value.lineItems)) return 'order';
  if ('kind' in value && 'body' in value) return 'knowledge';
  return undefined;
}

/** Fields only the normalized records have (camelCase dates, a known knowledge kind), unlike the helpdesk exports. */
function looksNormalized(value: Fields, kind: RecordKind): boolean {
  if (kind === 'knowledge') return (KNOWLEDGE_KINDS as readonly unknown[]).includes(value.kind) && typeof value.title === 'string';
  if (kind === 'order') return typeof value.createdAt === 'string';
  return typeof value.createdAt === 'string' && typeof value.source === 'string';
}

/**
 * Sure for a line shaped exactly like our records, unsure for a line that only has their outline
 * (a helpdesk's own NDJSON also has `messages`, and its reader should win).
 */
function scoreLine(line: string, truncated: boolean): number {
  try {
    const value: unknown = JSON.parse(line);
    const kind = isObject(value) ? kindOf(value) : undefined;
    if (!kind || !isObject(value)) return 0;
    return looksNormalized(value, kind) ? 0.95 : 0.6;
  } catch {
    // A first record longer than the probed head: only our records spell `createdAt` this way.
    return truncated && line.startsWith('{') && line.includes('"createdAt":"') ? 0.9 : 0;
  }
}

/** Hand-written or foreign JSONL may hold bodies longer than any export reader would let through. */
function cutMessages(ticket: Fields, maxChars: number, warnings: string[]): Fields {
  const messages = (ticket.messages as unknown[]).map((message, index) => {
    if (!isObject(message)) return message;
    const cut = { ...message };
    for (const field of ['text', 'html'] as const) {
      const value = message[field];
      if (typeof value !== 'string' || value.length <= maxChars) continue;
      warnings.push(`message ${index + 1} ${field} of ${value.length.toLocaleString('en-US')} characters cut to ${maxChars.toLocaleString('en-US')}`);
      cut[field] = value.slice(0, maxChars);
    }
    return cut;
  });
  return { ...ticket, messages };
}

function toItem(value: unknown, at: SourceLocation, maxMessageChars: number): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected a JSON object on this line' };
  const id = str(value.id);
  const located = id ? { ...at, id } : at;
  const kind = kindOf(value);
  if (!kind) return { type: 'skip', at: located, reason: 'not a ticket, knowledge document or order (it has no messages, lineItems, or kind and body)' };
  const warnings: string[] = [];
  const record = kind === 'ticket' ? cutMessages(value, maxMessageChars, warnings) : value;
  // The importer validates the record against its schema; here it only has to be classified.
  return recordItem(kind, record as RecordOf[RecordKind], located, warnings);
}

export const shadowdeskJsonlReader: Reader = {
  name: 'shadowdesk-jsonl',
  description: 'normalized tickets, knowledge documents and orders as shadowdesk writes them, one JSON object per line',
  kinds: ['ticket', 'knowledge', 'order'],
  detect(probe) {
    if (probe.isDirectory || !['.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const head = probe.head.replace(/^\uFEFF/, '').trimStart();
    const end = head.indexOf('\n');
    return scoreLine(end < 0 ? head : head.slice(0, end), end < 0);
  },
  async *read(path, options) {
    let record = 0;
    for await (const item of readJsonRecords(path, { recordKeys: [], encoding: options.encoding, lines: true })) {
      record++;
      const at = { file: path, line: item.line, record };
      yield item.type === 'error' ? { type: 'skip', at, reason: item.reason } : toItem(item.value, at, options.maxMessageChars);
    }
  },
};
