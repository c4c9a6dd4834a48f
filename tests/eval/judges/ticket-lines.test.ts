import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { TicketSchema, type Ticket } from '../../../datasets/records.ts';
import { ticketFacts, ticketLineFacts, ticketLineId } from '../../../eval/judges/ticket-lines.ts';
import { importSources } from '../../../pipelines/import.ts';
import { recordsFile } from '../../../pipelines/workspace.ts';

/** The line fast path must say exactly what parsing the line says, on every ticket. */
describe('ticket facts read from a JSONL line', () => {
  let dir: string;
  let lines: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-ticket-lines-'));
    await generateDemo({ outDir: join(dir, 'data'), tickets: 1500, seed: 3 });
    await importSources([{ path: join(dir, 'data') }], { workspace: join(dir, 'ws') });
    lines = (await readFile(await recordsFile(join(dir, 'ws'), 'ticket'), 'utf8')).split('\n').filter(Boolean);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('agrees with the parsed ticket on every imported ticket, spam and internal notes included', () => {
    expect(lines.length).toBe(1500);
    const parsed = lines.map((line) => JSON.parse(line) as Ticket);
    expect(parsed.some((ticket) => ticket.spam)).toBe(true);
    expect(parsed.some((ticket) => ticket.messages.some((message) => message.internal))).toBe(true);
    lines.forEach((line, index) => {
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
