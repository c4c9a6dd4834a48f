import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { OrderSchema, TicketSchema, type Order, type Ticket } from '../../../datasets/records.ts';
import { orderLineBytesKeys, orderLineKeys, ordersWhere } from '../../../eval/judges/order-lines.ts';
import { ticketFacts, ticketLineFacts, ticketLineId } from '../../../eval/judges/ticket-lines.ts';
import { importSources } from '../../../pipelines/import.ts';
import { recordsFile } from '../../../pipelines/workspace.ts';

/** The lines of an imported history's records, read by each line fast path below. */
let dir: string;
const lines: Partial<Record<'ticket' | 'order', string[]>> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shadowdesk-record-lines-'));
  await generateDemo({ outDir: join(dir, 'data'), tickets: 1500, seed: 3 });
  await importSources([{ path: join(dir, 'data') }], { workspace: join(dir, 'ws') });
  for (const kind of ['ticket', 'order'] as const) lines[kind] = (await readFile(await recordsFile(join(dir, 'ws'), kind), 'utf8')).split('\n').filter(Boolean);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The line fast path must say exactly what parsing the line says, on every ticket. */
describe('ticket facts read from a JSONL line', () => {

  it('agrees with the parsed ticket on every imported ticket, spam and internal notes included', () => {
    const tickets = lines.ticket!;
    expect(tickets.length).toBe(1500);
    const parsed = tickets.map((line) => JSON.parse(line) as Ticket);
    expect(parsed.some((ticket) => ticket.spam)).toBe(true);
    expect(parsed.some((ticket) => ticket.messages.some((message) => message.internal))).toBe(true);
    tickets.forEach((line, index) => {
      expect(ticketLineFacts(line)).toEqual(ticketFacts(parsed[index]!));
      expect(ticketLineId(line)).toBe(parsed[index]!.id);
    });
  });

  const ticket = (fields: Partial<Ticket>): Ticket =>
    TicketSchema.parse({
      id: 'T1',
      source: 'test',
      createdAt: '2025-01-02T03:04:05.000Z',
      channel: 'email',
      subject: 's',
      customer: {},
      tags: [],
      messages: [{ role: 'customer', sentAt: '2025-01-02T03:04:05.000Z', text: 'hello' }],
      ...fields,
    });

  it('is not fooled by text that looks like structure, escaped ids or another key order', () => {
    const cases: Ticket[] = [
      ticket({ id: 'a"b\\c', subject: '"spam":true' }),
      ticket({ messages: [{ role: 'agent', sentAt: '2025-01-02T03:04:05.000Z', text: '{"role":"customer","internal":false} "spam":true' }] }),
      ticket({ spam: true }),
      ticket({ messages: [{ role: 'customer', sentAt: '2025-01-02T03:04:05.000Z', text: 'q', internal: true }, { role: 'agent', sentAt: '2025-01-02T03:04:05.000Z', text: 'a' }] }),
      ticket({ messages: [{ role: 'system', sentAt: '2025-01-02T03:04:05.000Z', text: '"role":"agent"' }] }),
    ];
    for (const record of cases) {
      const line = JSON.stringify(record);
      expect(ticketLineFacts(line)).toEqual(ticketFacts(record));
      expect(ticketLineId(line)).toBe(record.id);
      const { createdAt, ...rest } = record;
      const reordered = JSON.stringify({ createdAt, ...rest });
      expect(ticketLineId(reordered)).toBeUndefined();
      expect(ticketLineFacts(reordered)).toEqual(ticketFacts(record));
    }
  });
});

/** What the replay and judging keep of an order: its id and lower-cased e-mail, as parsing the line gives them. */
const parsedKeys = (order: Order) => ({ id: order.id, ...(order.customerEmail !== undefined && { email: order.customerEmail.toLowerCase() }) });

describe('order keys read from a JSONL line', () => {
  it('agrees with the parsed order on every imported order', () => {
    expect(lines.order!.length).toBeGreaterThan(100);
    for (const line of lines.order!) expect(orderLineKeys(line)).toEqual(parsedKeys(JSON.parse(line) as Order));
  });

  const order = (fields: Partial<Order>): Order => OrderSchema.parse({ id: '#1001', createdAt: '2025-01-02T03:04:05.000Z', lineItems: [], ...fields });

  it('reads escaped and upper-case values, and an order without an e-mail, as parsing does', () => {
    for (const record of [order({ id: '#"10\\01"', customerEmail: 'Ann.O\\"Neil@Example.COM' }), order({ customerEmail: 'é@exemple.fr' }), order({ customerName: '"customerEmail":"x@y.z"' }), order({ customerEmail: '' })]) {
      expect(orderLineKeys(JSON.stringify(record))).toEqual(parsedKeys(record));
    }
  });

  it('reads from a line\'s first bytes what the whole line says, or leaves it to be parsed where a value is cut off there', () => {
    for (const line of lines.order!) expect(orderLineBytesKeys(Buffer.from(line))).toEqual(orderLineKeys(line));
    const long = { customerName: 'Zoë '.repeat(200) };
    const whole = [order({ id: '#1002', customerEmail: 'Zoë@Example.com', ...long }), order({ id: '#1003', ...long }), order({ id: '#1004', ...long, customerEmail: 'late@example.com' })];
    for (const record of whole) expect(orderLineBytesKeys(Buffer.from(JSON.stringify(record)))).toEqual(orderLineKeys(JSON.stringify(record)));
    // An id or an e-mail cut off by the first 256 bytes, in ASCII and in the middle of a letter of two bytes: parsed.
    for (const cut of [order({ id: `#${'9'.repeat(300)}`, customerEmail: 'ann@example.com' }), order({ id: '#1005', customerEmail: `${'a'.repeat(250)}@example.com` }), order({ id: '#1006', customerEmail: `${'é'.repeat(120)}@example.com`, ...long })]) {
      expect(orderLineKeys(JSON.stringify(cut))).toEqual(parsedKeys(cut));
      expect(orderLineBytesKeys(Buffer.from(JSON.stringify(cut)))).toBeUndefined();
    }
  });

  it('finds the orders of the e-mails asked for, as parsing every line does', async () => {
    const parsed = lines.order!.map((line) => JSON.parse(line) as Order);
    const emails = new Set(parsed.filter((_, index) => index % 7 === 0).flatMap((record) => record.customerEmail?.toLowerCase() ?? []));
    const found: Order[] = [];
    for await (const record of ordersWhere(join(dir, 'ws'), (keys) => keys.email !== undefined && emails.has(keys.email))) found.push(record);
    expect(found.length).toBeGreaterThan(10);
    expect(found).toEqual(parsed.filter((record) => record.customerEmail !== undefined && emails.has(record.customerEmail.toLowerCase())));
  });

  it('leaves a line in another key order to be parsed, rather than reading no e-mail where there is one', () => {
    const { id, ...rest } = order({ customerEmail: 'ann@example.com' });
    expect(orderLineKeys(JSON.stringify({ ...rest, id }))).toBeUndefined();
    const { customerEmail, ...others } = order({ customerEmail: 'ann@example.com', customerName: 'Ann' });
    expect(orderLineKeys(JSON.stringify({ ...others, customerEmail }))).toBeUndefined();
  });
});
