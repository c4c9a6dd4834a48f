import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KnowledgeDoc } from '../../../datasets/records.ts';
import { fitBuiltinModel } from '../../../pipelines/embed/builtin-model.ts';
import { loadEmbedder, modelCacheDir } from '../../../pipelines/embed/embedder.ts';
import { writeModelFolder } from '../../../pipelines/embed/model-folder.ts';
import { importSources } from '../../../pipelines/import.ts';
import { readManifest } from '../../../pipelines/index-manifest.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { openSearcher } from '../../../pipelines/search-tables.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

/**
 * A hub model as the user would have downloaded it: no network here, so a small model is fitted
 * on French and English support texts and written where transformers.js keeps a download,
 * `<cache>/<org>/<name>/` (config.json, tokenizer files, onnx/model.onnx).
 */
const tempDir = useTempDir();
afterEach(() => vi.unstubAllEnvs());

const HUB_ID = 'test-org/tiny-model';
const DOCS: KnowledgeDoc[] = [
  { id: 'returns-en', kind: 'policy', title: 'Returns', body: 'You can return an item within 30 days: print the return label and send the parcel back.' },
  { id: 'retours-fr', kind: 'policy', title: 'Retours', body: "Vous pouvez renvoyer un article sous 30 jours : imprimez l'étiquette de retour et renvoyez le colis." },
  { id: 'refunds-en', kind: 'policy', title: 'Refunds', body: 'Your refund reaches your bank account within 5 days of our receiving the return.' },
  { id: 'remboursements-fr', kind: 'policy', title: 'Remboursements', body: 'Le remboursement arrive sur votre compte bancaire sous 5 jours après réception du retour.' },
  { id: 'candles-en', kind: 'article', title: 'Candle care', body: 'Trim the wick before each burn so the wax melts evenly to the edges.' },
  { id: 'bougies-fr', kind: 'article', title: 'Entretien des bougies', body: 'Coupez la mèche avant chaque combustion pour que la cire fonde jusqu’aux bords.' },
];
const CORPUS = DOCS.flatMap((doc) => [`${doc.title}. ${doc.body}`, doc.body]);

async function cachedHubModel(cacheDir: string, poolInGraph: boolean): Promise<string> {
  const model = await fitBuiltinModel(CORPUS, { dimensions: 8 });
  const dir = join(cacheDir, ...HUB_ID.split('/'));
  await writeModelFolder(dir, { ...model, poolInGraph });
  return dir;
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, d) => sum + value * b[d]!, 0);

describe('a model downloaded into the local cache, named by its hub id', () => {
  it.each([
    ['per-token output pooled by the pipeline (a BERT-style hub model)', false],
    ['pooling in its graph (a model shadowdesk wrote, shared through the cache)', true],
  ])('embeds French and English offline: %s', async (_, poolInGraph) => {
    const cacheDir = await tempDir();
    const dir = await cachedHubModel(cacheDir, poolInGraph);
    await expect(access(join(dir, 'onnx', 'model.onnx'))).resolves.toBeUndefined();
    const embedder = await loadEmbedder(HUB_ID, { cacheDir });
    expect(embedder).toMatchObject({ id: HUB_ID, dimensions: 8 });
    const texts = ['my refund to my bank account', 'Your refund reaches your bank account', 'mon remboursement sur mon compte bancaire', 'Le remboursement arrive sur votre compte bancaire', 'candle wick wax', 'la mèche de la bougie'];
    const [askedEn, refundEn, askedFr, refundFr, candle, bougie] = await embedder.embed(texts);
    await embedder.dispose();
    for (const vector of [askedEn!, refundEn!, askedFr!, refundFr!, candle!, bougie!]) expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    // A question is nearer the policy that answers it, in its language, than a candle's care.
    expect(cosine(askedEn!, refundEn!)).toBeGreaterThan(cosine(askedEn!, candle!) + 0.3);
    expect(cosine(askedFr!, refundFr!)).toBeGreaterThan(cosine(askedFr!, bougie!) + 0.3);
  });

  it('is not found in another cache, and downloads stay off (French and English ids alike)', async () => {
    const cacheDir = await tempDir();
    await cachedHubModel(cacheDir, false);
    for (const id of ['test-org/tiny-model-en', 'test-org/petit-modèle']) {
      await expect(loadEmbedder(id, { cacheDir })).rejects.toMatchObject({
        code: 'SD_MODEL_UNAVAILABLE',
        message: expect.stringContaining(`not in the local cache and downloads are off (looked for ${join(cacheDir, id)}; SHADOWDESK_MODEL_CACHE names another cache)`),
      });
    }
    // A cache named for one load is not where the next looks by default.
    await expect(loadEmbedder(HUB_ID)).rejects.toMatchObject({ code: 'SD_MODEL_UNAVAILABLE' });
  });

  it('names the cached config.json when it holds an unknown pooling', async () => {
    const cacheDir = await tempDir();
    const dir = await cachedHubModel(cacheDir, true);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', shadowdesk: { pooling: 'cls' } }));
    await expect(loadEmbedder(HUB_ID, { cacheDir })).rejects.toMatchObject({
      code: 'SD_MODEL_UNAVAILABLE',
      message: expect.stringContaining(`${join(dir, 'config.json')} has an unknown pooling "cls"`),
    });
  });

  it('is looked for in SHADOWDESK_MODEL_CACHE when set, else in transformers.js’ own cache', () => {
    expect(modelCacheDir({ SHADOWDESK_MODEL_CACHE: '/srv/models' })).toBe('/srv/models');
    expect(modelCacheDir({})).toMatch(/@huggingface[/\\]transformers[/\\]\.cache[/\\]?$/);
    expect(modelCacheDir({ SHADOWDESK_MODEL_CACHE: '' })).toBe(modelCacheDir({}));
  });

  it('builds an index the manifest names it in, and search finds French and English documents with it', async () => {
    const cacheDir = await tempDir();
    await cachedHubModel(cacheDir, false);
    vi.stubEnv('SHADOWDESK_MODEL_CACHE', cacheDir);
    const dir = await tempDir();
    const file = await writeTemp(dir, 'records.jsonl', DOCS.map((doc) => JSON.stringify(doc)).join('\n'));
    const workspace = join(dir, 'ws');
    await importSources([{ path: file }], { workspace });

    const summary = await buildIndex({ workspace, model: HUB_ID });
    expect(summary).toMatchObject({ model: HUB_ID, dimensions: 8, knowledgePassages: DOCS.length });
    expect(summary.modelFit).toBeUndefined();
    expect(await readManifest(workspace)).toMatchObject({ model: HUB_ID, modelPath: HUB_ID, modelKey: HUB_ID });

    const searcher = await openSearcher(workspace);
    const first = async (query: string) => (await searcher.search(query, { table: 'knowledge', mode: 'vector', limit: 1 }))[0]?.id.split('@')[0];
    expect(await first('candle wick wax')).toBe('candles-en');
    expect(await first('la mèche de ma bougie')).toBe('bougies-fr');
    await searcher.close();
  }, 60_000);
});
