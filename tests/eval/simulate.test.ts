import { cp } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../eval/replay.ts';
import { simulate } from '../../eval/simulate.ts';
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
    await simulate({ workspace, runDir, candidates: [lookup] });

    const found = await foundByTicket(runDir);
    expect(Object.keys(found).sort()).toEqual(['ask-en', 'ask-fr', 'parcel-en', 'parcel-fr', 'refund-b', 'return-en', 'return-fr']);
    for (const ticket of ['ask-en', 'ask-fr']) {
      expect(found[ticket]).toContain(ADDED);
      for (const removed of REMOVED) expect(found[ticket]).not.toContain(removed);
    }
    expect((await readManifest(workspace)).importId).toBe(basename(await requireImport(workspace)));
    const searcher = await openSearcher(workspace);
    try {
      for (const query of [`card ${CARD_NUMBER} charged twice`, `carte ${CARD_NUMBER} débitée deux fois`]) {
        const hits = await searcher.search(query, { table: 'tickets', limit: 50 });
        expect(hits.map((hit) => hit.id)).toContain(ADDED);
        for (const removed of REMOVED) expect(hits.map((hit) => hit.id)).not.toContain(removed);
      }
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
    await buildIndex({ workspace });
    const built = await readManifest(workspace);

    const progress: IndexProgress[] = [];
    await simulate({ workspace, runDir: join(dir, 'run'), candidates: [lookup], onIndexProgress: (step) => progress.push(step) });

    expect(progress).toEqual([]);
    expect(await readManifest(workspace)).toEqual(built);
    expect((await foundByTicket(join(dir, 'run')))['ask-fr']).toContain(ADDED);
  }, 60_000);
});
