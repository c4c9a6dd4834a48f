import { describe, expect, it } from 'vitest';
import { twinGroups } from '../../pipelines/vector-twins.ts';

/** Rows of 3 dimensions: 0, 2, 3 and 5 alike; 1 and 4 alike; 6 alone; 7 differs from 0 only by the sign of a zero. */
const ROWS = [
  [1, 0, 0.5],
  [0, 1, 0],
  [1, 0, 0.5],
  [1, 0, 0.5],
  [0, 1, 0],
  [1, 0, 0.5],
  [0.25, 0.25, 0.25],
  [1, -0, 0.5],
];
const vectors = Float32Array.from(ROWS.flat());

describe('rows sharing a vector', () => {
  const twins = twinGroups(vectors, 3);

  it("adds each row's twins once, in order of position, the first `depth` of each group", () => {
    expect(Array.from(twins.withTwins([5, 4], 10, () => true))).toEqual([0, 2, 3, 5, 1, 4]);
    expect(Array.from(twins.withTwins([5, 3, 6], 2, () => true))).toEqual([0, 2, 6]);
  });

  it('takes only the twins the filter keeps, still `depth` of them', () => {
    expect(Array.from(twins.withTwins([3], 2, (row) => row !== 0))).toEqual([2, 3]);
    expect(Array.from(twins.withTwins([1], 5, (row) => row > 1))).toEqual([4]);
  });

  it('tells rows apart by their bits: a negative zero is another vector', () => {
    expect(Array.from(twins.withTwins([7], 10, () => true))).toEqual([7]);
  });

  it('tells apart rows alike in every word but one, wherever it stands, and groups their twins', () => {
    // 64 dimensions, 40 rows differing from the first in one word each (a different word each time), then each again.
    const dimensions = 64;
    const distinct = Array.from({ length: 40 }, (_, row) => Float32Array.from({ length: dimensions }, (_, index) => (index === row ? 2 : 1)));
    const alike = twinGroups(Float32Array.from([...distinct, ...distinct].flatMap((row) => Array.from(row))), dimensions);
    for (const row of [0, 1, 2, 31, 39]) expect(Array.from(alike.withTwins([row], 5, () => true))).toEqual([row, row + 40]);
  });

  it('pairs every row with its one twin among 20,000 rows', () => {
    const many = Float32Array.from({ length: 20_000 * 2 }, (_, index) => (index % 2 === 0 ? Math.floor(index / 2) % 10_000 : 7));
    const grouped = twinGroups(many, 2);
    for (const row of [0, 1, 9_999, 12_345]) expect(Array.from(grouped.withTwins([row], 5, () => true))).toEqual([row % 10_000, (row % 10_000) + 10_000]);
  });
});
