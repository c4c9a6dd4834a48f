import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { freshdeskCsvReader } from '../../../datasets/readers/freshdesk-csv.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted, HUGE_BODY } from './_ticket-items.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();
const tickets = fixture('freshdesk-csv/tickets.csv');
const HEADER = 'Ticket ID,Subject,Description,Status,Source,Created time,Email';

describe('freshdesk-csv', () => {
  it('reads each ticket as its one first message, with the export’s fields', async () => {
    const items = await read('freshdesk-csv', tickets);
    expectAccounted(items, 7);
    const [late, outbound, refund, insured] = records<Ticket>(items);
    expect(late).toEqual({
      id: '101',
      source: 'freshdesk',
      createdAt: '2025-06-01T10:15:00.000Z',
      // Closed time wins over Resolved time.
      closedAt: '2025-06-02T09:00:00.000Z',
      channel: 'email',
      language: 'de',
      subject: 'Order late',
      customer: { id: '3001', email: 'anna@example.com', name: 'Anna Schmidt' },
      tags: ['shipping', 'late'],
      assignee: 'Hugo Bernard',
      status: 'Closed',
      satisfaction: 1,
      messages: [
        {
          role: 'customer',
          author: 'Anna Schmidt',
          sentAt: '2025-06-01T10:15:00.000Z',
          text: 'Hi,\nmy order #ML2001 is late.',
          html: '<div>Hi,<br>my order <b>#ML2001</b> is late.<br><br>Thanks,<br>Anna</div><blockquote>On Mon, Maison Lune wrote: Your order has shipped</blockquote>',
        },
      ],
    });
    // An outbound email starts with the agent's message.
    expect(outbound!.messages).toEqual([
      { role: 'agent', author: 'Camille Roux', sentAt: '2025-06-03T09:00:00.000Z', text: 'Hello Dana,\nyour engraved candle is ready for pick-up.' },
    ]);
    expect(refund).toMatchObject({ id: '106', closedAt: '2025-06-05T18:30:00.000Z', satisfaction: 0, channel: 'chat', status: 'Resolved' });
    expect(insured).toMatchObject({ id: '107', language: 'fr' });
    expect(insured!.closedAt).toBeUndefined();
    expect(items[6]).toMatchObject({ shell: { warnings: ['closing date in column "Closed time" or "Resolved time" is not a readable date ("soon") and was left out'] } });
  });

  it('skips rows without a creation date or a description and malformed rows, naming the column and line', async () => {
    const items = await read('freshdesk-csv', tickets);
    expect(skips(items)).toEqual([
      [3, 'missing or unreadable creation date in column "Created time" ("")'],
      [4, expect.stringContaining('columns length is 21, got 22')],
      [7, expect.stringContaining('missing message text in column "Description"; export each ticket\'s conversations through the API')],
    ]);
  });

  it('matches headers whatever their case, with a UTF-8 BOM and CRLF, and without optional columns', async () => {
    const bytes = await readFile(fixture('freshdesk-csv/tickets-bom.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const items = await read('freshdesk-csv', fixture('freshdesk-csv/tickets-bom.csv'));
    expectAccounted(items, 1);
    expect(records<Ticket>(items)[0]).toEqual({
      id: '201',
      source: 'freshdesk',
      createdAt: '2025-07-01T08:00:00.000Z',
      channel: 'email',
      subject: 'Hello',
      customer: { email: 'zoe@example.fr' },
      tags: ['casse'],
      status: 'Open',
      messages: [{ role: 'customer', author: 'zoe@example.fr', sentAt: '2025-07-01T08:00:00.000Z', text: 'Bonjour, ma bougie est cassée.' }],
    });
  });

  it('takes the time zone of the export from a mapping override', async () => {
    const items = await read('freshdesk-csv', fixture('freshdesk-csv/tickets-bom.csv'), { mapping: { timeZone: 'Europe/Paris' } });
    expect(records<Ticket>(items)[0]!.createdAt).toBe('2025-07-01T06:00:00.000Z');
  });

  it('refuses a file without the required columns or read with the wrong delimiter, naming the columns', async () => {
    const dir = await tempDir();
    const noDate = await writeTemp(dir, 'no-date.csv', 'Ticket ID,Subject,Description\n1,Hi,Hello\n');
    await expect(read('freshdesk-csv', noDate)).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: `mapping key "createdAt": column "Created time" is not in ${noDate} (its columns: Ticket ID, Subject, Description)`,
    });
    await expect(collect(freshdeskCsvReader.read(tickets, { maxMessageChars: 100_000, delimiter: ';' }))).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: expect.stringContaining('the header has a single column: is the delimiter right?'),
    });
  });

  it('loses the rest of the file to an unclosed quote, as one skip at its line', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'unclosed.csv', `${HEADER}\n1,A,"fine",Open,Email,2025-01-01 10:00:00,a@x.com\n2,B,"never closed,Open,Email,2025-01-02 10:00:00,b@x.com\n3,C,lost,Open,Email,2025-01-03 10:00:00,c@x.com\n`);
    const items = await read('freshdesk-csv', file);
    expectAccounted(items, 2);
    expect(skips(items)).toEqual([[3, 'a quoted field is never closed: the rest of the file could not be read']]);
  });

  it('cuts a 10 MB description with a warning', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'big.csv', `${HEADER}\n1,Big,"${HUGE_BODY}",Open,Email,2025-01-01 10:00:00,a@x.com\n2,Small,small,Open,Email,2025-01-02 10:00:00,b@x.com\n`);
    const items = await read('freshdesk-csv', file);
    expectAccounted(items, 2);
    expect(records<Ticket>(items)[0]!.messages[0]!.text).toHaveLength(100_000);
    expect(items[0]).toMatchObject({ shell: { warnings: ['message body of 10,485,760 characters cut to 100,000'] } });
  });

  it('reads nothing from an empty file or a header alone', async () => {
    const dir = await tempDir();
    expect(await read('freshdesk-csv', await writeTemp(dir, 'empty.csv', ''))).toEqual([]);
    expect(await read('freshdesk-csv', await writeTemp(dir, 'header.csv', `${HEADER}\n`))).toEqual([]);
  });

  it('is detected ahead of the generic CSV reader', async () => {
    expect(await detectedFormat(tickets)).toBe('freshdesk-csv');
    expect(await detectedFormat(fixture('freshdesk-csv/tickets-bom.csv'))).toBe('freshdesk-csv');
  });
});
