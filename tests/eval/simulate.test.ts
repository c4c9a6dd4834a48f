import { cp, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../eval/replay.ts';
import { replayWindowStart, simulate } from '../../eval/simulate.ts';
import type { Responder } from '../../eval/types.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex, type IndexProgress } from '../../pipelines/search-index.ts';
import { openSearcher, readManifest } from '../../pipelines/search-tables.ts';
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
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace, cutoff: await replayWindowStart(workspace, { holdoutDays: 2 }) });
    const built = await readManifest(workspace);

    const progress: IndexProgress[] = [];
    await simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup], selection: { holdoutDays: 2 }, onIndexProgress: (step) => progress.push(step) });

    expect(progress).toEqual([]);
    expect(await readManifest(workspace)).toEqual(built);
    expect((await foundByTicket(join(dir, 'run')))['ask-fr']).toContain(ADDED);
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
