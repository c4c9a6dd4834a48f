import { readCsv } from '../io/csv.ts';
import { messageBody } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader } from '../reader.ts';
import { column, hasColumns } from './_csv-rows.ts';
import { ticketItem } from './_tickets.ts';

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

/** Puts the synthetic-dates warning on the first record, once per file, whatever was skipped before it. */
export async function* warnFirstRecord(items: AsyncIterable<ReadItem>): AsyncGenerator<ReadItem> {
  let warned = false;
  for await (const item of items) {
    if (warned || item.type !== 'record') {
      yield item;
      continue;
    }
    warned = true;
    yield { ...item, warnings: [SYNTHETIC_TIMES_WARNING, ...(item.warnings ?? [])] };
  }
}

async function* readRows(path: string, options: ReadOptions): AsyncGenerator<ReadItem> {
  let record = 0;
  for await (const item of readCsv(path, options)) {
    record++;
    const at = { file: path, line: item.line, record, id: `bitext-${record}` };
    if (item.type === 'error') {
      yield { type: 'skip', at, reason: item.reason };
      continue;
    }
    const { row } = item;
    const instruction = column(row, 'instruction') ?? '';
    const response = column(row, 'response') ?? '';
    if (instruction.trim() === '' || response.trim() === '') {
      yield { type: 'skip', at, reason: `empty ${instruction.trim() === '' ? 'instruction' : 'response'}: there is no exchange to replay` };
      continue;
    }
    const category = column(row, 'category')?.trim() ?? '';
    const intent = column(row, 'intent')?.trim() ?? '';
    const { askedAt, repliedAt } = syntheticTimes(record);
    const warnings: string[] = [];
    // The `{{Order Number}}`-style slots stay as text: they stand for the brand facts a responder would fill in.
    yield ticketItem(
      {
        id: at.id,
        source: 'bitext',
        createdAt: askedAt,
        closedAt: repliedAt,
        channel: 'chat',
        language: 'en',
        subject: '',
        customer: {},
        tags: [category, intent, ...(intent ? [`intent:${intent}`] : [])].filter(Boolean),
      },
      [
        { role: 'customer', sentAt: askedAt, ...messageBody({ text: instruction }, options.maxMessageChars, warnings) },
        { role: 'agent', sentAt: repliedAt, ...messageBody({ text: response }, options.maxMessageChars, warnings) },
      ],
      at,
      warnings,
    );
  }
}

export const bitextReader: Reader = {
  name: 'bitext-csv',
  description:
    "Bitext's customer-support training CSV (synthetic, intent-labelled): one ticket per row, the instruction as the " +
    "customer's chat message and the response as the agent's reply; rows are dated one hour apart since the file has no times",
  kinds: ['ticket'],
  detect(probe) {
    return hasColumns(probe.csvHeader, ['instruction'], ['response'], ['intent']) ? 0.9 : 0;
  },
  read(path, options) {
    return warnFirstRecord(readRows(path, options));
  },
};
