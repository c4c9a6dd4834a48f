/**
 * LanceDB's flat search by cosine distance, done in JavaScript with LanceDB's own arithmetic, so
 * that its results are LanceDB's to the bit: the same rows, in the same order, at the same
 * distances. A small workspace (below ANN_MIN_ROWS past tickets) searches its past tickets this way:
 * a LanceDB flat query under the time filter cost 4.5–5.3 ms of CPU on the demo's 2,372 tickets,
 * mostly planning and copying the column, for a few hundred thousand multiplications.
 *
 * LanceDB (0.37, lance-linalg) sums a dot product in 16 lanes of 32-bit floats with fused
 * multiply-adds, one lane per dimension modulo 16, adds the lanes pairwise in halves (lane i with
 * i + 8, then i + 4, i + 2, i + 1), and gives 1 − x·y / ‖x‖ / ‖y‖ in 32-bit floats. Matched to the
 * bit for every row of 6 queries (14,232 distances) over the demo's tickets; the replay's searches
 * are checked against LanceDB's in tests/pipelines/flat-scan.test.ts.
 */

const LANES = 16;
const f32 = Math.fround;

/**
 * a × b + c rounded once to a 32-bit float, as a fused multiply-add does. The product of two
 * 32-bit floats is exact in a double; the sum is rounded to a double first, and when that lands
 * exactly between two 32-bit floats the exact sum's remainder decides the side.
 */
export function fma32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = f32(sum);
  if (rounded === sum || !Number.isFinite(sum)) return rounded;
  // The part of product + c the double sum lost (Knuth's two-sum).
  const kept = sum - product;
  const lost = product - (sum - kept) + (c - kept);
  if (lost === 0) return rounded;
  // The sum is halfway exactly when the point as far past it as `rounded` is short of it is the
  // next 32-bit float: any other point between two 32-bit floats is none. (Arithmetic, not the
  // float's bits read and written back: a sixth of the products of real vectors come here.)
  const other = rounded + 2 * (sum - rounded);
  if (f32(other) !== other) return rounded;
  // Exactly halfway for the double, not for the exact sum: the remainder's sign picks the side.
  return (lost > 0) === (other > rounded) ? other : rounded;
}

/** The 16 lanes summed pairwise in halves. */
function laneSum(lanes: Float64Array): number {
  for (let width = LANES / 2; width >= 1; width /= 2) for (let lane = 0; lane < width; lane++) lanes[lane] = f32(lanes[lane]! + lanes[lane + width]!);
  return lanes[0]!;
}

/** x · y of the `dimensions` values of `x` from `xAt` and of `y` from `yAt`, summed as LanceDB does. */
function lanceDot(x: ArrayLike<number>, xAt: number, y: ArrayLike<number>, yAt: number, dimensions: number, lanes: Float64Array): number {
  lanes.fill(0);
  for (let index = 0; index < dimensions; index++) lanes[index % LANES] = fma32(x[xAt + index]!, y[yAt + index]!, lanes[index % LANES]!);
  return laneSum(lanes);
}

export interface FlatNeighbour {
  /** The row's position among the vectors. */
  row: number;
  /** LanceDB's cosine distance, a 32-bit float. */
  distance: number;
}

export interface FlatScan {
  /**
   * The `depth` rows `keep` accepts nearest `vector`, by LanceDB's distance then row, as its flat
   * search ranks them. `products`, each row's product with `vector` in 32-bit floats
   * (vector-scan.ts's `openRowProducts`), pick the rows worth measuring exactly in place of the
   * products in doubles here, which were a fifth of the demo's LLM replay's main thread.
   */
  nearest(vector: ArrayLike<number>, depth: number, keep: (row: number) => boolean, products?: Float32Array): FlatNeighbour[];
  /**
   * The `depth` of `rows` nearest `vector`, by LanceDB's distance then row: how LanceDB re-ranks
   * the candidates of a vector index on their stored vectors (its `refineFactor`), the distances
   * those of its flat search.
   */
  nearestOf(vector: ArrayLike<number>, rows: ArrayLike<number>, depth: number): FlatNeighbour[];
  /**
   * Searches among the first rows of `rows` (positions, in an order of their own): `nearest` ranks
   * the first `count` as `nearest` does, `products` one for each of them, in their order.
   */
  inOrder(rows: Int32Array): { nearest(vector: ArrayLike<number>, count: number, depth: number, products: Float32Array): FlatNeighbour[] };
}

/**
 * How far a distance computed in doubles may be from LanceDB's 32-bit one, with room to spare:
 * its roundings (16 fused multiply-adds a lane, 4 pairwise sums, the norms, the divisions), each
 * at most 2⁻²⁴ of a part of the vectors' lengths' product, err by a few millionths at most. Rows
 * within this of the depth-th nearest by doubles are measured again exactly, so the double only
 * chooses which rows are worth it.
 */
const DOUBLE_SLACK = 1e-4;
/**
 * …and one from a product summed in 32-bit floats, in any order: each of its `dimensions`
 * roundings errs by at most 2⁻²⁴ of the sum of the terms' sizes, at most the lengths' product
 * (1.5 × 10⁻⁵ of a distance at 256 dimensions). A row LanceDB ranks among the depth nearest is
 * then within twice that of the depth-th nearest by products: the slack adds twice that to the
 * doubles'.
 */
const productSlack = (dimensions: number) => DOUBLE_SLACK + 2 * dimensions * 2 ** -24;
/** How far past the bound a distance must be, by products compared without a division, to be left out before it is computed. */
const FLOOR_MARGIN = 1e-9;
/** Below this product of lengths a 32-bit product may lose bits to underflow: measured in doubles. */
const SURE_PRODUCT = 1e-30;
/** A row this long by doubles keeps a length in LanceDB's 32-bit sums: its squares are far above the smallest 32-bit float. */
const SURE_NORM = 1e-15;

/** A flat scan over `vectors` (row-major, `dimensions` values a row). */
export function openFlatScan(vectors: Float32Array, dimensions: number): FlatScan {
  const count = vectors.length / dimensions;
  if (!Number.isInteger(count)) throw new Error(`${vectors.length} values are not rows of ${dimensions}`);
  const lanes = new Float64Array(LANES);
  // Each row's norms, in doubles and as LanceDB has them, measured when first needed (NaN until
  // then): a search among a vector index's candidates meets a few hundred rows of many, and
  // LanceDB's norm, in its arithmetic, is needed only for the rows measured exactly.
  const norms = new Float64Array(count).fill(Number.NaN);
  const lanceNorms = new Float32Array(count).fill(Number.NaN);
  const normOf = (row: number): number => {
    if (Number.isNaN(norms[row]!)) {
      let sum = 0;
      for (let index = row * dimensions; index < (row + 1) * dimensions; index++) sum += vectors[index]! * vectors[index]!;
      norms[row] = Math.sqrt(sum);
    }
    return norms[row]!;
  };
  const lanceNormOf = (row: number): number => {
    if (Number.isNaN(lanceNorms[row]!)) lanceNorms[row] = f32(Math.sqrt(lanceDot(vectors, row * dimensions, vectors, row * dimensions, dimensions, lanes)));
    return lanceNorms[row]!;
  };
  // Reused by every search: a search runs start to end without yielding.
  const query = new Float64Array(dimensions);
  /** The query's product with a row, in doubles. */
  const doubleProduct = (row: number): number => {
    const at = row * dimensions;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let index = 0;
    for (; index + 4 <= dimensions; index += 4) {
      a += query[index]! * vectors[at + index]!;
      b += query[index + 1]! * vectors[at + index + 1]!;
      c += query[index + 2]! * vectors[at + index + 2]!;
      d += query[index + 3]! * vectors[at + index + 3]!;
    }
    for (; index < dimensions; index++) a += query[index]! * vectors[at + index]!;
    return a + b + c + d;
  };
  /**
   * The `depth` nearest of `rows` (undefined: every row, in order) that `keep` accepts, by
   * LanceDB's distance then row; `measured`, if given, each row's product with `vector` and its norm
   * (NaN while unmeasured), one for each row visited, in that order.
   */
  const nearestAmong = (vector: ArrayLike<number>, depth: number, rows: ArrayLike<number> | undefined, keep: ((row: number) => boolean) | undefined, measured?: { products: Float32Array; norms: Float64Array }): FlatNeighbour[] => {
    if (vector.length !== dimensions) throw new Error(`a query of ${vector.length} dimensions against vectors of ${dimensions}`);
    query.set(vector);
    let sum = 0;
    for (let index = 0; index < dimensions; index++) sum += query[index]! * query[index]!;
    const norm = Math.sqrt(sum);
    const lanceNorm = f32(Math.sqrt(lanceDot(vector, 0, vector, 0, dimensions, lanes)));
    // A zero vector has no cosine: LanceDB gives such a row no distance and leaves it out.
    if (depth <= 0 || lanceNorm === 0) return [];
    const products = measured?.products;
    const rowNorms = measured?.norms;
    const slack = measured ? productSlack(dimensions) : DOUBLE_SLACK;
    // The depth nearest by the rough measure (the products), kept sorted: their last bounds the rows worth measuring exactly.
    const best: number[] = [];
    let cut = Number.POSITIVE_INFINITY;
    // Below this product a row is past the bound by far more than the doubles' error (without a
    // division, before the filter: most rows are past it). The bound only falls as rows come: a
    // row past it now is past it at the end.
    let floor = Number.NEGATIVE_INFINITY;
    // Rows within the bound when they came, in their order, and their rough distances.
    const visited: number[] = [];
    const rough: number[] = [];
    const visits = rows === undefined ? count : rows.length;
    // A row's norm unmeasured yet is NaN, which no test passes.
    const sureRowNorm = SURE_PRODUCT / norm;
    for (let index = 0; index < visits; index++) {
      if (products !== undefined && rowNorms !== undefined) {
        // Most rows are past the bound by their product alone: passed over here, before a division or
        // the filter, where the product is one the distance below would be measured by.
        for (; index < visits; index++) {
          const rowNorm = rowNorms[index]!;
          const product = products[index]!;
          if (!(product < floor * rowNorm && rowNorm >= sureRowNorm && product > Number.NEGATIVE_INFINITY)) break;
        }
        if (index === visits) break;
      }
      const row = rows === undefined ? index : rows[index]!;
      const product = products?.[index];
      const rowNorm = normOf(row);
      if ((rowNorm < SURE_NORM && lanceNormOf(row) === 0) || (keep !== undefined && !keep(row))) continue;
      const distance = 1 - (product !== undefined && Number.isFinite(product) && norm * rowNorm >= SURE_PRODUCT ? product : doubleProduct(row)) / (norm * rowNorm);
      if (distance > cut + slack) continue;
      visited.push(row);
      rough.push(distance);
      if (distance >= cut) continue;
      let place = best.length;
      while (place > 0 && best[place - 1]! > distance) place--;
      best.splice(place, 0, distance);
      if (best.length > depth) best.pop();
      if (best.length === depth) {
        cut = best[depth - 1]!;
        floor = (1 - cut - slack - FLOOR_MARGIN) * norm;
      }
    }
    const bound = cut + slack;
    const near: FlatNeighbour[] = [];
    for (const [index, row] of visited.entries()) {
      if (rough[index]! > bound) continue;
      near.push({ row, distance: f32(1 - f32(f32(lanceDot(vector, 0, vectors, row * dimensions, dimensions, lanes) / lanceNorm) / lanceNormOf(row))) });
    }
    return near.sort((a, b) => a.distance - b.distance || a.row - b.row).slice(0, depth);
  };
  return {
    // Every row in order: the norms' own order is the visit's.
    nearest: (vector, depth, keep, products) => nearestAmong(vector, depth, undefined, keep, products && { products, norms }),
    nearestOf: (vector, rows, depth) => nearestAmong(vector, depth, rows, undefined),
    inOrder(rows) {
      // Their norms in their order, read one after another by the pass over the rows.
      const rowNorms = Float64Array.from(rows, normOf);
      return { nearest: (vector, count, depth, products) => nearestAmong(vector, depth, rows.subarray(0, count), undefined, { products, norms: rowNorms }) };
    },
  };
}
