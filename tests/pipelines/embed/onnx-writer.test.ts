import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../datasets/text/random.ts';
import { pairwiseMaxLength, staticEmbeddingOnnx } from '../../../pipelines/embed/onnx-writer.ts';

const VOCABULARY = 500;
const DIMENSIONS = 16;

/** A batch of `texts` texts padded to `length` tokens ([PAD] is 0), from `distinct` token ids so tokens repeat; the first text fills the length. */
function batch(random: Random, texts: number, length: number, distinct: number): Record<string, ort.Tensor> {
  const ids = new BigInt64Array(texts * length);
  const mask = new BigInt64Array(texts * length);
  for (let text = 0; text < texts; text++) {
    const real = text === 0 ? length : 1 + Math.floor(random.next() * length);
    for (let token = 0; token < real; token++) {
      ids[text * length + token] = BigInt(1 + Math.floor(random.next() * distinct));
      mask[text * length + token] = 1n;
    }
  }
  return { input_ids: new ort.Tensor('int64', ids, [texts, length]), attention_mask: new ort.Tensor('int64', mask, [texts, length]) };
}

const bytesOf = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

describe('the built-in model graph', () => {
  it('counts tokens pairwise or scattered over the vocabulary to the same vectors, to the bit', async () => {
    const random = new Random(3);
    const vectors = Float32Array.from({ length: VOCABULARY * DIMENSIONS }, () => random.next() * 2 - 1);
    const model = { vectors, vocabSize: VOCABULARY, dimensions: DIMENSIONS };
    const [pairwise, scattered, chosen] = await Promise.all(
      [{ countPairwiseUpTo: Number.MAX_SAFE_INTEGER }, { countPairwiseUpTo: 0 }, {}].map((counting) => ort.InferenceSession.create(staticEmbeddingOnnx({ ...model, ...counting }))),
    );
    const threshold = pairwiseMaxLength(VOCABULARY);
    // Lengths on either side of the default threshold; few distinct ids (many repeats) and many.
    for (const [texts, length, distinct] of [
      [1, 1, 3],
      [3, threshold, 4],
      [5, threshold + 1, 4],
      [4, 3 * threshold, VOCABULARY - 1],
      [2, 300, 7],
    ] as const) {
      const feeds = batch(random, texts, length, distinct);
      const [one, other, either] = await Promise.all([pairwise, scattered, chosen].map(async (session) => bytesOf((await session!.run(feeds)).last_hidden_state!.data as Float32Array)));
      expect(one!.length).toBe(texts * DIMENSIONS * 4);
      expect(new Float32Array(one!.buffer, one!.byteOffset, texts * DIMENSIONS).every(Number.isFinite)).toBe(true);
      expect(other!.equals(one!)).toBe(true);
      expect(either!.equals(one!)).toBe(true);
    }
    await Promise.all([pairwise, scattered, chosen].map((session) => session!.release()));
  });
});
