import { readCsv } from '../io/csv.ts';
import { messageBody } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader } from '../reader.ts';
import { column, hasColumns } from './_csv-rows.ts';
import { SYNTHETIC_TIMES_WARNING, syntheticTimes, ticketItem, warnFirstRecord } from './_tickets.ts';

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
    return warnFirstRecord(readRows(path, options), SYNTHETIC_TIMES_WARNING);
  },
};
