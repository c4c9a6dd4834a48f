import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadEmbedder } from '../../../pipelines/embed/embedder.ts';
import { transformers } from '../../../pipelines/embed/transformers.ts';
import { SPECIAL_TOKENS, writeModelFolder } from '../../../pipelines/embed/model-folder.ts';
import { Random } from '../../../datasets/text/random.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();

const WORDS = ['hello', 'world', 'bonjour', 'le', 'monde', 'rembourse', '##ment', 'commande', 'where', 'is', 'my', 'order', 'ou', 'est', 'ma'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const TEXTS = ['Hello world', 'Où est ma commande #ML1042 ?', 'remboursement', 'where is my order', 'zzz qqq', 'order order order, where is my order'];

/** A small model built here, as a user's own folder would be: nothing is downloaded. */
async function tinyModel(poolInGraph = true, dimensions = 8): Promise<{ dir: string; vectors: Float32Array }> {
  const vocabulary = [...SPECIAL_TOKENS, ...WORDS, ...LETTERS, ...LETTERS.map((letter) => `##${letter}`), '#', '?', '0', '1', '2', '4', '##0', '##1', '##2', '##4'];
  const random = new Random(7);
  // Special tokens get zero vectors, as in the built-in model, so [CLS]/[SEP] do not tilt the mean.
  const vectors = Float32Array.from({ length: vocabulary.length * dimensions }, (_, index) => (index < SPECIAL_TOKENS.length * dimensions ? 0 : random.next() * 2 - 1));
  const dir = join(await tempDir(), 'tiny-model');
  await writeModelFolder(dir, { vocabulary, vectors, vocabSize: vocabulary.length, dimensions, poolInGraph });
  return { dir, vectors };
}

function normalize(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

describe('loadEmbedder', () => {
  it.each([
    ['pooling in the graph (the built-in model)', true],
    ['per-token output pooled by the pipeline (a BERT-style hub model)', false],
  ])('matches a direct onnxruntime-node run and a reference computed by hand: %s', async (_, poolInGraph) => {
    const { dir, vectors } = await tinyModel(poolInGraph);
    const embedder = await loadEmbedder(dir, { batchSize: 3 });
    expect(embedder.dimensions).toBe(8);
    const fromPipeline = await embedder.embed(TEXTS);
    await embedder.dispose();

    const { AutoTokenizer } = transformers();
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-model');
    const encoded = tokenizer(TEXTS, { padding: true });
    const [batch, length] = encoded.input_ids.dims as [number, number];
    const ids = encoded.input_ids.data as BigInt64Array;
    const mask = encoded.attention_mask.data as BigInt64Array;

    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [batch, length]) };
    if (poolInGraph) feeds.attention_mask = new ort.Tensor('int64', mask, [batch, length]);
    const output = (await session.run(feeds)).last_hidden_state!;
    await session.release();
    const values = output.data as Float32Array;

    for (let row = 0; row < batch; row++) {
      const kept = Array.from({ length }, (_, token) => token).filter((token) => mask[row * length + token] !== 0n);
      const mean = (vectorOf: (token: number) => number[]) =>
        normalize(kept.map(vectorOf).reduce((sum, vector) => sum.map((value, d) => value + vector[d]! / kept.length), new Array<number>(8).fill(0)));
      // The built-in model's graph weighs a token seen c times 1 + ln c in all (sublinear TF); a hub model's output is a plain mean.
      const seen = new Map<bigint, number>();
      for (const token of kept) seen.set(ids[row * length + token]!, (seen.get(ids[row * length + token]!) ?? 0) + 1);
      const byHand = normalize(
        [...seen].reduce(
          (sum, [id, count]) => sum.map((value, d) => value + (poolInGraph ? 1 + Math.log(count) : count) * vectors[Number(id) * 8 + d]!),
          new Array<number>(8).fill(0),
        ),
      );
      const fromOrt = poolInGraph
        ? normalize(Array.from(values.subarray(row * 8, row * 8 + 8)))
        : mean((token) => Array.from(values.subarray((row * length + token) * 8, (row * length + token) * 8 + 8)));
      const actual = Array.from(fromPipeline[row]!);
      actual.forEach((value, d) => {
        expect(value).toBeCloseTo(byHand[d]!, 5);
        expect(value).toBeCloseTo(fromOrt[d]!, 5);
      });
      expect(Math.hypot(...actual)).toBeCloseTo(1, 5);
    }
  });

  it('gives the same vector whatever the batch, and folds case and accents', async () => {
    const { dir } = await tinyModel();
    const embedder = await loadEmbedder(dir, { batchSize: 4 });
    const together = await embedder.embed(TEXTS);
    for (const [index, text] of TEXTS.entries()) {
      const [alone] = await embedder.embed([text]);
      Array.from(alone!).forEach((value, d) => expect(value).toBeCloseTo(together[index]![d]!, 5));
    }
    const [accented, plain] = await embedder.embed(['OÙ EST MA COMMANDE', 'ou est ma commande']);
    expect(Array.from(accented!)).toEqual(Array.from(plain!));
    await embedder.dispose();
  });

  it('explains a model it cannot load and names the built-in alternative', async () => {
    const { dir } = await tinyModel();
    await rm(join(dir, 'tokenizer_config.json'));
    await expect(loadEmbedder(dir)).rejects.toMatchObject({
      code: 'SD_MODEL_UNAVAILABLE',
      message: expect.stringMatching(/needs config.json, tokenizer.json, tokenizer_config.json and onnx\/model.onnx.*--model builtin/),
    });
    await expect(loadEmbedder('Xenova/not-cached-anywhere', { cacheDir: await tempDir() })).rejects.toMatchObject({
      code: 'SD_MODEL_UNAVAILABLE',
      message: expect.stringContaining('not in the local cache and downloads are off'),
    });
  });
});

/** Issue 20: a model folder whose config.json cannot be read used to be mean-pooled anyway, or fail far from the cause. */
describe('a model folder with a broken config.json', () => {
  async function withConfig(edit: (config: string) => string): Promise<string> {
    const { dir } = await tinyModel();
    const path = join(dir, 'config.json');
    await writeFile(path, edit(await readFile(path, 'utf8')));
    return dir;
  }

  it.each([
    ['cut short', (config: string) => config.slice(0, -4), 'is not valid JSON'],
    ['not an object', () => 'null', 'is not a JSON object'],
    ['a list', () => '[{"shadowdesk": {"pooling": "included"}}]', 'is not a JSON object'],
    ['"shadowdesk" is not an object', (config: string) => config.replace(/"shadowdesk": \{[^}]*\}/, '"shadowdesk": "included"'), '"shadowdesk" entry that is not an object'],
    ['an unknown pooling', (config: string) => config.replace('"included"', '"Included"'), 'unknown pooling "Included"'],
    ['a pooling that is not text', (config: string) => config.replace('"included"', 'true'), 'unknown pooling true'],
  ])('is an error naming the file: %s', async (_, edit, problem) => {
    const dir = await withConfig(edit);
    const error = await loadEmbedder(dir).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'SD_MODEL_UNAVAILABLE', message: expect.stringContaining(`${join(dir, 'config.json')}`) });
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).toContain('--model builtin');
  });

  it('says a missing config.json is needed', async () => {
    const { dir } = await tinyModel();
    await rm(join(dir, 'config.json'));
    await expect(loadEmbedder(dir)).rejects.toMatchObject({
      code: 'SD_MODEL_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`${join(dir, 'config.json')} cannot be read .*needs config.json, tokenizer.json.*--model builtin`)),
    });
  });

  it('reads a config.json saved with a byte order mark, as transformers.js does', async () => {
    const { dir } = await tinyModel();
    const clean = await loadEmbedder(dir);
    const expected = await clean.embed(TEXTS);
    await clean.dispose();
    await writeFile(join(dir, 'config.json'), `\uFEFF${await readFile(join(dir, 'config.json'), 'utf8')}`);
    const withBom = await loadEmbedder(dir);
    const actual = await withBom.embed(TEXTS);
    await withBom.dispose();
    actual.forEach((vector, row) => Array.from(vector).forEach((value, d) => expect(value).toBeCloseTo(expected[row]![d]!, 6)));
  });
});
