import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../datasets/records.ts';
import { adaptReply } from '../../eval/responders/past-ticket.ts';
import { responderFor } from '../../eval/responders/index.ts';
import { RESULTS_FILE, readResults, replay, selectTickets, ticketContext, type TicketResult } from '../../eval/replay.ts';
import type { TicketContext } from '../../eval/types.ts';
import { openSearcher } from '../../pipelines/search-tables.ts';
import { buildReplayWorkspace, order } from '../helpers/replay-workspace.ts';

describe('replay', () => {
  let dir: string;
  let workspace: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-replay-'));
    workspace = await buildReplayWorkspace(dir);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const candidates = () => ['past-ticket', 'knowledge-base', 'composite'].map(responderFor);
  const stable = (results: TicketResult[]) => results.map(({ answer: { latencyMs: _, ...answer }, ...rest }) => ({ ...rest, answer }));

  it('gives a ticket only its own earlier orders and a retriever blind to itself and the future', async () => {
    const searcher = await openSearcher(workspace);
    const [target] = (await selectTickets(workspace)).filter((candidate) => candidate.id === '5');
    const { readRecords } = await import('../../pipelines/workspace.ts');
    const orders = new Map<string, Order[]>();
    for await (const record of readRecords(workspace, 'order')) orders.set(record.customerEmail!, [...(orders.get(record.customerEmail!) ?? []), record]);
    const context = ticketContext(target!, searcher, orders);
    expect(context.orders.map((record) => record.id)).toEqual(['#ML1005']);
    const hits = await context.retrieve('where is my parcel #ML1005', { table: 'tickets', limit: 50 });
    await searcher.close();
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.map((hit) => hit.id)).not.toContain('5');
    expect(hits.every((hit) => Number(hit.id) < 5)).toBe(true);
  });

  it('adapts a past reply to the customer, or says what is missing', () => {
    const context = { ticket: { question: '', customer: { name: 'Zoé Petit' }, language: 'fr' }, orders: [order('#ML42', 'z@example.com', 3)] } as unknown as TicketContext;
    const adapted = adaptReply('Hello Julie,\n\nYour order #ML1001 has shipped: tracking 6A00000002FR, https://track.example/6A00000002FR', context);
    expect(adapted).toEqual({ text: 'Hello Zoé,\n\nYour order #ML42 has shipped: tracking 6A00000003FR, https://track.example/6A00000003FR', usedOrder: true });
    const withoutOrder = { ...context, orders: [] } as TicketContext;
    expect(adaptReply('Your order #ML1001 has shipped.', withoutOrder)).toEqual({ missing: 'the reply quotes an order number and the customer had no order yet' });
    expect(adaptReply('Hi Tom, our shipping costs 4.90.', withoutOrder)).toEqual({ text: 'Hi Zoé, our shipping costs 4.90.', usedOrder: false });
  });

  it('answers every selected ticket with every candidate, the same way twice', async () => {
    const first = join(dir, 'run-1');
    const second = join(dir, 'run-2');
    const summary = await replay({ workspace, runDir: first, candidates: candidates() });
    expect(summary).toMatchObject({ tickets: 24, resumed: 0, answered: 72 });
    await replay({ workspace, runDir: second, candidates: candidates(), concurrency: 1 });
    const results = await readResults(first);
    expect(stable(await readResults(second))).toEqual(stable(results));
    const pastTicket = results.filter((result) => result.candidate === 'past-ticket');
    // The first ticket has no past to learn from; later ones reuse an earlier reply with their own order.
    expect(pastTicket[0]!.answer).toMatchObject({ decision: 'escalate', reason: 'no ticket had been answered before this one' });
    const tenth = pastTicket.find((result) => result.ticketId === '10')!;
    expect(tenth.answer, JSON.stringify(tenth.answer)).toMatchObject({ decision: 'reply' });
    expect(tenth.answer.text).toContain('#ML1010');
    expect(tenth.answer.text).toContain('6A00000011FR');
    expect(tenth.answer.text).not.toMatch(/#ML10(?!10)\d\d/);
  });

  it('resumes a killed run and ends with the same results', async () => {
    const complete = join(dir, 'complete');
    await replay({ workspace, runDir: complete, candidates: candidates() });
    const killed = join(dir, 'killed');
    await replay({ workspace, runDir: killed, candidates: candidates() });
    // Keep 20 whole lines and half of the next, as a kill -9 mid-write would.
    const lines = (await readFile(join(killed, RESULTS_FILE), 'utf8')).split('\n');
    await writeFile(join(killed, RESULTS_FILE), `${lines.slice(0, 20).join('\n')}\n${lines[20]!.slice(0, 40)}`);
    const resumed = await replay({ workspace, runDir: killed, candidates: candidates() });
    expect(resumed).toMatchObject({ resumed: 20, answered: 52 });
    expect(stable(await readResults(killed))).toEqual(stable(await readResults(complete)));
  });

  it('selects a holdout, a seeded sample and disjoint shards', async () => {
    const all = await selectTickets(workspace);
    const holdout = await selectTickets(workspace, { holdoutDays: 5 });
    expect(holdout.map((record) => record.id)).toEqual(['19', '20', '21', '22', '23']);
    const sample = await selectTickets(workspace, { sample: 6, seed: 3 });
    expect(sample).toHaveLength(6);
    expect((await selectTickets(workspace, { sample: 6, seed: 3 })).map((record) => record.id)).toEqual(sample.map((record) => record.id));
    expect((await selectTickets(workspace, { sample: 6, seed: 4 })).map((record) => record.id)).not.toEqual(sample.map((record) => record.id));
    const shards = await Promise.all([0, 1, 2].map((index) => selectTickets(workspace, { shard: { index, count: 3 } })));
    expect(shards.flat().map((record) => record.id).sort()).toEqual(all.map((record) => record.id).sort());
    expect(shards.every((shard) => shard.length > 0)).toBe(true);
  });
});
