import { readJsonRecords } from '../io/json.ts';
import type { ReadItem, Reader } from '../reader.ts';
import type { RecordKind } from '../records.ts';

/** Which record a normalized line holds, from its shape. */
function kindOf(value: unknown): RecordKind | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray((value as { messages?: unknown }).messages)) return 'ticket';
  if (Array.isArray((value as { lineItems?: unknown }).lineItems)) return 'order';
  if ('kind' in value && 'body' in value) return 'knowledge';
  return undefined;
}

export const shadowdeskJsonlReader: Reader = {
  name: 'shadowdesk-jsonl',
  description: 'normalized records as shadowdesk writes them, one JSON object per line',
  kinds: ['ticket', 'knowledge', 'order'],
  detect(probe) {
    if (probe.isDirectory) return 0;
    const first = probe.head.split('\n', 1)[0] ?? '';
    try {
      return kindOf(JSON.parse(first)) && (probe.ext === '.jsonl' || probe.ext === '.ndjson') ? 0.95 : 0;
    } catch {
      return 0;
    }
  },
  async *read(path, options) {
    let record = 0;
    for await (const item of readJsonRecords(path, { recordKeys: [], encoding: options.encoding, lines: true })) {
      record++;
      const at = { file: path, line: item.line, record };
      if (item.type === 'error') {
        yield { type: 'skip', at, reason: item.reason };
        continue;
      }
      const kind = kindOf(item.value);
      const id = (item.value as { id?: unknown }).id;
      const located = typeof id === 'string' ? { ...at, id } : at;
      if (!kind) {
        yield { type: 'skip', at: located, reason: 'not a ticket, knowledge document or order (no messages, lineItems or kind/body)' };
        continue;
      }
      yield { type: 'record', kind, record: item.value, at: located } as ReadItem;
    }
  },
};
