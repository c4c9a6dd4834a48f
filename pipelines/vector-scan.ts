import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { batching } from './batching.ts';
import { SLEEPING_THREADS } from './embed/embedder.ts';
import { rowProductsOnnx } from './embed/onnx-writer.ts';

/**
 * Exact nearest neighbours over every row's vector of a column held in memory. The queries made
 * in one turn of the event loop go to onnxruntime as one matrix product with every row (0.03 ms
 * a query at 10,000 rows of 256 dimensions, where a LanceDB query under the time filter cost 4 ms
 * of CPU through its vector index and 9 ms without one); each query then keeps its best rows
 * among those its filter accepts, in JavaScript.
 */

export interface Neighbour {
  /** The row's position in the vectors the scan was built from. */
  row: number;
  /** Cosine distance, as a 32-bit float as LanceDB gives it. */
  distance: number;
}

export interface VectorScan {
  /** The `depth` rows `keep` accepts nearest `vector`, by distance then row. */
  nearest(vector: ArrayLike<number>, depth: number, keep: (row: number) => boolean): Promise<Neighbour[]>;
  release(): Promise<void>;
}

interface Asked {
  vector: ArrayLike<number>;
  depth: number;
  keep: (row: number) => boolean;
}

/** A query's best rows in one pass over its products: a short sorted list, a row entering only when nearer than its last. */
function best(products: Float32Array, norms: Float32Array, asked: Asked): Neighbour[] {
  let norm = 0;
  for (let index = 0; index < asked.vector.length; index++) norm += asked.vector[index]! * asked.vector[index]!;
  norm = Math.sqrt(norm);
  const found: Neighbour[] = [];
  // A zero vector (a text of no known word) has no cosine: LanceDB leaves it out, and so does the scan.
  if (norm === 0) return found;
  for (let row = 0; row < norms.length; row++) {
    if (norms[row] === 0) continue;
    const distance = Math.fround(1 - products[row]! / (norm * norms[row]!));
    if (found.length === asked.depth && distance >= found[found.length - 1]!.distance) continue;
    // Asked after the distance: most rows are already too far, and the filter costs more than the test.
    if (!asked.keep(row)) continue;
    // Rows come in order, so one at an equal distance goes after those already kept.
    let at = found.length;
    while (at > 0 && found[at - 1]!.distance > distance) at--;
    found.splice(at, 0, { row, distance });
    if (found.length > asked.depth) found.pop();
  }
  return found;
}

/**
 * How far below the largest of a query's 32-bit products (`RowProducts`) a row's may fall and the
 * row still be among the nearest by products summed in doubles, for vectors of `dimensions` whose
 * lengths multiply to at most `lengths`: a 32-bit sum of d products errs by at most d·2⁻²⁴ of the
 * lengths' product in any order (doubles by far less), so twice d·2⁻²³ of it, and a little for
 * products too small for 32 bits.
 */
export function roughSlack(dimensions: number, lengths: number): number {
  return 2 * dimensions * 2 ** -23 * lengths + 1e-30;
}

/** Each row's product with a query, as 32-bit floats. */
export interface RowProducts {
  /** One product a row, in the rows' order. */
  of(vector: ArrayLike<number>): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * The products of queries with every row of `vectors` (row-major, `dimensions` values a row): the
 * queries made in one turn of the event loop go to onnxruntime as one matrix product.
 */
export async function openRowProducts(vectors: Float32Array, dimensions: number): Promise<RowProducts> {
  const count = vectors.length / dimensions;
  if (!Number.isInteger(count)) throw new Error(`${vectors.length} values are not rows of ${dimensions}`);
  if (count === 0) return { of: () => Promise.resolve(new Float32Array(0)), release: () => Promise.resolve() };
  const ort = await import('onnxruntime-node');
  const session: InferenceSession = await ort.InferenceSession.create(rowProductsOnnx(vectors, dimensions), {
    // The product on two threads: the replay's JavaScript keeps the main thread busy while the other
    // core is mostly idle (LanceDB's full-text queries alone) at these sizes. Spinning, its threads
    // took 25 s of CPU from the replay of 9,000 tickets.
    intraOpNumThreads: Math.min(2, availableParallelism()),
    interOpNumThreads: 1,
    ...SLEEPING_THREADS,
  });
  const productsOf = batching(
    async (batch: Array<ArrayLike<number>>): Promise<Float32Array[]> => {
      const queries = new Float32Array(batch.length * dimensions);
      batch.forEach((vector, index) => queries.set(vector, index * dimensions));
      const { products } = await session.run({ queries: new ort.Tensor('float32', queries, [batch.length, dimensions]) });
      const values = products!.data as Float32Array;
      return batch.map((_, index) => values.subarray(index * count, (index + 1) * count));
    },
    { size: 64, waitMs: 0 },
  );
  return {
    of(vector) {
      if (vector.length !== dimensions) throw new Error(`a query of ${vector.length} dimensions against vectors of ${dimensions}`);
      return productsOf(vector);
    },
    release: () => session.release(),
  };
}

/** Each product of a query with the first rows of a list. */
export interface PrefixProducts {
  /** The products of `vector` with the first `count` rows, in the list's order. */
  of(vector: ArrayLike<number>, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * The products of queries with the first rows of `rows` (positions among `vectors`, row-major,
 * `dimensions` values a row), a block of `blockRows` rows at a time: a query with the first n asks
 * onnxruntime for the blocks that hold them alone, each block's queries of a turn together.
 */
export async function openPrefixProducts(vectors: Float32Array, dimensions: number, rows: Int32Array, blockRows: number): Promise<PrefixProducts> {
  const blocks: RowProducts[] = [];
  const release = async () => {
    await Promise.all(blocks.map((block) => block.release()));
  };
  try {
    for (let start = 0; start < rows.length; start += blockRows) {
      const block = rows.subarray(start, start + blockRows);
      const values = new Float32Array(block.length * dimensions);
      block.forEach((row, index) => values.set(vectors.subarray(row * dimensions, (row + 1) * dimensions), index * dimensions));
      blocks.push(await openRowProducts(values, dimensions));
    }
  } catch (error) {
    await release();
    throw error;
  }
  return {
    async of(vector, count) {
      if (count > rows.length) throw new RangeError(`the products of ${count} rows of ${rows.length}`);
      const parts = await Promise.all(blocks.slice(0, Math.ceil(count / blockRows)).map((block) => block.of(vector)));
      const products = new Float32Array(count);
      parts.forEach((part, block) => products.set(part.subarray(0, count - block * blockRows), block * blockRows));
      return products;
    },
    release,
  };
}

/** A scan over `vectors` (row-major, `dimensions` values a row), which the caller may drop once this resolves. */
export async function openVectorScan(vectors: Float32Array, dimensions: number): Promise<VectorScan> {
  const count = vectors.length / dimensions;
  if (!Number.isInteger(count)) throw new Error(`${vectors.length} values are not rows of ${dimensions}`);
  if (count === 0) return { nearest: () => Promise.resolve([]), release: () => Promise.resolve() };
  const norms = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    let sum = 0;
    for (let index = row * dimensions; index < (row + 1) * dimensions; index++) sum += vectors[index]! * vectors[index]!;
    norms[row] = Math.sqrt(sum);
  }
  const products = await openRowProducts(vectors, dimensions);
  return {
    async nearest(vector, depth, keep) {
      if (vector.length !== dimensions) throw new Error(`a query of ${vector.length} dimensions against vectors of ${dimensions}`);
      return depth > 0 ? best(await products.of(vector), norms, { vector, depth, keep }) : [];
    },
    release: () => products.release(),
  };
}
