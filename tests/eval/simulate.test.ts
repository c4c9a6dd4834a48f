import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { readResults } from '../../eval/replay/replay.ts';
import { replayWindowStart, simulate } from '../../eval/simulate.ts';
import type { Responder } from '../../eval/types.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex, type IndexProgress } from '../../pipelines/search-index.ts';
import { openSearcher } from '../../pipelines/search-tables.ts';
import { readManifest } from '../../pipelines/index-manifest.ts';
import { requireImport } from '../../pipelines/workspace.ts';
import { useTempDir } from '../helpers/temp.ts';
import { ADDED, CARD_NUMBER, REMOVED, writeTwoExports } from '../helpers/two-exports.ts';

const tempDir = useTempDir();

/** A candidate that answers nothing and names, as its sources, every past ticket the replay let it find. */
const lookup: Responder = {
  id: 'lookup',
  async respond(context) {
    const hits = await context.retrieve(context.ticket.question, { table: 'tickets', limit: 50 });
    return { decision: 'escalate', text: '', confidence: 0, sources: hits.map((hit) => ({ type: 'ticket', id: hit.id })), latencyMs: 0 };
  },
};

/** The second export imported into `dir/ws` and indexed for a replay of its last two days. */
async function indexedForTwoDays(dir: string): Promise<string> {
  const { b } = await writeTwoExports(dir);
  const workspace = join(dir, 'ws');
  await importSources([{ path: b }], { workspace });
  await buildIndex({ workspace, cutoff: await replayWindowStart(workspace, { holdoutDays: 2 }) });
  return workspace;
}

/** The past tickets each replayed ticket found, by ticket. */
async function foundByTicket(runDir: string): Promise<Record<string, string[]>> {
  const results = await readResults(runDir);
  return Object.fromEntries(results.map((result) => [result.ticketId, result.answer.sources.map((source) => source.id).sort()]));
}

describe('simulate after a new import', () => {
  it('replays against an index of the new import: tickets the new export dropped are found no more, in English or French', async () => {
    const dir = await tempDir();
    const { a, b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: a }], { workspace });
    await buildIndex({ workspace });
    await importSources([{ path: b }], { workspace });

    const runDir = join(dir, 'run');
    await simulate({ workspace, runDir, candidates: [lookup], selection: { holdoutDays: 2 } });

    const found = await foundByTicket(runDir);
    expect(Object.keys(found).sort()).toEqual(['ask-en', 'ask-fr']);
    for (const ticket of ['ask-en', 'ask-fr']) {
      expect(found[ticket]).toContain(ADDED);
      for (const removed of REMOVED) expect(found[ticket]).not.toContain(removed);
    }
    expect((await readManifest(workspace)).importId).toBe(basename(await requireImport(workspace)));
    const searcher = await openSearcher(workspace);
    try {
      for (const query of [`card ${CARD_NUMBER} charged twice`, `carte ${CARD_NUMBER} débitée deux fois`]) {
        const hits = await searcher.search(query, { table: 'tickets', limit: 50 });
        for (const removed of REMOVED) expect(hits.map((hit) => hit.id)).not.toContain(removed);
      }
      // In French only the dropped card-fr and the replayed ask-fr said "carte": the model fitted before the replay has no vector for it.
      expect((await searcher.search(`card ${CARD_NUMBER} charged twice`, { table: 'tickets', limit: 50 })).map((hit) => hit.id)).toContain(ADDED);
    } finally {
      await searcher.close();
    }
  }, 60_000);

  it('rebuilds a stale index with the model it was built with, not the built-in one', async () => {
    const dir = await tempDir();
    const { a, b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: a }], { workspace });
    await buildIndex({ workspace });
    const model = join(dir, 'my-model');
    await cp((await readManifest(workspace)).modelPath, model, { recursive: true });
    await buildIndex({ workspace, model });
    await importSources([{ path: b }], { workspace });

    await simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup] });

    const manifest = await readManifest(workspace);
    expect(manifest).toMatchObject({ model, modelPath: model, importId: basename(await requireImport(workspace)) });
  }, 60_000);

  it('leaves an index of the current import as it is: nothing fitted, embedded or written', async () => {
    const dir = await tempDir();
    const workspace = await indexedForTwoDays(dir);
    const built = await readManifest(workspace);

    const progress: IndexProgress[] = [];
    await simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup], selection: { holdoutDays: 2 }, onIndexProgress: (step) => progress.push(step) });

    expect(progress).toEqual([]);
    expect(await readManifest(workspace)).toEqual(built);
    expect((await foundByTicket(join(dir, 'run')))['ask-fr']).toContain(ADDED);
  }, 60_000);

  it("loads the index's model once for the replay's searches and the judging", async () => {
    const dir = await tempDir();
    const workspace = await indexedForTwoDays(dir);
    const sessions = vi.spyOn(ort.InferenceSession, 'create');
    try {
      const { report } = await simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup], selection: { holdoutDays: 2 } });
      expect(report.tickets.length).toBeGreaterThan(0);
      expect(sessions).toHaveBeenCalledTimes(1);
    } finally {
      sessions.mockRestore();
    }
  }, 60_000);

  it('says so when the index’s model cannot be loaded, which it loads while the replay reads the index', async () => {
    const dir = await tempDir();
    const workspace = await indexedForTwoDays(dir);
    await writeFile(join((await readManifest(workspace)).modelPath, 'onnx', 'model.onnx'), 'not a model');
    await expect(simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup], selection: { holdoutDays: 2 } })).rejects.toThrow(/cannot load embedding model/);
  }, 60_000);
});

async function vocabulary(modelDir: string): Promise<string[]> {
  const tokenizer = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  return Object.keys(tokenizer.model.vocab);
}

describe('simulate with the built-in model', () => {
  /** Words only the replayed tickets (ask-en, ask-fr, days 20 and 21) use, each often enough for a token. */
  const REPLAYED_WORDS = ['duplicate', 'debit'];

  it('refits a model of the whole import on what was written before the replay starts, recorded in the manifest (English and French)', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace });
    const leaky = await readManifest(workspace);
    expect(leaky.modelCutoff).toBeUndefined();
    for (const word of REPLAYED_WORDS) expect(await vocabulary(leaky.modelPath)).toContain(word);

    await simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup], selection: { holdoutDays: 2 } });

    const start = await replayWindowStart(workspace, { holdoutDays: 2 });
    const manifest = await readManifest(workspace);
    expect(start).toBe('2025-01-20T09:00:00.000Z');
    // A sample or a shard of the window is answered with the window's model.
    expect(await replayWindowStart(workspace, { holdoutDays: 2, sample: 1, seed: 7, shard: { index: 1, count: 2 } })).toBe(start);
    expect(await replayWindowStart(workspace, {})).toBe('2025-01-03T09:00:00.000Z');
    expect(manifest.modelCutoff).toBe(start);
    expect(manifest.modelKey).not.toBe(leaky.modelKey);
    for (const word of REPLAYED_WORDS) expect(await vocabulary(manifest.modelPath)).not.toContain(word);
  }, 60_000);

  it('refits for an earlier window and keeps that index for a later one', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    const run = (name: string, holdoutDays: number) => simulate({ workspace, runDir: join(dir, name), candidates: [lookup], selection: { holdoutDays } });

    await run('late', 2);
    const late = await readManifest(workspace);
    expect(late.modelCutoff).toBe('2025-01-20T09:00:00.000Z');
    await run('early', 16);
    const early = await readManifest(workspace);
    expect(early.modelCutoff).toBe('2025-01-06T09:00:00.000Z');
    expect(early.modelKey).not.toBe(late.modelKey);

    // Fitted before the earlier window, the model is in time for the later one: its tables are kept, so the run can be resumed.
    const progress: IndexProgress[] = [];
    await simulate({ workspace, runDir: join(dir, 'late-again'), candidates: [lookup], selection: { holdoutDays: 2 }, onIndexProgress: (step) => progress.push(step) });
    expect(progress).toEqual([]);
    expect(await readManifest(workspace)).toEqual(early);
  }, 90_000);

  it('refuses a replay of the whole history when nothing was written before its first ticket', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await expect(simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup] })).rejects.toThrow(
      /nothing was written before 2025-01-03T09:00:00.000Z to fit the built-in model on; replay a later window \(--holdout-days\)/,
    );
  }, 60_000);
});

describe('simulate refitted per period', () => {
  const WINDOW_START = '2025-01-06T09:00:00.000Z';
  /** Tickets of days 6 and 7 (return-en, return-fr) and of days 20 and 21 (ask-en, ask-fr): 7-day periods from the 6th leave the 13th empty. */
  const PERIOD_STARTS = [WINDOW_START, '2025-01-20T09:00:00.000Z'];

  /** A candidate that notes, for each ticket, the cut-off of the model the index had while it answered. */
  function modelSpy(workspace: string, seen: Map<string, string | undefined>): Responder {
    return {
      id: 'model-spy',
      async respond(context) {
        seen.set(context.ticket.id, (await readManifest(workspace)).modelCutoff);
        const hits = await context.retrieve(context.ticket.question, { table: 'tickets', limit: 5 });
        return { decision: 'escalate', text: '', confidence: 0, sources: hits.map((hit) => ({ type: 'ticket', id: hit.id })), latencyMs: 0 };
      },
    };
  }

  async function workspaceOfExportB(dir: string): Promise<string> {
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace });
    return workspace;
  }

  it('answers each period with a model fitted before its start, records both cut-offs, judges with the window start\'s model and resumes with the same models (English and French)', async () => {
    const dir = await tempDir();
    const workspace = await workspaceOfExportB(dir);
    const runDir = join(dir, 'run');
    const seen = new Map<string, string | undefined>();
    const { replay: summary } = await simulate({ workspace, runDir, candidates: [modelSpy(workspace, seen)], selection: { holdoutDays: 16 }, refitEvery: 7 });

    expect(summary.periods?.map((period) => [period.start, period.tickets, period.model.cutoff])).toEqual(PERIOD_STARTS.map((start) => [start, 2, start]));
    const [first, second] = summary.periods!;
    expect(first!.model.fitHash).not.toBe(second!.model.fitHash);
    const results = await readResults(runDir);
    expect(results.map((result) => result.ticketId).sort()).toEqual(['ask-en', 'ask-fr', 'return-en', 'return-fr']);
    for (const result of results) {
      const periodStart = PERIOD_STARTS.filter((start) => start <= result.createdAt).at(-1)!;
      expect(seen.get(result.ticketId), result.ticketId).toBe(periodStart);
    }
    const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { refitEvery: number; periods: unknown; judgeModel: { cutoff: string; fitHash: string } };
    expect(run).toMatchObject({ refitEvery: 7, periods: summary.periods, judgeModel: { cutoff: WINDOW_START, fitHash: first!.model.fitHash } });
    // Left for judging: the model of the window's start, which saw no replayed ticket.
    expect((await readManifest(workspace)).modelCutoff).toBe(WINDOW_START);

    // Killed in the second period: one French answer of it is lost, and run.json was never written.
    const lines = (await readFile(join(runDir, 'results.jsonl'), 'utf8')).split('\n').filter((line) => line !== '' && !line.includes('"ask-fr"'));
    await writeFile(join(runDir, 'results.jsonl'), `${lines.join('\n')}\n`);
    await rm(join(runDir, 'run.json'));
    seen.clear();
    const { replay: resumed } = await simulate({ workspace, runDir, candidates: [modelSpy(workspace, seen)], selection: { holdoutDays: 16 }, refitEvery: 7 });
    expect(resumed).toMatchObject({ resumed: 3, answered: 1, periods: summary.periods });
    expect([...seen]).toEqual([['ask-fr', PERIOD_STARTS[1]]]);
  }, 120_000);

  it('refuses to resume a folder refitted at another pace, and a shard of a window refitted per period', async () => {
    const dir = await tempDir();
    const workspace = await workspaceOfExportB(dir);
    const runDir = join(dir, 'run');
    await simulate({ workspace, runDir, candidates: [lookup], selection: { holdoutDays: 16 }, refitEvery: 7 });
    await expect(simulate({ workspace, runDir, candidates: [lookup], selection: { holdoutDays: 16 }, refitEvery: 14 })).rejects.toThrow(
      `${runDir} holds another run, whose answers cannot be resumed into this one: the model's refits (a refit every 7 days then, a refit every 14 days now) differ`,
    );
    await expect(simulate({ workspace, runDir, candidates: [lookup], selection: { holdoutDays: 16 } })).rejects.toThrow("the model's refits (a refit every 7 days then, one model for the window now) differ");
    const built = await readManifest(workspace);
    await expect(simulate({ workspace, runDir: join(dir, 'shard'), candidates: [lookup], selection: { holdoutDays: 16, shard: { index: 0, count: 2 } }, refitEvery: 7 })).rejects.toThrow(
      "refitEvery 7 with shard 1/2: each period rebuilds the workspace's one index",
    );
    expect(await readManifest(workspace)).toEqual(built);
  }, 120_000);
});
