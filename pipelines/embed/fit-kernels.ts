/**
 * The built-in model fit's dense linear algebra, each kernel over a range of its result's rows so
 * that several threads can share one product (fit-threads.ts). A result row is computed by the
 * same operations in the same order whatever the range it falls in, so a fit on any number of
 * threads gives the same model to the bit.
 */

/** A sparse matrix row by row (CSR), in typed arrays: plain arrays built by index were holey and slow to read. */
export interface SparseRows {
  offsets: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/** G = L Lᵀ, L held row by row; a column that depends on the previous ones gets a zero row of L and a zero inverse diagonal. */
export interface Cholesky {
  lower: Float64Array;
  inverseDiagonal: Float64Array;
}

/**
 * Rows [from, to) of a sparse matrix times a dense one (row-major, l columns), four entries of a
 * row at a time: the result row is read and written a quarter as often. X Ω takes X by document;
 * Xᵀ Q takes X transposed (by token), since scattering X's rows into the tokens × l result missed
 * the CPU cache at every entry. The rows overwrite theirs in `out`: the fit reuses two buffers,
 * where a new array per product kept the garbage collector busy.
 */
export function multiplyRows(matrix: SparseRows, dense: Float64Array, l: number, out: Float64Array, from: number, to: number): void {
  out.fill(0, from * l, to * l);
  const { offsets, columns, values } = matrix;
  for (let row = from; row < to; row++) {
    const target = row * l;
    const end = offsets[row + 1]!;
    let k = offsets[row]!;
    for (; k + 4 <= end; k += 4) {
      const s0 = columns[k]! * l;
      const s1 = columns[k + 1]! * l;
      const s2 = columns[k + 2]! * l;
      const s3 = columns[k + 3]! * l;
      const v0 = values[k]!;
      const v1 = values[k + 1]!;
      const v2 = values[k + 2]!;
      const v3 = values[k + 3]!;
      for (let j = 0; j < l; j++) out[target + j]! += v0 * dense[s0 + j]! + v1 * dense[s1 + j]! + v2 * dense[s2 + j]! + v3 * dense[s3 + j]!;
    }
    for (; k < end; k++) {
      const source = columns[k]! * l;
      const value = values[k]!;
      for (let j = 0; j < l; j++) out[target + j]! += value * dense[source + j]!;
    }
  }
}

/**
 * Rows [from, to) of the upper triangle of AᵀA (l × l, into `gram`, which starts at zero), for A
 * of `rows` × l held row by row; `from` is even, so the rows go in the pairs a whole-matrix call
 * would make. Four rows of A at a time, two rows of the result at a time: the l × l result
 * outgrows the CPU's first cache, so each of its entries is read and written once per four rows,
 * and each read of A serves two entries.
 */
export function upperGramRows(matrix: Float64Array, rows: number, l: number, gram: Float64Array, from: number, to: number): void {
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const b0 = row * l;
    const b1 = b0 + l;
    const b2 = b1 + l;
    const b3 = b2 + l;
    let a = from;
    for (; a + 2 <= to; a += 2) {
      const x0 = matrix[b0 + a]!;
      const x1 = matrix[b1 + a]!;
      const x2 = matrix[b2 + a]!;
      const x3 = matrix[b3 + a]!;
      const y0 = matrix[b0 + a + 1]!;
      const y1 = matrix[b1 + a + 1]!;
      const y2 = matrix[b2 + a + 1]!;
      const y3 = matrix[b3 + a + 1]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0 && y0 === 0 && y1 === 0 && y2 === 0 && y3 === 0) continue;
      const first = a * l;
      const second = first + l;
      gram[first + a]! += x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3;
      for (let b = a + 1; b < l; b++) {
        const z0 = matrix[b0 + b]!;
        const z1 = matrix[b1 + b]!;
        const z2 = matrix[b2 + b]!;
        const z3 = matrix[b3 + b]!;
        gram[first + b]! += x0 * z0 + x1 * z1 + x2 * z2 + x3 * z3;
        gram[second + b]! += y0 * z0 + y1 * z1 + y2 * z2 + y3 * z3;
      }
    }
    if (a < to) {
      const last = a * l + a;
      gram[last]! += matrix[b0 + a]! ** 2 + matrix[b1 + a]! ** 2 + matrix[b2 + a]! ** 2 + matrix[b3 + a]! ** 2;
    }
  }
  for (; row < rows; row++) {
    const base = row * l;
    for (let a = from; a < to; a++) {
      const value = matrix[base + a]!;
      if (value === 0) continue;
      const target = a * l;
      for (let b = a; b < l; b++) gram[target + b]! += value * matrix[base + b]!;
    }
  }
}

/**
 * Rows [from, to) of the matrix each replaced by the solution of x Lᵀ = a (forward substitution),
 * i.e. the matrix times L⁻ᵀ; dependent columns give 0. Four rows at a time share each read of L,
 * as in `upperGramRows`; each row's sums run in the same order, so the result is the same to the bit.
 */
export function solveRows(matrix: Float64Array, l: number, { lower, inverseDiagonal }: Cholesky, from: number, to: number): void {
  let row = from;
  for (; row + 4 <= to; row += 4) {
    const b0 = row * l;
    const b1 = b0 + l;
    const b2 = b1 + l;
    const b3 = b2 + l;
    for (let j = 0; j < l; j++) {
      const inverse = inverseDiagonal[j]!;
      if (inverse === 0) {
        matrix[b0 + j] = matrix[b1 + j] = matrix[b2 + j] = matrix[b3 + j] = 0;
        continue;
      }
      let s0 = matrix[b0 + j]!;
      let s1 = matrix[b1 + j]!;
      let s2 = matrix[b2 + j]!;
      let s3 = matrix[b3 + j]!;
      const factor = j * l;
      for (let k = 0; k < j; k++) {
        const r = lower[factor + k]!;
        s0 -= matrix[b0 + k]! * r;
        s1 -= matrix[b1 + k]! * r;
        s2 -= matrix[b2 + k]! * r;
        s3 -= matrix[b3 + k]! * r;
      }
      matrix[b0 + j] = s0 * inverse;
      matrix[b1 + j] = s1 * inverse;
      matrix[b2 + j] = s2 * inverse;
      matrix[b3 + j] = s3 * inverse;
    }
  }
  for (; row < to; row++) {
    const base = row * l;
    for (let j = 0; j < l; j++) {
      if (inverseDiagonal[j] === 0) {
        matrix[base + j] = 0;
        continue;
      }
      let sum = matrix[base + j]!;
      const factor = j * l;
      for (let k = 0; k < j; k++) sum -= matrix[base + k]! * lower[factor + k]!;
      matrix[base + j] = sum * inverseDiagonal[j]!;
    }
  }
}

/**
 * The vectors of `tokens[from, to)`: each token's row of W times the l × dimensions projection,
 * held transposed (`components`, dimensions × l), times the token's weight, into its row of
 * `out`. Dot products four tokens at a time sharing each read: the sums stay in registers, where
 * adding into four result rows read and wrote memory at every step.
 */
export function tokenVectorRows(byTokenBasis: Float64Array, weights: Float64Array, components: Float64Array, l: number, dimensions: number, tokens: Int32Array, out: Float64Array, from: number, to: number): void {
  let next = from;
  for (; next + 4 <= to; next += 4) {
    const t0 = tokens[next]!;
    const t1 = tokens[next + 1]!;
    const t2 = tokens[next + 2]!;
    const t3 = tokens[next + 3]!;
    const [a0, a1, a2, a3] = [t0 * l, t1 * l, t2 * l, t3 * l];
    for (let d = 0; d < dimensions; d++) {
      const source = d * l;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < l; i++) {
        const p = components[source + i]!;
        s0 += byTokenBasis[a0 + i]! * p;
        s1 += byTokenBasis[a1 + i]! * p;
        s2 += byTokenBasis[a2 + i]! * p;
        s3 += byTokenBasis[a3 + i]! * p;
      }
      out[t0 * dimensions + d] = s0 * weights[t0]!;
      out[t1 * dimensions + d] = s1 * weights[t1]!;
      out[t2 * dimensions + d] = s2 * weights[t2]!;
      out[t3 * dimensions + d] = s3 * weights[t3]!;
    }
  }
  for (; next < to; next++) {
    const t = tokens[next]!;
    for (let d = 0; d < dimensions; d++) {
      let sum = 0;
      for (let i = 0; i < l; i++) sum += byTokenBasis[t * l + i]! * components[d * l + i]!;
      out[t * dimensions + d] = sum * weights[t]!;
    }
  }
}
