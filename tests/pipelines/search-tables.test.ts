import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { replay } from '../../eval/replay/replay.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex } from '../../pipelines/search-index.ts';
import { collectGarbage, openSearcher } from '../../pipelines/search-tables.ts';
import { INDEX_FORMAT, indexCommand, indexDir, readCurrentManifest, readManifest, staleIndexReason, type IndexManifest } from '../../pipelines/index-manifest.ts';
import { useTempDir } from '../helpers/temp.ts';
import { writeTwoExports } from '../helpers/two-exports.ts';

const tempDir = useTempDir();

const manifest = (changes: Partial<IndexManifest> = {}): IndexManifest => ({
  format: INDEX_FORMAT,
  model: 'builtin',
  modelPath: 'models/builtin-0123',
  modelKey: 'builtin:0123',
  dimensions: 8,
  builtAt: '2025-01-01T00:00:00.000Z',
  tables: 'tables-1',
  importId: 'import-b',
  knowledgePassages: 0,
  tickets: 0,
  texts: 0,
  ...changes,
});

describe('whether an index is that of the current import', () => {
  it('is when built from the current import and its tables are there', async () => {
    const workspace = await tempDir();
    await mkdir(join(indexDir(workspace), 'tables-1'), { recursive: true });
    expect(staleIndexReason(workspace, manifest(), 'import-b')).toBeUndefined();
    // Tables in object storage are not looked for.
    expect(staleIndexReason(workspace, manifest({ tables: 'tables-gone', tablesUri: 's3://bucket/ws' }), 'import-b')).toBeUndefined();
  });

  it('is not when built from an earlier import, by an older shadowdesk, or when its tables are gone', async () => {
    const workspace = await tempDir();
    await mkdir(join(indexDir(workspace), 'tables-1'), { recursive: true });
    expect(staleIndexReason(workspace, manifest({ importId: 'import-a' }), 'import-b')).toBe('it was built from an earlier import (import-a), not from the current one (import-b)');
    expect(staleIndexReason(workspace, manifest({ format: INDEX_FORMAT - 1 }), 'import-b')).toBe('it was built by an older shadowdesk');
    expect(staleIndexReason(workspace, manifest({ tables: 'tables-gone' }), 'import-b')).toBe(`its tables are missing (${join(indexDir(workspace), 'tables-gone')})`);
  });

  it('names the command that rebuilds it as it was built, quoted for a shell when needed', () => {
    expect(indexCommand('.shadowdesk')).toBe('shadowdesk index --workspace .shadowdesk');
    expect(indexCommand('ws', 'builtin')).toBe('shadowdesk index --workspace ws');
    expect(indexCommand("l'équipe support", './models/multilingual-e5-small')).toBe("shadowdesk index --workspace 'l'\\''équipe support' --model ./models/multilingual-e5-small");
  });

  it('refuses a replay or a search on the index of an earlier import, and says which command to run', async () => {
    const dir = await tempDir();
    const { a, b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await expect(readManifest(workspace)).rejects.toThrow(`${workspace}: no search index yet; run \`shadowdesk index --workspace ${workspace}\` first`);
    await importSources([{ path: a }], { workspace });
    await buildIndex({ workspace });
    const built = await readCurrentManifest(workspace);
    await importSources([{ path: b }], { workspace });

    const stale = `${workspace}: the search index is out of date: it was built from an earlier import (${built.importId}), not from the current one`;
    await expect(readCurrentManifest(workspace)).rejects.toMatchObject({ name: 'ShadowdeskError', code: 'SD_WORKSPACE', message: expect.stringContaining(stale) });
    await expect(openSearcher(workspace)).rejects.toThrow(`run \`shadowdesk index --workspace ${workspace}\` before searching or replaying`);
    await expect(replay({ workspace, runDir: join(dir, 'run'), candidates: [] })).rejects.toThrow(stale);
    // The manifest still says where the earlier build is: only searching it is refused.
    expect(await readManifest(workspace)).toEqual(built);
  }, 30_000);
});

describe('the garbage left by the written batches', () => {
  it('is freed before the index builds, without leaving V8\'s gc to the code that runs after', async () => {
    const batch = new WeakRef(new Float32Array(16 * 2 ** 20));
    // A WeakRef keeps its target alive until the end of the job that made or read it.
    await sleep(0);
    expect(batch.deref()).toBeDefined();
    await sleep(0);

    await collectGarbage();

    expect(batch.deref()).toBeUndefined();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
