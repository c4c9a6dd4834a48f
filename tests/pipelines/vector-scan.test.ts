import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Float64, Schema } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Random } from '../../datasets/text/random.ts';
import { openPrefixProducts, openRowProducts, openVectorScan, type Neighbour } from '../../pipelines/vector-scan.ts';
import { useTempDir } from '../helpers/temp.ts';

const tempDir = useTempDir();
const DIMENSIONS = 16;

/** Rows of random vectors, some repeated (a question asked again word for word) and one all zeros (row 5). */
function rows(count: number, seed: number): Float32Array {
  const random = new Random(seed);
  const vectors = new Float32Array(count * DIMENSIONS);
  for (let row = 0; row < count; row++) {
    if (row % 7 === 3) vectors.copyWithin(row * DIMENSIONS, (row - 1) * DIMENSIONS, row * DIMENSIONS);
    else if (row !== 5) for (let index = 0; index < DIMENSIONS; index++) vectors[row * DIMENSIONS + index] = random.next() - 0.5;
  }
  return vectors;
}

/** The ranking the scan must give, in 64-bit arithmetic: distance, then row. */
function reference(vectors: Float32Array, query: ArrayLike<number>, depth: number, keep: (row: number) => boolean): Neighbour[] {
  const norm = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((sum, value) => sum + value * value, 0));
  const all: Neighbour[] = [];
  for (let row = 0; row < vectors.length / DIMENSIONS; row++) {
    if (!keep(row)) continue;
    const vector = vectors.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS);
    const length = norm(vector) * norm(query);
    const dot = Array.from(vector).reduce((sum, value, index) => sum + value * query[index]!, 0);
    if (length > 0) all.push({ row, distance: 1 - dot / length });
  }
  return all.sort((a, b) => a.distance - b.distance || a.row - b.row).slice(0, depth);
}

/** Rankings equal but for rows whose distances differ by rounding only (32-bit products). */
function expectSameRanking(found: Neighbour[], expected: Neighbour[]): void {
  expect(found).toHaveLength(expected.length);
  found.forEach((neighbour, index) => {
    expect(neighbour.distance).toBeCloseTo(expected[index]!.distance, 5);
    if (neighbour.row !== expected[index]!.row) expect(Math.abs(neighbour.distance - expected[index]!.distance)).toBeLessThan(1e-5);
  });
}

describe('the exact vector scan', () => {
  it('ranks the rows its filter keeps by cosine distance then row, as a full comparison does', async () => {
    const vectors = rows(500, 7);
    const scan = await openVectorScan(vectors, DIMENSIONS);
    try {
      const random = new Random(3);
      for (let asked = 0; asked < 20; asked++) {
        const query = Array.from({ length: DIMENSIONS }, () => random.next() - 0.5);
        const before = 100 + asked * 20;
        const keep = (row: number) => row < before && row % 3 !== 0;
        expectSameRanking(await scan.nearest(query, 11, keep), reference(vectors, query, 11, keep));
      }
    } finally {
      await scan.release();
    }
  });

  it('gives a repeated row after the first at the same distance, and leaves out a zero vector, which has no cosine', async () => {
    const vectors = rows(40, 11);
    const scan = await openVectorScan(vectors, DIMENSIONS);
    try {
      // Row 3 repeats row 2 exactly: asked with row 2's vector, both are at distance 0, row 2 first.
      const [first, second] = await scan.nearest(vectors.subarray(2 * DIMENSIONS, 3 * DIMENSIONS), 2, () => true);
      expect([first!.row, second!.row]).toEqual([2, 3]);
      expect(first!.distance).toBeCloseTo(0, 6);
      expect(second!.distance).toBe(first!.distance);
      expect(await scan.nearest(vectors.subarray(2 * DIMENSIONS, 3 * DIMENSIONS), 1, (row) => row === 5)).toEqual([]);
      expect(await scan.nearest(vectors.subarray(5 * DIMENSIONS, 6 * DIMENSIONS), 1, () => true)).toEqual([]);
    } finally {
      await scan.release();
    }
  });

  it('answers the queries of one turn together exactly as one at a time, and nothing when no row is kept', async () => {
    const vectors = rows(300, 5);
    const scan = await openVectorScan(vectors, DIMENSIONS);
    try {
      const queries = Array.from({ length: 30 }, (_, index) => vectors.subarray(index * 9 * DIMENSIONS, (index * 9 + 1) * DIMENSIONS));
      const together = await Promise.all(queries.map((query, index) => scan.nearest(query, 5, (row) => row > index)));
      const apart: Neighbour[][] = [];
      for (const [index, query] of queries.entries()) apart.push(await scan.nearest(query, 5, (row) => row > index));
      expect(together).toEqual(apart);
      expect(await scan.nearest(queries[0]!, 5, () => false)).toEqual([]);
      await expect(scan.nearest([1, 2, 3], 5, () => true)).rejects.toThrow('a query of 3 dimensions against vectors of 16');
    } finally {
      await scan.release();
    }
  });

  it('finds what LanceDB finds with its own exact search under a time filter', async () => {
    const vectors = rows(2_000, 13);
    const count = vectors.length / DIMENSIONS;
    const known = Array.from({ length: count }, (_, row) => 1_000 * row);
    const db = await lancedb.connect(join(await tempDir(), 'tables'));
    const schema = new Schema([new Field('known_ms', new Float64(), false), new Field('vector', new FixedSizeList(DIMENSIONS, new Field('item', new Float32(), true)), false)]);
    const table = await db.createTable(
      'tickets',
      Array.from({ length: count }, (_, row) => ({ known_ms: known[row], vector: Array.from(vectors.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS)) })),
      { schema },
    );
    const scan = await openVectorScan(vectors, DIMENSIONS);
    try {
      for (const asked of [10, 700, 1_999]) {
        const query = Array.from(vectors.subarray(asked * DIMENSIONS, (asked + 1) * DIMENSIONS));
        const at = known[asked]!;
        const lance = await table.query().nearestTo(query).column('vector').distanceType('cosine').where(`known_ms < ${at}`).withRowId().select(['_distance']).limit(10).toArrow();
        const expected = Array.from({ length: lance.numRows }, (_, index) => ({ row: Number(lance.getChild('_rowid')!.get(index)), distance: Number(lance.getChild('_distance')!.get(index)) }));
        expectSameRanking(await scan.nearest(query, 10, (row) => known[row]! < at), expected);
      }
    } finally {
      await scan.release();
      table.close();
      db.close();
    }
  });
});

describe('the products of a query with the first rows of a list', () => {
  it('are its products with those rows, in the list\'s order, across blocks and within one, asked together or apart', async () => {
    const vectors = rows(200, 11);
    // The rows in an order of their own, as the past tickets by the time each became known.
    const order = Int32Array.from({ length: 200 }, (_, index) => (index * 37) % 200).subarray(0, 150);
    const [prefix, whole] = await Promise.all([openPrefixProducts(vectors, DIMENSIONS, order, 40), openRowProducts(vectors, DIMENSIONS)]);
    try {
      const queries = [0, 17, 99].map((row) => vectors.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS));
      const counts = [0, 1, 39, 40, 41, 123, 150];
      const together = await Promise.all(queries.flatMap((query) => counts.map((count) => prefix.of(query, count))));
      for (const [index, query] of queries.entries()) {
        const all = await whole.of(query);
        for (const [at, count] of counts.entries()) {
          const expected = Float32Array.from(order.subarray(0, count), (row) => all[row]!);
          expect(together[index * counts.length + at]).toEqual(expected);
          expect(await prefix.of(query, count)).toEqual(expected);
        }
      }
      await expect(prefix.of(queries[0]!, 151)).rejects.toThrow('the products of 151 rows of 150');
    } finally {
      await Promise.all([prefix.release(), whole.release()]);
    }
  });
});
