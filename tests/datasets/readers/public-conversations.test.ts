import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReadItem, Reader } from '../../../datasets/reader.ts';
import type { Ticket } from '../../../datasets/records.ts';
import { bitextReader } from '../../../datasets/readers/bitext-csv.ts';
import { SYNTHETIC_TIMES_WARNING } from '../../../datasets/readers/_tickets.ts';
import { probePath } from '../../../datasets/readers/index.ts';
import { multilingualTicketsReader } from '../../../datasets/readers/multilingual-tickets-csv.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';
import { expectAccounted } from './_ticket-items.ts';
import { fixture, records } from './_read.ts';

// The public sets live outside the repository (one is CC BY-NC); these tests read them in place.
const shared = (path: string) => fileURLToPath(new URL(`../../../../shared/datasets/${path}`, import.meta.url));
const BITEXT = shared('bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.v2023-09-19.csv');
const MULTILINGUAL = shared('multilingual_tickets_tobibueck/dataset-tickets-multi-lang3-4k.prefix.csv');
const FRESHDESK = fixture('freshdesk-csv/tickets.csv');
const HOUR = 3_600_000;

const readAll = (reader: Reader, path: string) => collect(reader.read(path, { maxMessageChars: 100_000 }));
const rowsOf = (path: string) => parse(readFileSync(path), { columns: true }) as Record<string, string>[];
const detects = async (reader: Reader, path: string) => reader.detect(await probePath(path));

function expectSyntheticTimes(items: ReadItem[]): void {
  const warned = items.filter((item) => item.type === 'record' && item.warnings?.includes(SYNTHETIC_TIMES_WARNING));
  expect(warned.map((item) => item.at.record)).toEqual([1]);
  const tickets = records<Ticket>(items);
  tickets.forEach((ticket, index) => {
    const created = Date.parse(ticket.createdAt);
    if (index > 0) expect(created - Date.parse(tickets[index - 1]!.createdAt)).toBe(HOUR);
    expect(ticket.messages.map((message) => Date.parse(message.sentAt) - created)).toEqual([0, 60_000]);
    expect(ticket.closedAt).toBe(ticket.messages[1]!.sentAt);
  });
}

describe.skipIf(!existsSync(BITEXT))(`bitext-csv (needs ${BITEXT})`, () => {
  let items: ReadItem[];
  beforeAll(async () => {
    items = await readAll(bitextReader, BITEXT);
  });

  it('accounts for every row, with a reason for any skip', () => {
    expectAccounted(items, 4514);
    expect(records(items)).toHaveLength(4514);
    for (const item of items) if (item.type === 'skip') expect(item.reason).not.toBe('');
  });

  it('reads the first row as a chat ticket, keeping the {{…}} slots as text', () => {
    expect(items[0]).toMatchObject({ at: { line: 2, record: 1 }, warnings: [SYNTHETIC_TIMES_WARNING] });
    expect(records<Ticket>(items)[0]).toEqual({
      id: 'bitext-1',
      source: 'bitext',
      createdAt: '2024-01-01T00:00:00.000Z',
      closedAt: '2024-01-01T00:01:00.000Z',
      channel: 'chat',
      language: 'en',
      subject: '',
      customer: {},
      tags: ['ORDER', 'cancel_order', 'intent:cancel_order'],
      messages: [
        { role: 'customer', sentAt: '2024-01-01T00:00:00.000Z', text: 'how can I cancel purchase 113542617735902?' },
        {
          role: 'agent',
          sentAt: '2024-01-01T00:01:00.000Z',
          text:
            "I understand how unnerving it can be to cancel an order, especially if it's order number {{Purchase ID Anonymized}}. However, you are not alone. Here's a quick guide to walk you through the process:\n\n" +
            '1. Firstly, connect to our system by logging into our {{Website Name}}.\n' +
            '2. Spot the {{Order Details}} section.\n' +
            '3. Identify the order with the number {{Purchase ID Anonymized}}.\n' +
            "4. Adjacent to your order, you'll find a {{Cancel Order}} button.\n" +
            '5. Press it and keep following the easy instructions that pop up on your screen.\n\n' +
            'You can always lean on our support team during this process if you need any guidance or come across any snags. They are available {{Customer Support Availability}} on the toll-free number, {{Customer Support Phone Number}} or via {{Live Chat}} on our website, and so on. You are never alone in this!',
        },
      ],
    });
  });

  it('dates rows one hour apart in file order, and says so once', () => {
    expectSyntheticTimes(items);
  });

  it('tags each ticket with its category, intent and intent: label', () => {
    const rows = rowsOf(BITEXT);
    const tickets = records<Ticket>(items);
    tickets.forEach((ticket, index) => {
      const row = rows[index]!;
      expect(ticket.tags).toEqual([row.category, row.intent, `intent:${row.intent}`]);
    });
    expect(new Set(tickets.flatMap((ticket) => ticket.tags.filter((tag) => tag.startsWith('intent:')))).size).toBe(27);
  });
});

describe.skipIf(!existsSync(MULTILINGUAL))(`multilingual-tickets-csv (needs ${MULTILINGUAL})`, () => {
  let items: ReadItem[];
  beforeAll(async () => {
    items = await readAll(multilingualTicketsReader, MULTILINGUAL);
  });

  it('accounts for every row, with a reason for any skip', () => {
    expectAccounted(items, 1167);
    expect(records(items)).toHaveLength(1167);
    for (const item of items) if (item.type === 'skip') expect(item.reason).not.toBe('');
  });

  it('reads the first row as an email ticket with its routing labels as tags', () => {
    expect(items[0]).toMatchObject({ at: { line: 2, record: 1 }, warnings: [SYNTHETIC_TIMES_WARNING] });
    expect(records<Ticket>(items)[0]).toEqual({
      id: 'multilingual-1',
      source: 'multilingual-tickets',
      createdAt: '2024-01-01T00:00:00.000Z',
      closedAt: '2024-01-01T00:01:00.000Z',
      channel: 'email',
      language: 'es',
      subject: 'Problema crítico del servidor requiere atención inmediata',
      customer: {},
      tags: [
        'Urgent Issue',
        'Service Disruption',
        'Incident Report',
        'Service Recovery',
        'System Maintenance',
        'queue:Technical Support',
        'type:Incident',
        'priority:high',
      ],
      messages: [
        {
          role: 'customer',
          sentAt: '2024-01-01T00:00:00.000Z',
          text: 'Es necesaria una investigación inmediata sobre la interrupción en el servicio de gestión de AWS que está impactando funciones comerciales esenciales.',
        },
        {
          role: 'agent',
          sentAt: '2024-01-01T00:01:00.000Z',
          text: 'Estamos investigando urgentemente el problema con el servicio de gestión de AWS. Proporcionaremos actualizaciones sobre nuestro progreso.',
        },
      ],
    });
  });

  it('dates rows one hour apart in file order, and says so once', () => {
    expectSyntheticTimes(items);
  });

  it('uses the queue as the intent and keeps the languages of the file', () => {
    const rows = rowsOf(MULTILINGUAL);
    const tickets = records<Ticket>(items);
    tickets.forEach((ticket, index) => {
      const row = rows[index]!;
      expect(ticket.tags).toContain(`queue:${row.queue}`);
      expect(ticket.tags.some((tag) => tag.startsWith('intent:'))).toBe(false);
      expect(ticket.language).toBe(row.language);
    });
    const expected = new Set(rows.map((row) => row.language));
    expect(expected).toEqual(new Set(['en', 'de', 'es', 'pt', 'fr']));
    expect(new Set(tickets.map((ticket) => ticket.language))).toEqual(expected);
  });

  it('drops the leading Subject: line of answers and turns <br> into line breaks', () => {
    const rows = rowsOf(MULTILINGUAL);
    const tickets = records<Ticket>(items);
    expect(rows.filter((row) => /^Subject:/.test(row.answer!))).toHaveLength(48);
    expect(rows.filter((row) => /<br>/.test(`${row.body}${row.answer}`))).toHaveLength(19);
    for (const ticket of tickets) {
      expect(ticket.messages[1]!.text).not.toMatch(/^Subject:/);
      for (const message of ticket.messages) expect(message.text).not.toContain('<br>');
    }
  });
});

describe('multilingual-tickets-csv on edge rows', () => {
  const tempDir = useTempDir();

  it('skips a row without a body, with a reason, and warns on the first ticket read', async () => {
    const header = 'subject,body,answer,type,queue,priority,language,business_type,tag_1,tag_2';
    const path = await writeTemp(
      await tempDir(),
      'tickets.csv',
      `${header}\nEmpty,,"Hello",Request,Billing and Payments,low,en,Online Store,Billing,\n` +
        `Retour,"Bonjour,<br>la télé est cassée.","Subject: Re: Retour\n\nBonjour,<br>renvoyez-la.",Request,Returns and Exchanges,medium,fr,Online Store,Returns,Returns\n`,
    );
    const items = await readAll(multilingualTicketsReader, path);
    expectAccounted(items, 2);
    expect(items[0]).toMatchObject({ type: 'skip', at: { line: 2, record: 1 }, reason: 'empty body: there is no exchange to replay' });
    expect(items[1]).toMatchObject({ at: { line: 3, record: 2 }, warnings: [SYNTHETIC_TIMES_WARNING] });
    const [ticket] = records<Ticket>(items);
    expect(ticket?.createdAt).toBe('2024-01-01T01:00:00.000Z');
    expect(ticket?.tags).toEqual(['Returns', 'queue:Returns and Exchanges', 'type:Request', 'priority:medium']);
    expect(ticket?.messages.map((message) => message.text)).toEqual(['Bonjour,\nla télé est cassée.', 'Bonjour,\nrenvoyez-la.']);
  });
});

describe('detection', () => {
  it.skipIf(!existsSync(BITEXT) || !existsSync(MULTILINGUAL))('tells the two public sets and a Freshdesk export apart', async () => {
    expect(await detects(bitextReader, BITEXT)).toBeGreaterThanOrEqual(0.5);
    expect(await detects(bitextReader, MULTILINGUAL)).toBe(0);
    expect(await detects(multilingualTicketsReader, MULTILINGUAL)).toBeGreaterThanOrEqual(0.5);
    expect(await detects(multilingualTicketsReader, BITEXT)).toBe(0);
  });

  it('leaves a Freshdesk export alone', async () => {
    expect(await detects(bitextReader, FRESHDESK)).toBe(0);
    expect(await detects(multilingualTicketsReader, FRESHDESK)).toBe(0);
  });
});
