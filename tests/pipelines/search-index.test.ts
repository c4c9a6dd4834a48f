import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../datasets/records.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex, modelLeakReason, refreshIndex, ticketRow } from '../../pipelines/search-index.ts';
import { PERSONAL_SEPARATOR } from '../../pipelines/search-tables.ts';
import { indexDir, readManifest } from '../../pipelines/index-manifest.ts';
import { useTempDir } from '../helpers/temp.ts';
import { writeTwoExports } from '../helpers/two-exports.ts';

/** The real embedder; while a workspace is watched, each release is noted with the builds in its index folder that held indexes then. */
const releases = vi.hoisted(() => ({ seen: [] as Array<{ indexedTables: string[] }>, workspace: undefined as string | undefined }));
vi.mock('../../pipelines/embed/embedder.ts', async (original) => {
  const actual = await original<typeof import('../../pipelines/embed/embedder.ts')>();
  const { readdir: list } = await import('node:fs/promises');
  const { join: path } = await import('node:path');
  const indexedTables = async (workspace: string): Promise<string[]> => {
    const index = path(workspace, 'index');
    const builds = (await list(index)).filter((entry) => entry.startsWith('tables-'));
    const indexed = await Promise.all(builds.map(async (build) => ((await list(path(index, build, 'tickets.lance')).catch((): string[] => [])).includes('_indices') ? [build] : [])));
    return indexed.flat();
  };
  return {
    ...actual,
    loadEmbedder: async (...args: Parameters<typeof actual.loadEmbedder>) => {
      const embedder = await actual.loadEmbedder(...args);
      return {
        ...embedder,
        dispose: async () => {
          if (releases.workspace) releases.seen.push({ indexedTables: await indexedTables(releases.workspace) });
          await embedder.dispose();
        },
      };
    },
  };
});

const thread = (reply: { text: string; personal?: string[] }, question: string): Ticket => ({
  id: 't1',
  source: 'ibm-twitter',
  createdAt: '2017-10-31T10:00:00.000Z',
  subject: '',
  channel: 'twitter',
  status: 'closed',
  tags: [],
  customer: { id: '@old_fan' },
  messages: [
    { id: 'm1', role: 'customer', sentAt: '2017-10-31T10:00:00.000Z', text: question },
    { id: 'm2', role: 'agent', sentAt: '2017-10-31T10:05:00.000Z', ...reply },
  ],
}) as Ticket;

describe('a past ticket in the search index', () => {
  it('keeps the reply as sent with the parts its reader marked as the thread’s own, for the candidates to leave out (EN and FR)', () => {
    const en = ticketRow(thread({ text: '@old_fan DM us: https://t.co/Dm4', personal: ['@old_fan', 'https://t.co/Dm4'] }, '@Brand my parcel is late'));
    expect(en).toMatchObject({ answer: '@old_fan DM us: https://t.co/Dm4', personal: ['@old_fan', 'https://t.co/Dm4'].join(PERSONAL_SEPARATOR) });
    const fr = ticketRow(thread({ text: '@ancien Écrivez-nous : https://t.co/Fr1', personal: ['@ancien', 'https://t.co/Fr1'] }, '@Marque colis en retard'));
    expect(fr?.personal.split(PERSONAL_SEPARATOR)).toEqual(['@ancien', 'https://t.co/Fr1']);
    expect(ticketRow(thread({ text: 'Votre colis part demain.' }, 'Où est mon colis ?'))?.personal).toBe('');
  });
});

describe('whether an index may serve a date', () => {
  it('refuses a built-in model fitted on the whole import or after the date, and names when it was fitted', () => {
    expect(modelLeakReason({ model: 'builtin' }, '2025-03-01')).toBe("the index's built-in model was fitted on the whole import, after 2025-03-01");
    expect(modelLeakReason({ model: 'builtin', modelCutoff: '2025-03-02T00:00:00.000Z' }, '2025-03-01')).toBe(
      "the index's built-in model was fitted on what existed before 2025-03-02T00:00:00.000Z, after 2025-03-01",
    );
    expect(modelLeakReason({ model: 'builtin', modelCutoff: '2025-03-01T00:00:00.000Z' }, '2025-03-01')).toBeUndefined();
    expect(modelLeakReason({ model: 'builtin', modelCutoff: '2025-01-01T00:00:00.000Z' }, '2025-03-01T12:00:00Z')).toBeUndefined();
  });

  it('lets a downloaded model serve any date: it learned nothing from the workspace', () => {
    expect(modelLeakReason({ model: './models/multilingual-e5-small' }, '2025-03-01')).toBeUndefined();
  });
});

const tempDir = useTempDir();

describe('the memory of an index build', () => {
  it('releases the embedding model once, when the last vector is embedded and before LanceDB builds the tables\' indexes', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    releases.seen = [];
    releases.workspace = workspace;
    // Files share a worker (isolate: false): a file run earlier may have loaded the index build
    // with the real embedder, so it is loaded afresh here, with the one mocked above.
    vi.resetModules();
    const { buildIndex: build } = await import('../../pipelines/search-index.ts');

    const summary = await build({ workspace }).finally(() => (releases.workspace = undefined));

    expect(summary.embedded).toBeGreaterThan(0);
    expect(releases.seen).toEqual([{ indexedTables: [] }]);
    // The build did index the table it wrote meanwhile: the folder was looked at, not missing.
    const manifest = await readManifest(workspace);
    expect(await readdir(join(indexDir(workspace), manifest.tables, 'tickets.lance'))).toContain('_indices');
  }, 90_000);
});

describe('refreshing the index for a replay window', () => {
  it('rebuilds an index of the whole import once when shards ask together, leaving one build recording the cut-off', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace });
    const cutoff = '2025-01-20T09:00:00.000Z';

    const summaries = await Promise.all([1, 2, 3].map(() => refreshIndex({ workspace, cutoff })));

    expect(summaries.filter((summary) => !summary.upToDate)).toHaveLength(1);
    const manifest = await readManifest(workspace);
    expect(manifest.modelCutoff).toBe(cutoff);
    expect((await readdir(indexDir(workspace))).filter((entry) => entry.startsWith('tables-') || entry === 'build.lock')).toEqual([manifest.tables]);
  }, 90_000);
});
