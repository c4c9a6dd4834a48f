import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { genericCsvReader, guessMapping } from '../../../datasets/readers/generic-csv.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted, HUGE_BODY } from './_ticket-items.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();
const french = fixture('generic-csv/tickets-fr-win1252.csv');
const messages = fixture('generic-csv/messages-bom.csv');

async function csvFile(content: string): Promise<string> {
  return writeTemp(await tempDir(), 'export.csv', content);
}

describe('generic-csv, one row per ticket', () => {
  it('reads a Windows-1252 file with ; and CRLF from French Excel, mapping guessed from French headers', async () => {
    const bytes = await readFile(french);
    expect(bytes.includes(0xe9)).toBe(true);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();

    const items = await read('generic-csv', french);
    expectAccounted(items, 5);
    const [refund, gift] = records<Ticket>(items);
    expect(refund).toEqual({
      id: '1001',
      source: 'csv',
      createdAt: '2025-04-03T14:30:00.000Z',
      closedAt: '2025-04-04T09:00:00.000Z',
      channel: 'e-mail',
      language: 'fr',
      subject: 'Remboursement',
      customer: { email: 'amelie@exemple.fr', name: 'Amélie Dubois' },
      tags: ['remboursement', 'urgent'],
      status: 'Fermé',
      satisfaction: 1,
      messages: [
        // The multi-line quoted field lost its sign-off and the quoted earlier mail.
        { role: 'customer', author: 'Amélie Dubois', sentAt: '2025-04-03T14:30:00.000Z', text: 'Bonjour,\nJe voudrais être remboursée pour la bougie « Figuier ».' },
        { role: 'agent', sentAt: '2025-04-03T16:05:00.000Z', text: 'Bonjour Amélie,\nVotre remboursement de 24,90 € est parti.' },
      ],
    });
    // An unreadable reply date leaves the reply at the ticket's creation, with a warning.
    expect(gift!.messages.map((message) => [message.role, message.sentAt, message.text])).toEqual([
      ['customer', '2025-04-07T08:15:00.000Z', 'Faites-vous des paquets cadeaux ?'],
      ['agent', '2025-04-07T08:15:00.000Z', 'Oui, à 3 € au moment de payer.'],
    ]);
    expect(items[4]).toMatchObject({ warnings: ['reply date in column "Date de réponse" is not a readable date ("hier") and was left out'] });
  });

  it('skips a row without a readable date, one with an unquoted ; and one without a message, naming line and column', async () => {
    const items = await read('generic-csv', french);
    expect(skips(items)).toEqual([
      [12, 'missing or unreadable creation date in column "Date de création" ("pas de date")'],
      [13, expect.stringContaining('columns length is 14, got 15 (an unquoted delimiter or line break in a field?)')],
      [14, 'missing message text in column "Message"'],
    ]);
  });

  it('accounts for malformed rows and an unclosed quote that swallows the rest of the file', async () => {
    const items = await read('generic-csv', fixture('generic-csv/broken.csv'));
    expectAccounted(items, 4);
    expect(records<Ticket>(items).map((ticket) => ticket.id)).toEqual(['1']);
    expect(skips(items)).toEqual([
      [3, expect.stringContaining('got 5')],
      [4, 'missing message text in column "message"'],
      [5, 'a quoted field is never closed: the rest of the file could not be read'],
    ]);
  });

  it('reads through an explicit mapping: several spellings, US dates in a time zone, satisfaction, unmapped columns ignored', async () => {
    const file = await csvFile(
      'Case,Opened,Question,Answer,Closed,Resolved,Score,Internal notes\n' +
        '7,04/03/2025 09:00,"Hi, can I swap my order?",Yes of course.,,04/03/2025 10:00,3,secret\n' +
        '8,04/04/2025 09:00,Thanks,,,,meh,\n',
    );
    const items = await read('generic-csv', file, {
      mapping: { ticketId: 'Case', createdAt: 'Opened', body: 'Question', reply: 'Answer', closedAt: ['Closed', 'Resolved'], satisfaction: 'Score', dayFirst: false, timeZone: 'America/New_York', source: 'helpscout' },
    });
    expectAccounted(items, 2);
    const [swap, thanks] = records<Ticket>(items);
    expect(swap).toEqual({
      id: '7',
      source: 'helpscout',
      createdAt: '2025-04-03T13:00:00.000Z',
      closedAt: '2025-04-03T14:00:00.000Z',
      channel: 'unknown',
      subject: '',
      customer: {},
      tags: [],
      satisfaction: 0.5,
      messages: [
        { role: 'customer', sentAt: '2025-04-03T13:00:00.000Z', text: 'Hi, can I swap my order?' },
        // No reply date: the reply is dated at closing, the latest it can have been sent.
        { role: 'agent', sentAt: '2025-04-03T14:00:00.000Z', text: 'Yes of course.' },
      ],
    });
    expect(thanks!.satisfaction).toBeUndefined();
    expect(items[1]).toMatchObject({ warnings: ['satisfaction "meh" is neither a 1-5 score nor a known survey answer and was left out'] });
  });

  it('cuts a 10 MB message with a warning', async () => {
    const file = await csvFile(`id,date,message\n1,2025-01-01,"${HUGE_BODY}"\n2,2025-01-02,small\n`);
    const items = await read('generic-csv', file);
    expectAccounted(items, 2);
    expect(records<Ticket>(items)[0]!.messages[0]!.text).toHaveLength(100_000);
    expect(items[0]).toMatchObject({ warnings: ['message body of 10,485,760 characters cut to 100,000'] });
  });

  it('reads a column whose name is written twice in the header at its last place, as csv-parse keys it', async () => {
    const file = await csvFile('Ticket ID,Created at,Message,Message\n1,2025-01-01,first,Where is my parcel?\n2,2025-01-02,Où est mon colis ?,\n');
    const items = await read('generic-csv', file);
    expectAccounted(items, 2);
    expect(records<Ticket>(items)[0]!.messages.map((message) => message.text)).toEqual(['Where is my parcel?']);
    expect(skips(items)).toEqual([[3, 'missing message text in column "Message"']]);
  });

  it('reads nothing from an empty file or a header alone', async () => {
    expect(await read('generic-csv', await csvFile(''))).toEqual([]);
    expect(await read('generic-csv', await csvFile('Ticket ID,Created at,Message\r\n'))).toEqual([]);
  });
});

describe('generic-csv, one row per message', () => {
  it('groups consecutive rows of a ticket id, yields a later run of the same id again, and maps role words', async () => {
    const bytes = await readFile(messages);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const items = await read('generic-csv', messages);
    expectAccounted(items, 5);
    expect(items.map((item) => [item.type, item.at.line, item.at.id ?? null])).toEqual([
      ['record', 2, 'A-1'],
      ['record', 6, 'B-2'],
      ['skip', 8, null],
      ['record', 9, 'A-1'],
      ['record', 10, 'C-3'],
    ]);
    const [parcel, gifts, later, address] = records<Ticket>(items);
    expect(parcel).toEqual({
      id: 'A-1',
      source: 'csv',
      createdAt: '2025-07-01T08:00:00.000Z',
      channel: 'unknown',
      subject: 'Parcel',
      customer: { email: 'nora@example.com' },
      tags: [],
      status: 'solved',
      messages: [
        { role: 'customer', author: 'Nora Blake', sentAt: '2025-07-01T08:00:00.000Z', text: 'Hello,\nwhere is my parcel #ML5001?' },
        { role: 'agent', author: 'Sam', sentAt: '2025-07-01T09:00:00.000Z', text: 'It ships today.' },
        { role: 'ai', author: 'Moon bot', sentAt: '2025-07-01T09:00:05.000Z', text: 'Anything else?' },
      ],
    });
    expect(gifts!.messages).toHaveLength(1);
    expect(items[1]).toMatchObject({ warnings: ['message row 2 of the ticket has author role "robot" and was left out (map it with roleValues)'] });
    expect(skips(items)).toEqual([[8, 'missing ticket id in column "Ticket ID"']]);
    expect(later!.messages).toEqual([{ role: 'customer', author: 'Nora Blake', sentAt: '2025-07-03T08:00:00.000Z', text: 'It arrived. Thank you!' }]);
    expect(address!.messages.map((message) => message.text)).toEqual(['Can I change my address?']);
    expect(items[4]).toMatchObject({
      warnings: ['message row 2 of the ticket has no readable date ("yesterday") and was left out', 'message row 3 of the ticket has no text in column "Message" and was left out'],
    });
  });

  it('uses the mapping’s own role words and message dates', async () => {
    const file = await csvFile('conv;opened;sent;who;text\nX;2025-07-01 10:00;2025-07-01 10:00;Kundin;Wo ist mein Paket?\nX;;2025-07-01 12:00;Team;Heute verschickt.\nX;;2025-07-01 12:01;customer;Danke\n');
    const items = await read('generic-csv', file, {
      mapping: { ticketId: 'conv', createdAt: 'opened', sentAt: 'sent', body: 'text', role: 'who', roleValues: { customer: ['Kundin'], agent: ['Team'] }, timeZone: 'Europe/Berlin' },
    });
    expectAccounted(items, 1);
    expect(records<Ticket>(items)[0]!.messages.map((message) => [message.role, message.sentAt])).toEqual([
      ['customer', '2025-07-01T08:00:00.000Z'],
      ['agent', '2025-07-01T10:00:00.000Z'],
    ]);
    // Own role words replace the defaults for that role: "customer" is no longer one.
    expect(items[0]).toMatchObject({ warnings: ['message row 3 of the ticket has author role "customer" and was left out (map it with roleValues)'] });
  });
});

describe('generic-csv mapping', () => {
  it('guesses English and French headers, and nothing without the three required columns', () => {
    expect(guessMapping(['Ticket ID', 'Created at', 'Subject', 'Message', 'Reply', 'Replied at', 'Email', 'Name', 'Tags', 'Channel', 'Language', 'Status', 'Closed at'])).toEqual({
      ticketId: 'Ticket ID',
      createdAt: 'Created at',
      body: 'Message',
      subject: 'Subject',
      reply: 'Reply',
      repliedAt: 'Replied at',
      channel: 'Channel',
      language: 'Language',
      customerEmail: 'Email',
      customerName: 'Name',
      tags: 'Tags',
      status: 'Status',
      closedAt: 'Closed at',
    });
    expect(guessMapping(['N° ticket', 'Date', 'Sujet', 'Corps', 'Réponse', 'E-mail'])).toEqual({
      ticketId: 'N° ticket',
      createdAt: 'Date',
      body: 'Corps',
      subject: 'Sujet',
      reply: 'Réponse',
      customerEmail: 'E-mail',
    });
    expect(guessMapping(['id', 'Date de création', 'Objet', 'Description', 'Courriel'])).toMatchObject({ ticketId: 'id', createdAt: 'Date de création', subject: 'Objet', body: 'Description', customerEmail: 'Courriel' });
    expect(guessMapping(['Subject', 'Message'])).toBeUndefined();
  });

  it('refuses a mapping naming a column the file lacks, naming the key and the file’s columns', async () => {
    const file = await csvFile('id,date,text\n1,2025-01-01,Hello\n');
    await expect(read('generic-csv', file, { mapping: { ticketId: 'id', createdAt: 'date', body: 'Message' } })).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: `mapping key "body": column "Message" is not in ${file} (its columns: id, date, text)`,
    });
  });

  it('refuses an invalid mapping object, naming each problem’s key', async () => {
    const file = await csvFile('id,date,text\n1,2025-01-01,Hello\n');
    const problems = async (mapping: unknown) => {
      const error = await read('generic-csv', file, { mapping }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'SD_MAPPING_INVALID' });
      return (error as Error).message;
    };
    expect(await problems({ ticketId: 'id', createdAt: 'date', body: 'text', subjct: 'x' })).toContain('unknown mapping key "subjct" (known keys: ticketId, createdAt, body,');
    const wrongTypes = await problems({ ticketId: 'id', createdAt: 'date', body: 3, roleValues: { customer: 'client' } });
    expect(wrongTypes).toContain('mapping key "body":');
    expect(wrongTypes).toContain('mapping key "roleValues.customer":');
    expect(await problems({ ticketId: 'id', createdAt: 'date', body: 'text', timeZone: 'Paris' })).toContain('mapping key "timeZone": not an IANA time zone');
    expect(await problems('id,date,text')).toContain('mapping key "(root)":');
  });

  it('says which columns it could not find when the header cannot be guessed, or was read with the wrong delimiter', async () => {
    const file = await csvFile('foo,when,bar\n1,2025-01-01,x\n');
    await expect(read('generic-csv', file)).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: expect.stringMatching(/could not tell which column of .* holds the ticketId, createdAt, body \(its columns: foo, when, bar\); give a column mapping/),
    });
    const semicolons = await csvFile('id;created at;message\n1;2025-01-01;ok\n');
    await expect(collect(genericCsvReader.read(semicolons, { maxMessageChars: 100_000, delimiter: ',' }))).rejects.toMatchObject({
      code: 'SD_MAPPING_INVALID',
      message: expect.stringContaining('the header has a single column: is the delimiter right?'),
    });
  });
});

describe('generic-csv detection', () => {
  it('recognises a CSV whose mapping can be guessed, below the specific CSV readers', async () => {
    expect(await detectedFormat(french)).toBe('generic-csv');
    expect(await detectedFormat(messages)).toBe('generic-csv');
    const freshdeskHeader = ['Ticket ID', 'Subject', 'Description', 'Status', 'Created time', 'Email'];
    expect(genericCsvReader.detect({ path: 'x.csv', isDirectory: false, ext: '.csv', head: freshdeskHeader.join(','), csvHeader: freshdeskHeader })).toBe(0.6);
    expect(await detectedFormat(fixture('freshdesk-csv/tickets.csv'))).toBe('freshdesk-csv');
    expect(genericCsvReader.detect({ path: 'x.csv', isDirectory: false, ext: '.csv', head: 'foo,bar', csvHeader: ['foo', 'bar'] })).toBe(0);
  });
});
