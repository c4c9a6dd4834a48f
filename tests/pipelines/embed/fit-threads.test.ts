import { describe, expect, it } from 'vitest';
import { fitBuiltinModel } from '../../../pipelines/embed/builtin-model.ts';
import type { SparseRows } from '../../../pipelines/embed/fit-kernels.ts';
import { fitThreadCount, openFitThreads, type FitProduct, type FitThreads } from '../../../pipelines/embed/fit-threads.ts';
import { Random } from '../../../datasets/text/random.ts';

function ints(fit: FitThreads, values: readonly number[]): Int32Array {
  const array = fit.int32(values.length);
  array.set(values);
  return array;
}

const bytes = (array: Float64Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** A random CSR matrix, some rows empty and some rows much fuller than others (as frequent tokens are). */
function sparse(fit: FitThreads, random: Random, rows: number, columns: number): SparseRows {
  const offsets = [0];
  const picked: number[] = [];
  const values: number[] = [];
  for (let row = 0; row < rows; row++) {
    const size = random.chance(0.1) ? 0 : random.chance(0.1) ? Math.min(columns, 40) : 1 + Math.floor(random.next() * 7);
    const chosen = [...new Set(Array.from({ length: size }, () => Math.floor(random.next() * columns)))].sort((a, b) => a - b);
    for (const column of chosen) {
      picked.push(column);
      values.push(random.next() * 2 - 1);
    }
    offsets.push(picked.length);
  }
  const shared = fit.float64(values.length);
  shared.set(values);
  return { offsets: ints(fit, offsets), columns: ints(fit, picked), values: shared };
}

function dense(fit: FitThreads, random: Random, length: number, zeroColumnsOf?: number): Float64Array {
  const array = fit.float64(length);
  // Whole zero columns take the kernels' shortcuts for zero entries.
  for (let index = 0; index < length; index++) array[index] = zeroColumnsOf !== undefined && index % zeroColumnsOf === 3 ? 0 : random.next() * 2 - 1;
  return array;
}

/** Every product the fit shares, on the same inputs, its results read back after each. */
async function products(threads: number): Promise<Buffer[]> {
  const fit = openFitThreads(threads);
  try {
    const random = new Random(7);
    const [rows, tokens, l, dimensions] = [203, 157, 13, 9];
    const matrix = sparse(fit, random, rows, tokens);
    const omega = dense(fit, random, tokens * l);
    const results: Buffer[] = [];
    const out = fit.float64(rows * l);
    const run = async (product: FitProduct, result: Float64Array) => {
      await fit.run(product);
      results.push(Buffer.from(bytes(result)));
    };
    await run({ kernel: 'multiply', matrix, rows, dense: omega, l, out }, out);
    const tall = dense(fit, random, rows * l, l);
    const gram = fit.float64(l * l);
    await run({ kernel: 'upperGram', matrix: tall, rows, l, gram }, gram);
    // A factor with a dependent column (a zero inverse diagonal), as a rank-deficient corpus gives.
    const lower = dense(fit, random, l * l);
    const inverseDiagonal = dense(fit, random, l);
    inverseDiagonal[4] = 0;
    await run({ kernel: 'solve', matrix: tall, rows, l, factor: { lower, inverseDiagonal } }, tall);
    const weights = dense(fit, random, tokens);
    const tokenVectors = fit.float64(tokens * dimensions);
    const weighted = ints(fit, [...weights.keys()].filter((token) => token % 5 !== 0));
    await run({ kernel: 'tokenVectors', byTokenBasis: omega, weights, components: dense(fit, random, dimensions * l), l, dimensions, tokens: weighted, out: tokenVectors }, tokenVectors);
    return results;
  } finally {
    await fit.close();
  }
}

describe("the fit's products on several threads", () => {
  it('give the same results to the bit on one, two and three threads', async () => {
    const alone = await products(1);
    expect(alone.every((result) => result.some((byte) => byte !== 0))).toBe(true);
    for (const threads of [2, 3]) {
      const shared = await products(threads);
      shared.forEach((result, index) => expect(result.equals(alone[index]!), `product ${index} on ${threads} threads`).toBe(true));
    }
  });

  it('compute a sparse product as the sum it stands for', async () => {
    const fit = openFitThreads(2);
    try {
      const random = new Random(3);
      const [rows, columns, l] = [61, 40, 5];
      const matrix = sparse(fit, random, rows, columns);
      const right = dense(fit, random, columns * l);
      const out = fit.float64(rows * l).fill(99);
      await fit.run({ kernel: 'multiply', matrix, rows, dense: right, l, out });
      for (let row = 0; row < rows; row++) {
        for (let j = 0; j < l; j++) {
          let sum = 0;
          for (let k = matrix.offsets[row]!; k < matrix.offsets[row + 1]!; k++) sum += matrix.values[k]! * right[matrix.columns[k]! * l + j]!;
          expect(out[row * l + j]).toBeCloseTo(sum, 12);
        }
      }
    } finally {
      await fit.close();
    }
  });

  it('fail, rather than wait for ever, when a worker thread fails, and refuse work after', async () => {
    const fit = openFitThreads(2);
    try {
      // No matrix to read: every thread's share fails, the worker's too.
      const broken = { kernel: 'upperGram', matrix: undefined as unknown as Float64Array, rows: 4, l: 8, gram: fit.float64(64) } as const;
      await expect(fit.run(broken)).rejects.toThrow();
      await expect(fit.run({ kernel: 'solve', matrix: fit.float64(16), rows: 16, l: 1, factor: { lower: fit.float64(1), inverseDiagonal: fit.float64(1) } })).rejects.toThrow();
    } finally {
      await fit.close();
    }
  });

  it('run on one thread for a small corpus and on several for a large one', () => {
    expect(fitThreadCount(500)).toBe(1);
    expect(fitThreadCount(20_000)).toBeGreaterThanOrEqual(1);
    expect(fitThreadCount(20_000)).toBeLessThanOrEqual(4);
  });

  it('fit the same model to the bit on one thread and on two (French and English)', async () => {
    const random = new Random(11);
    const words = ['colis', 'livraison', 'remboursement', 'retour', 'parcel', 'refund', 'return', 'tracking', 'code', 'promo', 'merci', 'thanks', 'commande', 'order'];
    const texts = Array.from({ length: 600 }, () => Array.from({ length: 9 }, () => random.pick(words)).join(' '));
    const [alone, shared] = [await fitBuiltinModel(texts, { dimensions: 12 }, { threads: 1 }), await fitBuiltinModel(texts, { dimensions: 12 }, { threads: 2 })];
    expect(shared.vocabulary).toEqual(alone.vocabulary);
    expect(Buffer.from(shared.vectors.buffer).equals(Buffer.from(alone.vectors.buffer))).toBe(true);
    expect(alone.vectors.some((value) => value !== 0)).toBe(true);
  });
});
