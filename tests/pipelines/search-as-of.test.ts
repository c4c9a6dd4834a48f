import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSources } from '../../pipelines/import.ts';
import { searchAsOf } from '../../pipelines/search-as-of.ts';
import { buildIndex } from '../../pipelines/search-index.ts';
import { readManifest } from '../../pipelines/index-manifest.ts';
import { useTempDir } from '../helpers/temp.ts';
import { ADDED, writeTwoExports } from '../helpers/two-exports.ts';

const tempDir = useTempDir();

async function workspaceOfExportB(): Promise<string> {
  const dir = await tempDir();
  const { b } = await writeTwoExports(dir);
  const workspace = join(dir, 'ws');
  await importSources([{ path: b }], { workspace });
  await buildIndex({ workspace });
  return workspace;
}

describe('searchAsOf', () => {
  it('rebuilds the index with a model fitted before the date, once; a later ask for that date takes the fit from the cache (English and French)', async () => {
    const workspace = await workspaceOfExportB();
    const whole = await readManifest(workspace);

    const first = await searchAsOf('charged twice on my card', { workspace, asOf: '2025-01-20', table: 'tickets', mode: 'vector', limit: 10 });
    expect(first.rebuilt).toMatchObject({ cutoff: '2025-01-20T00:00:00.000Z', reason: "the index's built-in model was fitted on the whole import, after 2025-01-20T00:00:00.000Z", summary: { modelFit: { refitted: true } } });
    expect(first.hits.map((hit) => hit.id)).toContain(ADDED);
    // Tickets answered after the date are not found, whatever the model.
    expect(first.hits.map((hit) => hit.id)).not.toContain('ask-en');
    const fitted = await readManifest(workspace);
    expect(fitted.modelCutoff).toBe('2025-01-20T00:00:00.000Z');

    const again = await searchAsOf('carte débitée deux fois', { workspace, asOf: '2025-01-20T00:00:00Z', table: 'tickets' });
    expect(again.rebuilt).toBeUndefined();
    expect(await readManifest(workspace)).toEqual(fitted);

    await buildIndex({ workspace });
    expect((await readManifest(workspace)).modelKey).toBe(whole.modelKey);
    const cached = await searchAsOf('carte débitée deux fois', { workspace, asOf: '2025-01-20', table: 'tickets' });
    expect(cached.rebuilt?.summary.modelFit).toMatchObject({ refitted: false, cutoff: '2025-01-20T00:00:00.000Z' });
    expect((await readManifest(workspace)).modelKey).toBe(fitted.modelKey);
  }, 90_000);

  it('leaves the index alone for full text, and without a date (English and French)', async () => {
    const workspace = await workspaceOfExportB();
    const whole = await readManifest(workspace);
    for (const [query, options] of [
      ['charged twice', { asOf: '2025-01-20', mode: 'fts' }],
      ['débitée deux fois', { mode: 'vector' }],
    ] as const) {
      const { rebuilt, hits } = await searchAsOf(query, { workspace, table: 'tickets', ...options });
      expect(rebuilt).toBeUndefined();
      expect(hits.length).toBeGreaterThan(0);
    }
    expect(await readManifest(workspace)).toEqual(whole);
  }, 60_000);
});
