import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted, HUGE_BODY } from './_ticket-items.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();
const mixed = fixture('shadowdesk-jsonl/records.jsonl');

describe('shadowdesk-jsonl', () => {
  it('reads tickets, knowledge documents and orders by their shape, exactly as written', async () => {
    const items = await read('shadowdesk-jsonl', mixed);
    expectAccounted(items, 7);
    const lines = (await readFile(mixed, 'utf8')).split('\n');
    const written = (line: number) => JSON.parse(lines[line - 1]!);
    expect(items.flatMap((item) => (item.type === 'record' ? [[item.kind, item.at.line, item.at.id]] : []))).toEqual([
      ['ticket', 1, 'T-1'],
      ['knowledge', 2, 'livraison'],
      ['order', 4, '#1042'],
      ['ticket', 8, 'T-3'],
    ]);
    for (const item of items) {
      if (item.type === 'record') expect(item.record).toEqual(written(item.at.line!));
    }
  });

  it('skips invalid JSON, lines of no known shape and non-objects, with their lines', async () => {
    const items = await read('shadowdesk-jsonl', mixed);
    expect(skips(items)).toEqual([
      [5, expect.stringMatching(/^invalid JSON/)],
      [6, 'not a ticket, knowledge document or order (it has no messages, lineItems, or kind and body)'],
      [7, 'expected a JSON object on this line'],
    ]);
    expect(items[4]!.at.id).toBe('x');
  });

  it('reads back what an export reader produced', async () => {
    const tickets = records<Ticket>(await read('gorgias-json', fixture('gorgias-json/tickets-pages.json')));
    const file = await writeTemp(await tempDir(), 'tickets.jsonl', tickets.map((ticket) => `${JSON.stringify(ticket)}\n`).join(''));
    expect(records<Ticket>(await read('shadowdesk-jsonl', file))).toEqual(tickets);
  });

  it('cuts a 10 MB message text with a warning', async () => {
    const ticket = (text: string) => ({ id: 'big', source: 'csv', createdAt: '2025-01-01T00:00:00.000Z', channel: 'email', subject: '', customer: {}, tags: [], messages: [{ role: 'customer', sentAt: '2025-01-01T00:00:00.000Z', text }] });
    const file = await writeTemp(await tempDir(), 'big.jsonl', `${JSON.stringify(ticket(HUGE_BODY))}\n${JSON.stringify(ticket('small'))}\n`);
    const items = await read('shadowdesk-jsonl', file, { maxMessageChars: 1_000 });
    expectAccounted(items, 2);
    expect(records<Ticket>(items)[0]!.messages[0]!.text).toHaveLength(1_000);
    expect(items[0]).toMatchObject({ warnings: ['message 1 text of 10,485,760 characters cut to 1,000'] });
    expect(items[1]).not.toHaveProperty('warnings');
  });

  it('reads nothing from an empty file', async () => {
    expect(await read('shadowdesk-jsonl', await writeTemp(await tempDir(), 'empty.jsonl', ''))).toEqual([]);
  });

  it('is detected from its own records, even when the first is longer than the probed head', async () => {
    expect(await detectedFormat(mixed)).toBe('shadowdesk-jsonl');
    const dir = await tempDir();
    const long = { id: 'T-9', source: 'csv', createdAt: '2025-01-01T00:00:00.000Z', channel: 'email', subject: '', customer: {}, tags: [], messages: [{ role: 'customer', sentAt: '2025-01-01T00:00:00.000Z', text: 'y'.repeat(100_000) }] };
    expect(await detectedFormat(await writeTemp(dir, 'long.jsonl', `${JSON.stringify(long)}\n`))).toBe('shadowdesk-jsonl');
    const knowledgeFirst = await writeTemp(dir, 'knowledge.jsonl', `${(await readFile(mixed, 'utf8')).split('\n')[1]}\n`);
    expect(await detectedFormat(knowledgeFirst)).toBe('shadowdesk-jsonl');
  });
});
