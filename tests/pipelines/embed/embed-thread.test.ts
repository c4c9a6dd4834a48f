import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadEmbedderOnThread } from '../../../pipelines/embed/embed-thread.ts';
import { loadEmbedder } from '../../../pipelines/embed/embedder.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { TINY_MODEL_TEXTS, writeTinyModel } from '../../helpers/tiny-model.ts';

const tempDir = useTempDir();
const EMBED_THREAD = fileURLToPath(new URL('../../../pipelines/embed/embed-thread.ts', import.meta.url));

describe('loadEmbedderOnThread', () => {
  it.each([
    ['pooling in the graph (the built-in model)', true],
    ['per-token output pooled by the pipeline (a BERT-style hub model)', false],
  ])('gives bit for bit the vectors of loadEmbedder, each of several requests at once its own: %s', async (_, poolInGraph) => {
    const { dir } = await writeTinyModel(await tempDir(), poolInGraph);
    const [onThread, here] = await Promise.all([loadEmbedderOnThread(dir, { batchSize: 3 }), loadEmbedder(dir, { batchSize: 3 })]);
    try {
      expect(onThread).toMatchObject({ id: dir, dimensions: here.dimensions });
      const asked = [TINY_MODEL_TEXTS.slice(0, 2), TINY_MODEL_TEXTS.slice(2), [TINY_MODEL_TEXTS[4]!], []];
      const together = await Promise.all(asked.map((texts) => onThread.embed(texts)));
      for (const [index, texts] of asked.entries()) {
        expect(together[index]!.map((vector) => Array.from(vector))).toEqual((await here.embed(texts)).map((vector) => Array.from(vector)));
      }
    } finally {
      await Promise.all([onThread.dispose(), here.dispose()]);
    }
  });

  it('fails to load a model as loadEmbedder does: the same error, code and message', async () => {
    const dir = join(await tempDir(), 'broken-model');
    await writeTinyModel(dir);
    await writeFile(join(dir, 'tiny-model', 'config.json'), '{ not json');
    const expected = (await loadEmbedder(join(dir, 'tiny-model')).then(
      () => undefined,
      (error: unknown) => error,
    )) as Error & { code: string };
    expect(expected).toMatchObject({ name: 'ShadowdeskError', code: 'SD_MODEL_UNAVAILABLE' });
    await expect(loadEmbedderOnThread(join(dir, 'tiny-model'))).rejects.toMatchObject({ name: expected.name, code: expected.code, message: expected.message });
  });

  it('keeps a process alive while a request waits on its thread, and lets it end once none does, undisposed (one embedder used, one never)', async () => {
    const folder = await tempDir();
    const { dir } = await writeTinyModel(folder);
    // Top-level await: were the thread let go while the request waits, Node would end the script before it prints (exit code 13).
    const script = `import { loadEmbedderOnThread } from ${JSON.stringify(EMBED_THREAD)};
const embedder = await loadEmbedderOnThread(${JSON.stringify(dir)});
const [vector] = await embedder.embed(['where is my order']);
await loadEmbedderOnThread(${JSON.stringify(dir)});
console.log(vector.length);`;
    await writeFile(join(folder, 'embed.mts'), script);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(folder, 'embed.mts')], { timeout: 45_000 });
    expect(stdout.trim()).toBe('8');
  }, 60_000);
});
