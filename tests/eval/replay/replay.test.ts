import { appendFile, cp, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Ticket } from '../../../datasets/records.ts';
import { adaptReply } from '../../../eval/responders/past-ticket.ts';
import { createKnowledgeBaseResponder } from '../../../eval/responders/knowledge-base.ts';
import { responderFor } from '../../../eval/responders/index.ts';
import { COMPUTING_CONCURRENCY } from '../../../eval/replay/concurrency.ts';
import { describeRefits, IDENTITY_FILE, keptTicketsById, RESULTS_FILE, RUN_FILE, readResults, replay, replayPeriods, selectTickets, tallyTickets, ticketContext, type TicketResult } from '../../../eval/replay/replay.ts';
import type { Answer, Responder, TicketContext } from '../../../eval/types.ts';
import { isShadowdeskError } from '../../../errors.ts';
import { openSearcher } from '../../../pipelines/search-tables.ts';
import { recordsFile } from '../../../pipelines/workspace.ts';
import { buildReplayWorkspace, order } from '../../helpers/replay-workspace.ts';

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
    const { readRecords } = await import('../../../pipelines/workspace.ts');
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

  /**
   * Candidates that wait on a slow endpoint, counting the answers they are working on at once,
   * together. Each waits until `expected` answers are open (or a second passed), so the count does
   * not hang on how fast the replay reaches the next ticket.
   */
  const waiting = (ids: string[], expected: number, concurrency?: number) => {
    const seen = { now: 0, most: 0 };
    const candidates = ids.map(
      (id): Responder => ({
        id,
        ...(concurrency !== undefined && { concurrency }),
        async respond() {
          seen.most = Math.max(seen.most, ++seen.now);
          for (const started = Date.now(); seen.most < expected && Date.now() - started < 1000; ) await new Promise((resolve) => setTimeout(resolve, 5));
          seen.now--;
          return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 10 };
        },
      }),
    );
    return { candidates, seen };
  };

  it("asks a ticket's candidates at once, and keeps four times an endpoint's concurrency of tickets open", async () => {
    const pair = waiting(['slow-a', 'slow-b'], 2);
    await replay({ workspace, runDir: join(dir, 'at-once'), candidates: pair.candidates, concurrency: 1 });
    // One ticket at a time, yet both candidates were working on it together.
    expect(pair.seen.most).toBe(2);
    const endpoint = waiting(['llm-like'], 20, 5);
    await replay({ workspace, runDir: join(dir, 'llm-like'), candidates: endpoint.candidates });
    expect(endpoint.seen.most).toBe(20);
    // Candidates that only compute: COMPUTING_CONCURRENCY tickets at once, or every ticket of a workspace holding fewer (this one), more than the 20 above.
    const open = Math.min(COMPUTING_CONCURRENCY, (await selectTickets(workspace)).length);
    expect(open).toBeGreaterThan(20);
    const computing = waiting(['computing'], open);
    await replay({ workspace, runDir: join(dir, 'computing'), candidates: computing.candidates });
    expect(computing.seen.most).toBe(open);
    const patient = waiting(['one-request-at-a-time'], 4, 1);
    await replay({ workspace, runDir: join(dir, 'patient'), candidates: patient.candidates });
    expect(patient.seen.most).toBe(4);
  });

  it('starts the tickets of a candidate waiting on an endpoint together, not one by one as replies free their places', async () => {
    // An endpoint answering one request at a time, every 15 ms: each reply frees one place.
    const starts: number[] = [];
    let endpoint = Promise.resolve();
    const serial: Responder = {
      id: 'serial-endpoint',
      concurrency: 1,
      async respond() {
        starts.push(performance.now());
        const reply = endpoint.then(() => new Promise<void>((resolve) => setTimeout(resolve, 15)));
        endpoint = reply;
        await reply;
        return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 15 };
      },
    };
    // 7 tickets open, 1 at the endpoint: two start together.
    const run = await replay({ workspace, runDir: join(dir, 'started-together'), candidates: [serial], concurrency: 7 });
    expect(run.answered).toBe(24);
    // After the first 7, started at once, a ticket started alone would come a reply (15 ms) after the one before.
    const afterFirst = starts.slice(7);
    const together = afterFirst.filter((at, index) => index > 0 && at - afterFirst[index - 1]! < 7).length;
    expect(together).toBeGreaterThanOrEqual(afterFirst.length / 3);
  });

  it('says per candidate whether what the agent relied on was in its context', async () => {
    const runDir = join(dir, 'context-recall');
    await replay({ workspace, runDir, candidates: candidates() });
    const results = await readResults(runDir);
    const of = (candidate: string, ticketId: string) => results.find((result) => result.candidate === candidate && result.ticketId === ticketId)!.context;
    // Ticket 10's agent named the customer's order and repeated the team's earlier answer.
    expect(of('past-ticket', '10')).toEqual([
      { kind: 'order', id: '#ML1010', found: true },
      { kind: 'past-answer', id: expect.any(String), found: true },
    ]);
    // The knowledge-base candidate searches articles only: the earlier answer was never in its context.
    expect(of('knowledge-base', '10')).toEqual([
      { kind: 'order', id: '#ML1010', found: true },
      { kind: 'past-answer', id: expect.any(String), found: false },
    ]);
    // The first ticket had no earlier answer; the future one is never counted.
    expect(of('past-ticket', '0')).toEqual([{ kind: 'order', id: '#ML1000', found: true }]);
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

  it('opens its index beside the selection but tells the selection’s error first, and the index’s when the selection is fine', async () => {
    const empty = join(dir, 'nothing-imported');
    await mkdir(empty, { recursive: true });
    await expect(replay({ workspace: empty, runDir: join(dir, 'run-nothing'), candidates: candidates() })).rejects.toThrow('nothing imported yet');
    const unindexed = join(dir, 'unindexed');
    await cp(workspace, unindexed, { recursive: true });
    await rm(join(unindexed, 'index'), { recursive: true });
    await expect(replay({ workspace: unindexed, runDir: join(dir, 'run-unindexed'), candidates: candidates() })).rejects.toThrow('no search index yet');
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

  it('chooses again from a tickets file rewritten in place, never from what it kept of the old one', async () => {
    const copy = join(dir, 'rewritten');
    await cp(workspace, copy, { recursive: true });
    const before = (await selectTickets(copy)).map((ticket) => ticket.id);
    const file = await recordsFile(copy, 'ticket');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    const last = (JSON.parse(lines.at(-1)!) as { id: string }).id;
    expect(before).toContain(last);
    await writeFile(file, `${lines.slice(0, -1).join('\n')}\n`);
    expect((await selectTickets(copy)).map((ticket) => ticket.id)).toEqual(before.filter((id) => id !== last));
  });

  it('selects the same tickets from a file with CRLF line ends, which it reads again whole', async () => {
    const copy = join(dir, 'crlf');
    await cp(workspace, copy, { recursive: true });
    const file = await recordsFile(copy, 'ticket');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
    for (const selection of [{}, { holdoutDays: 5 }, { sample: 6, seed: 3 }]) expect(await selectTickets(copy, selection)).toEqual(await selectTickets(workspace, selection));
  });

  it('reads tickets by id at the places its tally keeps, in file order, and leaves the file to the caller otherwise', async () => {
    const copy = join(dir, 'by-id');
    await cp(workspace, copy, { recursive: true });
    const file = await recordsFile(copy, 'ticket');
    const parsed = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Ticket);
    const ids = new Set(['7', '3', '12']);
    expect(await keptTicketsById(copy, ids)).toBeUndefined();
    await selectTickets(copy);
    const kept = await keptTicketsById(copy, ids);
    expect([...kept!.values()]).toEqual(parsed.filter((ticket) => ids.has(ticket.id)));
    expect(await keptTicketsById(copy, new Set(['7', 'no such ticket']))).toBeUndefined();
    await appendFile(file, '\n');
    expect(await keptTicketsById(copy, ids)).toBeUndefined();
  });

  it('keeps its tally beside the tickets file for the next process, and counts again a file that changed or a tally it cannot read', async () => {
    const copy = join(dir, 'stored-tally');
    await cp(workspace, copy, { recursive: true });
    const file = await recordsFile(copy, 'ticket');
    const stored = join(dirname(file), 'tickets-tally.json');
    await rm(stored, { force: true });
    const counted = await tallyTickets(copy);
    const written = JSON.parse(await readFile(stored, 'utf8')) as { tickets: number; spam: number };
    expect(written.tickets).toBe(counted.tickets);
    // Another workspace's tally takes this process's place, so the next one is read from the file: a
    // count written there is what comes back.
    const otherProcess = async () => {
      await tallyTickets(workspace);
      return tallyTickets(copy);
    };
    await writeFile(stored, JSON.stringify({ ...written, spam: written.spam + 1000 }));
    expect((await otherProcess()).spam).toBe(counted.spam + 1000);
    expect((await selectTickets(copy, { holdoutDays: 5 })).map((ticket) => ticket.id)).toEqual(['19', '20', '21', '22', '23']);
    await writeFile(stored, '{"format": 1, "version"');
    expect(await otherProcess()).toEqual(counted);
    await writeFile(stored, JSON.stringify({ ...written, spam: written.spam + 1000 }));
    await appendFile(file, '\n');
    expect(await otherProcess()).toEqual(counted);
    expect((JSON.parse(await readFile(stored, 'utf8')) as { spam: number }).spam).toBe(counted.spam);
  });

  /** Rejects with a user error (a ShadowdeskError, not our bug) whose message matches. */
  const refused = async (promise: Promise<unknown>, message: RegExp | string) => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isShadowdeskError(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  };

  describe('a run folder holds one run', () => {
    it('refuses to resume answers of another selection, saying what differs and keeping them', async () => {
      const runDir = join(dir, 'sampled');
      await replay({ workspace, runDir, candidates: candidates(), selection: { sample: 6, seed: 1 } });
      const before = await readFile(join(runDir, RESULTS_FILE));
      await refused(
        replay({ workspace, runDir, candidates: candidates(), selection: { sample: 4, seed: 9 } }),
        `${runDir} holds another run, whose answers cannot be resumed into this one: the tickets (6 tickets, sample of 6, seed 1 then; 4 tickets, sample of 4, seed 9 now) differ. To answer this run, name a new folder with --run`,
      );
      expect(await readFile(join(runDir, RESULTS_FILE))).toEqual(before);
      expect(new Set((await readResults(runDir)).map((result) => result.ticketId)).size).toBe(6);
    });

    it('refuses other candidates, and the same candidate with another config', async () => {
      const runDir = join(dir, 'configured');
      const knowledgeBase = (minConfidence: number): Responder => ({ ...createKnowledgeBaseResponder({ minConfidence }), config: { type: 'knowledge-base', minConfidence } });
      await replay({ workspace, runDir, candidates: [knowledgeBase(0.5)], selection: { holdoutDays: 3 } });
      await refused(replay({ workspace, runDir, candidates: [responderFor('macro')], selection: { holdoutDays: 3 } }), 'the candidates (knowledge-base then; macro now) differ');
      await refused(replay({ workspace, runDir, candidates: [knowledgeBase(0.9)], selection: { holdoutDays: 3 } }), 'candidate "knowledge-base" (minConfidence changed) differ');
      // The same config written in another order is the same run: it resumes.
      const same = await replay({ workspace, runDir, candidates: [{ ...createKnowledgeBaseResponder({ minConfidence: 0.5 }), config: { minConfidence: 0.5, type: 'knowledge-base' } }], selection: { holdoutDays: 3 } });
      expect(same).toMatchObject({ resumed: 3, answered: 0 });
    });

    it('refuses answers that recorded no run identity (an earlier shadowdesk), and takes an empty folder', async () => {
      const runDir = join(dir, 'unidentified');
      await replay({ workspace, runDir, candidates: [responderFor('past-ticket')], selection: { holdoutDays: 2 } });
      await rm(join(runDir, IDENTITY_FILE));
      await refused(replay({ workspace, runDir, candidates: [responderFor('past-ticket')], selection: { holdoutDays: 2 } }), `${runDir} holds answers of a run that did not record what it was`);
      await writeFile(join(runDir, IDENTITY_FILE), '{"key": "edited by hand"}');
      await refused(replay({ workspace, runDir, candidates: [responderFor('past-ticket')], selection: { holdoutDays: 2 } }), `${join(runDir, IDENTITY_FILE)}: damaged, so the answers beside it cannot be matched to a run`);
      const empty = join(dir, 'made-by-hand');
      await mkdir(empty);
      await expect(replay({ workspace, runDir: empty, candidates: [responderFor('past-ticket')], selection: { holdoutDays: 2 } })).resolves.toMatchObject({ answered: 2 });
    });

    it('gives each run a folder of its own when none is named, and points runs/latest at the newest', async () => {
      const latest = join(workspace, 'runs', 'latest');
      const fifty = await replay({ workspace, candidates: [responderFor('past-ticket')], selection: { sample: 6 } });
      const twenty = await replay({ workspace, candidates: [responderFor('past-ticket')], selection: { sample: 4, seed: 9 } });
      expect(twenty.runDir).not.toBe(fifty.runDir);
      expect(join(workspace, 'runs', await readlink(latest))).toBe(twenty.runDir);
      expect(await readResults(latest)).toHaveLength(4);
      expect(JSON.parse(await readFile(join(latest, RUN_FILE), 'utf8'))).toMatchObject({ selection: { sample: 4, seed: 9 } });
      const switched = await replay({ workspace, candidates: [responderFor('macro')], selection: { sample: 4, seed: 9 } });
      expect(new Set((await readResults(latest)).map((result) => result.candidate))).toEqual(new Set(['macro']));
      expect(switched.runDir).not.toBe(twenty.runDir);
      // Asking for the first run again resumes it in its folder.
      const again = await replay({ workspace, candidates: [responderFor('past-ticket')], selection: { sample: 6 } });
      expect(again).toMatchObject({ runDir: fifty.runDir, resumed: 6, answered: 0 });
      expect(join(workspace, 'runs', await readlink(latest))).toBe(fifty.runDir);
      // runs/latest as an earlier shadowdesk left it, a real folder: it holds a run, so it is not replaced.
      await rm(latest);
      await mkdir(latest);
      await writeFile(join(latest, RESULTS_FILE), 'earlier answers\n');
      await refused(replay({ workspace, candidates: [responderFor('past-ticket')], selection: { sample: 3 } }), `${latest} is a run folder of an earlier shadowdesk`);
      expect(await readFile(join(latest, RESULTS_FILE), 'utf8')).toBe('earlier answers\n');
    });
  });

  describe('reading answers never destroys them', () => {
    const answerLine = (ticketId: string, text: string) => JSON.stringify({ candidate: 'past-ticket', ticketId, createdAt: '2025-01-05T09:00:00.000Z', answer: { decision: 'reply', text, confidence: 0.9, sources: [], latencyMs: 1 } });

    it.each([
      ['English', 'Your parcel left our warehouse on Monday.'],
      ['French', 'Votre colis a été expédié lundi : délai de 2 à 3 jours.'],
    ])('names a damaged line in the middle of the file and leaves the file as it was (%s)', async (_, text) => {
      const runDir = await mkdtemp(join(dir, 'damaged-'));
      const file = join(runDir, RESULTS_FILE);
      const damaged = `${answerLine('1', text)}\n${answerLine('2', text)}\n${answerLine('3', text).slice(0, 30)}\n${answerLine('4', text)}\n`;
      await writeFile(file, damaged);
      await refused(readResults(runDir), `${file}:3: not an answer of this run (damaged or edited)`);
      expect(await readFile(file, 'utf8')).toBe(damaged);
    });

    it.each([
      ['English', 'Your parcel left our warehouse on Monday.'],
      ['French', 'Votre colis a été expédié lundi : délai de 2 à 3 jours.'],
    ])('reads a half-written last answer as an interrupted run without cutting it; a resume cuts it at its exact byte (%s)', async (_, text) => {
      const runDir = join(dir, `cut-${text.length}`);
      const selection = { holdoutDays: 2 };
      await replay({ workspace, runDir, candidates: [responderFor('past-ticket')], selection });
      const file = join(runDir, RESULTS_FILE);
      const whole = await readFile(file);
      // A kill in the middle of a character: the last line ends on half of a multi-byte letter.
      const line = Buffer.from(answerLine('22', `${text} é`));
      const cut = line.subarray(0, line.lastIndexOf(Buffer.from('é')) + 1);
      await appendFile(file, cut);
      await refused(readResults(runDir), `${file}:3: the last answer was cut short`);
      expect(await readFile(file)).toEqual(Buffer.concat([whole, cut]));
      expect(await replay({ workspace, runDir, candidates: [responderFor('past-ticket')], selection })).toMatchObject({ resumed: 2, answered: 0 });
      expect(await readFile(file)).toEqual(whole);
    });

    it('says an unreadable results file is unreadable, not missing', async () => {
      const runDir = await mkdtemp(join(dir, 'unreadable-'));
      await mkdir(join(runDir, RESULTS_FILE));
      await refused(readResults(runDir), `${join(runDir, RESULTS_FILE)}: cannot read the run's answers (EISDIR)`);
    });
  });

  describe('failed tickets are asked again on a resume', () => {
    /** A candidate whose endpoint is down until `healthy` is set; it counts what it is asked. */
    const endpoint = (error: string) => {
      const state = { healthy: false, asked: 0 };
      const responder: Responder = {
        id: 'llm',
        respond: async (): Promise<Answer> => {
          state.asked++;
          if (!state.healthy) throw new Error(error);
          return { decision: 'reply', text: 'On its way.', confidence: 0.8, sources: [], latencyMs: 1 };
        },
      };
      return { state, responder };
    };

    it.each([
      ['English', 'HTTP 503 Service Unavailable after 5 attempts'],
      ['French', 'HTTP 503 Service indisponible : réessayez plus tard'],
    ])('asks each failed ticket once per resume and keeps the new answer (%s error)', async (_, error) => {
      const runDir = join(dir, `retried-${error.length}`);
      const { state, responder } = endpoint(error);
      const down = await replay({ workspace, runDir, candidates: [responder] });
      expect(down).toMatchObject({ answered: 24, retried: 0 });
      // A candidate's own exception names no kind of its own: it is the provider of the answer that failed.
      expect((await readResults(runDir)).every((result) => result.answer.decision === 'escalate' && result.answer.failure?.kind === 'provider-error' && result.answer.failure.message === error)).toBe(true);
      // Still down: each failure is asked once more, not in a loop.
      expect(await replay({ workspace, runDir, candidates: [responder] })).toMatchObject({ resumed: 0, retried: 24, answered: 24 });
      expect(state.asked).toBe(48);
      state.healthy = true;
      expect(await replay({ workspace, runDir, candidates: [responder] })).toMatchObject({ resumed: 0, retried: 24, answered: 24 });
      const results = await readResults(runDir);
      expect(results).toHaveLength(24);
      expect(results.filter((result) => result.answer.failure)).toEqual([]);
      expect(await replay({ workspace, runDir, candidates: [responder] })).toMatchObject({ resumed: 24, retried: 0, answered: 0 });
      expect(state.asked).toBe(72);
    });

    it('keeps the failed answers when asked to', async () => {
      const runDir = join(dir, 'kept');
      const { state, responder } = endpoint('HTTP 429 Too Many Requests');
      await replay({ workspace, runDir, candidates: [responder] });
      state.healthy = true;
      expect(await replay({ workspace, runDir, candidates: [responder], keepFailed: true })).toMatchObject({ resumed: 24, retried: 0, answered: 0 });
      expect(state.asked).toBe(24);
      expect((await readResults(runDir)).every((result) => result.answer.failure?.message === 'HTTP 429 Too Many Requests')).toBe(true);
    });

    it('reads the failures an older version wrote as `error` strings with their kind, and asks them again or keeps them as before', async () => {
      const runDir = join(dir, 'older');
      const { state, responder } = endpoint('unused');
      state.healthy = true;
      await replay({ workspace, runDir, candidates: [responder] });
      const older: Record<string, string> = {
        '0': 'timeout: http://127.0.0.1:9/v1/chat/completions: timed out after 5000 ms waiting for the reply, after 5 attempts',
        '1': 'invalid-output: the model did not answer with the expected JSON: Bien sûr ! Votre colis est en route.',
        '2': 'every part failed: part llm failed: rate-limited: http://127.0.0.1:9/v1/chat/completions: HTTP 429, after 2 attempts; part past-ticket failed: index locked',
      };
      const lines = (await readFile(join(runDir, RESULTS_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TicketResult);
      const rewritten = lines.map((result) =>
        older[result.ticketId] ? { ...result, answer: { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 3, error: older[result.ticketId] } } : result,
      );
      await writeFile(join(runDir, RESULTS_FILE), rewritten.map((result) => `${JSON.stringify(result)}\n`).join(''));

      const failures = Object.fromEntries((await readResults(runDir)).flatMap((result) => (result.answer.failure ? [[result.ticketId, result.answer.failure]] : [])));
      expect(failures).toEqual({
        '0': { kind: 'timeout', message: 'http://127.0.0.1:9/v1/chat/completions: timed out after 5000 ms waiting for the reply, after 5 attempts' },
        '1': { kind: 'invalid-output', message: 'the model did not answer with the expected JSON: Bien sûr ! Votre colis est en route.' },
        '2': { kind: 'rate-limited', message: older['2'] },
      });
      expect(await replay({ workspace, runDir, candidates: [responder], keepFailed: true })).toMatchObject({ resumed: 24, retried: 0, answered: 0 });
      expect(await replay({ workspace, runDir, candidates: [responder] })).toMatchObject({ resumed: 21, retried: 3, answered: 3 });
      expect((await readResults(runDir)).filter((result) => result.answer.failure)).toEqual([]);
    });

    it('tells a candidate that timed out from one that was cancelled, and never sends a reply that failed', async () => {
      const named = (name: string) => Object.assign(new Error(`the operation was stopped (${name})`), { name });
      const broken: Record<string, () => Answer> = {
        '0': () => {
          throw named('TimeoutError');
        },
        '1': () => {
          throw named('AbortError');
        },
        // A JavaScript candidate is not held to the types: a failure beside a reply is escalated all the same.
        '2': () => ({ decision: 'reply', text: 'On its way.', confidence: 0.9, sources: [], latencyMs: 1, failure: { kind: 'invalid-output', message: 'half a reply' } }) as unknown as Answer,
      };
      const responder: Responder = {
        id: 'llm',
        respond: async (context) => broken[context.ticket.id]?.() ?? { decision: 'reply', text: 'On its way.', confidence: 0.8, sources: [], latencyMs: 1 },
      };
      const runDir = join(dir, 'broken');
      await replay({ workspace, runDir, candidates: [responder] });
      const answers = new Map((await readResults(runDir)).map((result) => [result.ticketId, result.answer]));
      expect(answers.get('0')).toMatchObject({ decision: 'escalate', failure: { kind: 'timeout', message: 'the operation was stopped (TimeoutError)' } });
      expect(answers.get('1')).toMatchObject({ decision: 'escalate', failure: { kind: 'cancelled' } });
      expect(answers.get('2')).toMatchObject({ decision: 'escalate', failure: { kind: 'invalid-output', message: 'half a reply' } });
      expect(answers.get('3')).toMatchObject({ decision: 'reply' });
      expect(answers.get('3')!.failure).toBeUndefined();
    });
  });
});

describe('replayPeriods', () => {
  const ticketOn = (id: string, createdAt: string) => ({ id, createdAt });

  it('cuts the window every N days from its start, leaving out periods without a ticket of this run', () => {
    const tickets = [ticketOn('en-1', '2025-01-06T09:00:00.000Z'), ticketOn('fr-1', '2025-01-12T23:59:59.000Z'), ticketOn('en-2', '2025-01-20T09:00:00.000Z'), ticketOn('fr-2', '2025-01-21T08:00:00.000Z')];
    const periods = replayPeriods(tickets, '2025-01-06T09:00:00.000Z', 7);
    expect(periods.map((period) => [period.start, period.tickets.map((ticket) => ticket.id)])).toEqual([
      ['2025-01-06T09:00:00.000Z', ['en-1', 'fr-1']],
      ['2025-01-20T09:00:00.000Z', ['en-2', 'fr-2']],
    ]);
  });

  it('gives a sample of the window the periods of the whole window, not periods from its own first ticket', () => {
    const sample = [ticketOn('fr-1', '2025-01-10T09:00:00.000Z'), ticketOn('en-1', '2025-01-14T09:00:00.000Z')];
    expect(replayPeriods(sample, '2025-01-06T09:00:00.000Z', 7).map((period) => period.start)).toEqual(['2025-01-06T09:00:00.000Z', '2025-01-13T09:00:00.000Z']);
  });
});

describe('describeRefits', () => {
  it('says each period\'s model and that judging uses the window start\'s model for all of them; nothing for a run with one model', () => {
    const first = { model: 'builtin', fitHash: 'a'.repeat(64), cutoff: '2025-01-06T09:00:00.000Z' };
    const lines = describeRefits({ periods: [{ start: '2025-01-06T09:00:00.000Z', tickets: 2, model: first }, { start: '2025-01-20T09:00:00.000Z', tickets: 3, model: { model: 'builtin', fitHash: 'b'.repeat(64), cutoff: '2025-01-20T09:00:00.000Z' } }], judgeModel: first });
    expect(lines).toEqual([
      'Period from 2025-01-06T09:00:00.000Z: 2 tickets answered with the built-in model aaaaaaaaaaaa, fitted before 2025-01-06T09:00:00.000Z.',
      'Period from 2025-01-20T09:00:00.000Z: 3 tickets answered with the built-in model bbbbbbbbbbbb, fitted before 2025-01-20T09:00:00.000Z.',
      "Judged with the built-in model aaaaaaaaaaaa, fitted before 2025-01-06T09:00:00.000Z (the window's start) for every period: the semantic judge and the knowledge gaps embed all answers with one model, not each period's.",
    ]);
    expect(describeRefits({})).toEqual([]);
  });
});
