import { readCsv } from '../io/csv.ts';
import { messageBody } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader } from '../reader.ts';
import { column, hasColumns } from './_csv-rows.ts';
import { languageOf, SYNTHETIC_TIMES_WARNING, syntheticTimes, ticketItem, warnFirstRecord } from './_tickets.ts';

/** Some rows write line breaks as `<br>`; as newlines they read like the other rows' plain text. */
function withNewlines(text: string): string {
  return text.replace(/<br\s*\/?>/gi, '\n');
}

/** Some answers open with the reply email's own "Subject: Re: …" line, which is not part of the message. */
function withoutSubjectLine(answer: string): string {
  return answer.replace(/^\s*Subject:[^\n]*(\n\s*)*/i, '');
}

/** The free-form topic tags, `tag_1` … `tag_n` in order, left-filled with the unused ones empty. */
function topicTags(row: Record<string, string>): string[] {
  const tags = Object.keys(row)
    .map((key) => ({ key, index: /^tag_(\d+)$/i.exec(key.trim())?.[1] }))
    .filter((entry): entry is { key: string; index: string } => entry.index !== undefined)
    .sort((a, b) => Number(a.index) - Number(b.index))
    .map(({ key }) => row[key]?.trim() ?? '')
    .filter(Boolean);
  return [...new Set(tags)];
}

async function* readRows(path: string, options: ReadOptions): AsyncGenerator<ReadItem> {
  let record = 0;
  for await (const item of readCsv(path, options)) {
    record++;
    const at = { file: path, line: item.line, record, id: `multilingual-${record}` };
    if (item.type === 'error') {
      yield { type: 'skip', at, reason: item.reason };
      continue;
    }
    const { row } = item;
    const body = withNewlines(column(row, 'body') ?? '');
    const answer = withoutSubjectLine(withNewlines(column(row, 'answer') ?? ''));
    if (body.trim() === '' || answer.trim() === '') {
      yield { type: 'skip', at, reason: `empty ${body.trim() === '' ? 'body' : 'answer'}: there is no exchange to replay` };
      continue;
    }
    const field = (name: string) => column(row, name)?.trim() || undefined;
    const queue = field('queue');
    const type = field('type');
    const priority = field('priority');
    const { askedAt, repliedAt } = syntheticTimes(record);
    const warnings: string[] = [];
    yield ticketItem(
      {
        id: at.id,
        source: 'multilingual-tickets',
        createdAt: askedAt,
        closedAt: repliedAt,
        channel: 'email',
        language: languageOf(field('language')),
        subject: field('subject') ?? '',
        customer: {},
        tags: [
          ...topicTags(row),
          ...(queue ? [`queue:${queue}`] : []),
          ...(type ? [`type:${type}`] : []),
          // No intent: the set has none, and the queue a ticket was routed to is too broad to stand for one
          // (the judge counts a reply reused from a ticket of the same intent as the agent's answer).
          ...(priority ? [`priority:${priority}`] : []),
        ],
      },
      [
        { role: 'customer', sentAt: askedAt, ...messageBody({ text: body }, options.maxMessageChars, warnings) },
        { role: 'agent', sentAt: repliedAt, ...messageBody({ text: answer }, options.maxMessageChars, warnings) },
      ],
      at,
      warnings,
    );
  }
}

export const multilingualTicketsReader: Reader = {
  name: 'multilingual-tickets-csv',
  description:
    "Tobi Bueck's multilingual customer-support tickets CSV (synthetic, CC BY-NC): one email ticket per row, the body " +
    "as the customer's message and the answer as the agent's reply; rows are dated one hour apart since the file has no times",
  kinds: ['ticket'],
  detect(probe) {
    return hasColumns(probe.csvHeader, ['subject'], ['body'], ['answer'], ['queue'], ['priority'], ['language'], ['tag_1']) ? 0.9 : 0;
  },
  read(path, options) {
    return warnFirstRecord(readRows(path, options), SYNTHETIC_TIMES_WARNING);
  },
};
