import { Random } from '../../datasets/text/random.ts';
import { INVISIBLE_CHARACTERS, SPECIAL_TOKENS } from './model-folder.ts';

/**
 * The built-in model, for machines with no network and no model: fitted on the brand's own
 * corpus. A WordPiece vocabulary is learned from word counts, documents are weighted
 * (sublinear TF × IDF), and a truncated SVD of that token–document matrix (LSA) gives each token
 * a vector; each token's weight (`tokenWeights`) is baked into its vector, and the model's graph
 * pools a text's tokens with the same sublinear TF, so that a text's vector is the LSA projection
 * of its row.
 */

export interface FitOptions {
  /** @default 42 */
  seed?: number;
  /** Vector size. @default 256 */
  dimensions?: number;
  /** Tokens in the vocabulary, special tokens included. @default 20000 */
  vocabularySize?: number;
  /** Documents sampled (reservoir) for the SVD; word counts use them all. @default 20000 */
  maxDocuments?: number;
  /** A word must appear this often to get a token of its own. @default 2 */
  minCount?: number;
}

export interface FittedModel {
  vocabulary: string[];
  vectors: Float32Array;
  vocabSize: number;
  dimensions: number;
  documents: number;
  sampled: number;
}

const INVISIBLE = new RegExp(INVISIBLE_CHARACTERS, 'gu');

/** Invisible characters out, lower-case, accents off, split into words and single punctuation marks, as the written tokenizer does. */
export function preTokenize(text: string): string[] {
  const folded = text.replace(INVISIBLE, '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return folded.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** Greedy longest-match-first WordPiece, the algorithm of the tokenizer the model is written with. */
export function wordPiece(word: string, vocabulary: ReadonlyMap<string, number>, unknown: number): number[] {
  if (word.length > 100) return [unknown];
  const pieces: number[] = [];
  for (let start = 0; start < word.length; ) {
    let end = word.length;
    let found = -1;
    while (start < end) {
      const id = vocabulary.get(start > 0 ? `##${word.slice(start, end)}` : word.slice(start, end));
      if (id !== undefined) {
        found = id;
        break;
      }
      end--;
    }
    if (found < 0) return [unknown];
    pieces.push(found);
    start = end;
  }
  return pieces;
}

function byCount(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key]) => key);
}

/** Specials, every character (alone and as a continuation), frequent words, then frequent word starts and endings. */
function learnVocabulary(words: Map<string, number>, size: number, minCount: number): string[] {
  const vocabulary = new Set<string>(SPECIAL_TOKENS);
  const characters = new Map<string, number>();
  for (const [word, count] of words) for (const character of word) characters.set(character, (characters.get(character) ?? 0) + count);
  for (const character of byCount(characters)) {
    vocabulary.add(character);
    vocabulary.add(`##${character}`);
  }
  const frequent = byCount(words).filter((word) => words.get(word)! >= minCount);
  const wordBudget = Math.floor((size - vocabulary.size) * 0.85);
  for (const word of frequent.slice(0, wordBudget)) vocabulary.add(word);
  // Pieces for the words left out, so a rare "remboursements" still reads as "rembourse ##ments".
  const pieces = new Map<string, number>();
  for (const [word, count] of words) {
    if (vocabulary.has(word) || word.length < 5) continue;
    for (let length = 3; length <= Math.min(8, word.length - 2); length++) {
      const head = word.slice(0, length);
      const tail = `##${word.slice(word.length - length)}`;
      pieces.set(head, (pieces.get(head) ?? 0) + count);
      pieces.set(tail, (pieces.get(tail) ?? 0) + count);
    }
  }
  for (const piece of byCount(pieces)) {
    if (vocabulary.size >= size) break;
    vocabulary.add(piece);
  }
  return [...vocabulary].slice(0, Math.max(size, SPECIAL_TOKENS.length));
}

/** A sparse matrix row by row (CSR), in typed arrays: plain arrays built by index were holey and slow to read. */
interface SparseRows {
  offsets: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/**
 * A sparse matrix (row by row) times a dense one (row-major, l columns), each row of the result
 * summed in entry order, two entries at a time: the result row is read and written half as often,
 * the sums unchanged. X Ω takes X by document; Xᵀ Q takes X transposed (by token), since
 * scattering X's rows into the tokens × l result missed the CPU cache at every entry. Entries are
 * added in the same order either way, so the model is the same to the bit.
 */
function multiply(matrix: SparseRows, rows: number, dense: Float64Array, l: number): Float64Array {
  const out = new Float64Array(rows * l);
  for (let row = 0; row < rows; row++) {
    const target = row * l;
    const end = matrix.offsets[row + 1]!;
    let k = matrix.offsets[row]!;
    for (; k + 2 <= end; k += 2) {
      const s0 = matrix.columns[k]! * l;
      const s1 = matrix.columns[k + 1]! * l;
      const v0 = matrix.values[k]!;
      const v1 = matrix.values[k + 1]!;
      for (let j = 0; j < l; j++) {
        let sum = out[target + j]!;
        sum += v0 * dense[s0 + j]!;
        sum += v1 * dense[s1 + j]!;
        out[target + j] = sum;
      }
    }
    if (k < end) {
      const source = matrix.columns[k]! * l;
      const value = matrix.values[k]!;
      for (let j = 0; j < l; j++) out[target + j]! += value * dense[source + j]!;
    }
  }
  return out;
}

/** X transposed, its rows (the tokens) listing the documents in order. */
function transpose(matrix: SparseRows, rows: number, tokens: number): SparseRows {
  const counts = new Int32Array(tokens + 1);
  for (const column of matrix.columns) counts[column + 1]! += 1;
  for (let token = 0; token < tokens; token++) counts[token + 1]! += counts[token]!;
  const offsets = counts;
  const next = Int32Array.from(counts);
  const columns = new Int32Array(matrix.columns.length);
  const values = new Float64Array(matrix.values.length);
  for (let row = 0; row < rows; row++) {
    for (let k = matrix.offsets[row]!; k < matrix.offsets[row + 1]!; k++) {
      const slot = next[matrix.columns[k]!]!++;
      columns[slot] = row;
      values[slot] = matrix.values[k]!;
    }
  }
  return { offsets, columns, values };
}

/**
 * The upper triangle of AᵀA, for A of `rows` × l held row by row. Four rows at a time: the l × l
 * result outgrows the CPU cache, so it is read and written once per four rows instead of once per
 * row; each entry still sums the rows in order, so the result is the same to the bit.
 */
function upperGram(matrix: Float64Array, rows: number, l: number): Float64Array {
  const gram = new Float64Array(l * l);
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const b0 = row * l;
    const b1 = b0 + l;
    const b2 = b1 + l;
    const b3 = b2 + l;
    for (let a = 0; a < l; a++) {
      const v0 = matrix[b0 + a]!;
      const v1 = matrix[b1 + a]!;
      const v2 = matrix[b2 + a]!;
      const v3 = matrix[b3 + a]!;
      if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
      const target = a * l;
      for (let b = a; b < l; b++) {
        let sum = gram[target + b]!;
        sum += v0 * matrix[b0 + b]!;
        sum += v1 * matrix[b1 + b]!;
        sum += v2 * matrix[b2 + b]!;
        sum += v3 * matrix[b3 + b]!;
        gram[target + b] = sum;
      }
    }
  }
  for (; row < rows; row++) {
    const base = row * l;
    for (let a = 0; a < l; a++) {
      const value = matrix[base + a]!;
      if (value === 0) continue;
      const target = a * l;
      for (let b = a; b < l; b++) gram[target + b]! += value * matrix[base + b]!;
    }
  }
  return gram;
}

/**
 * Orthonormalizes the l columns of a row-major (rows × l) matrix in place by Cholesky QR:
 * G = AᵀA, G = RᵀR, A ← A R⁻¹, which reads the matrix row by row where Gram–Schmidt walked it
 * column by column (a stride of l doubles; 83 % of the fit at 100,000 tickets). A second pass
 * (CholeskyQR2) restores the orthogonality rounding costs an ill-conditioned A. A column that
 * depends on the previous ones (a corpus with fewer distinct documents than columns) comes out as zeros.
 */
function orthonormalize(matrix: Float64Array, rows: number, l: number, passes = 1): void {
  for (let pass = 0; pass < passes; pass++) {
    const gram = upperGram(matrix, rows, l);
    // Upper Cholesky factor, held transposed (lower, row j = column j of R) for contiguous reads.
    const lower = new Float64Array(l * l);
    const inverseDiagonal = new Float64Array(l);
    let scale = 0;
    for (let j = 0; j < l; j++) scale = Math.max(scale, gram[j * l + j]!);
    for (let j = 0; j < l; j++) {
      let pivot = gram[j * l + j]!;
      for (let k = 0; k < j; k++) pivot -= lower[j * l + k]! ** 2;
      if (!(pivot > scale * 1e-12)) continue; // a dependent column: its row of R stays zero
      const diagonal = Math.sqrt(pivot);
      lower[j * l + j] = diagonal;
      inverseDiagonal[j] = 1 / diagonal;
      for (let i = j + 1; i < l; i++) {
        let sum = gram[j * l + i]!;
        for (let k = 0; k < j; k++) sum -= lower[i * l + k]! * lower[j * l + k]!;
        lower[i * l + j] = sum / diagonal;
      }
    }
    solveRows(matrix, rows, l, lower, inverseDiagonal);
  }
}

/**
 * Each row x of the matrix replaced by the solution of x R = a (forward substitution), R given by
 * its transpose `lower`; dependent columns give 0. Four rows at a time share each read of R, as
 * in `upperGram`; each row's sums run in the same order, so the result is the same to the bit.
 */
function solveRows(matrix: Float64Array, rows: number, l: number, lower: Float64Array, inverseDiagonal: Float64Array): void {
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
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
  for (; row < rows; row++) {
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

/** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi); returns values and column vectors. */
function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-30) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/**
 * The weight baked into each token's vector, i.e. its say in a text's vector.
 * - IDF without the +1 smoothing the fitted matrix uses: a token found in every document (".",
 *   "the") weighs nothing, instead of as much as a rare word.
 * - Nothing for tokens that are not words: punctuation and symbols, which full-text search drops
 *   too, and single characters, which are the tokenizer's alphabet for spelling words it does not
 *   know ("chen" → "che ##n", "don't" → "don ' t"). Measured on τ²-bench banking, whose long
 *   customer scripts are full of names, contractions, quotes and markdown: these tokens were a third
 *   of a query's weight, rare in the articles (so of high IDF) and fitted on a handful of rare
 *   words, and drew queries towards any passage with a table or a quote (vector recall@5 0.15 →
 *   0.39 without them). Han ideographs are kept: the tokenizer splits Chinese text into them, each a word.
 */
export function tokenWeights(vocabulary: readonly string[], documentFrequency: Float64Array, documents: number): Float64Array {
  return Float64Array.from(vocabulary, (token, id) => {
    const df = documentFrequency[id]!;
    if (id < SPECIAL_TOKENS.length || df === 0) return 0;
    const body = token.startsWith('##') ? token.slice(2) : token;
    if (!/[\p{L}\p{N}]/u.test(body)) return 0;
    if ([...body].length === 1 && !/\p{Script=Han}/u.test(body)) return 0;
    return Math.log((1 + documents) / (1 + df));
  });
}

/**
 * Each token's vector: its row of Bᵀ, weighted, times the l × dimensions projection. Four tokens
 * at a time share each read of the projection (larger than the CPU cache); each entry sums in the
 * same order as one token at a time, so the result is the same to the bit.
 */
function tokenVectors(bt: Float64Array, weights: Float64Array, projection: Float64Array, l: number, dimensions: number): Float64Array {
  const tokens = weights.length;
  const columns = new Float64Array(tokens * dimensions);
  const weighted = [...weights.keys()].filter((t) => weights[t] !== 0);
  let next = 0;
  for (; next + 4 <= weighted.length; next += 4) {
    const [t0, t1, t2, t3] = weighted.slice(next, next + 4) as [number, number, number, number];
    const c0 = t0 * dimensions;
    const c1 = t1 * dimensions;
    const c2 = t2 * dimensions;
    const c3 = t3 * dimensions;
    for (let i = 0; i < l; i++) {
      const v0 = bt[t0 * l + i]! * weights[t0]!;
      const v1 = bt[t1 * l + i]! * weights[t1]!;
      const v2 = bt[t2 * l + i]! * weights[t2]!;
      const v3 = bt[t3 * l + i]! * weights[t3]!;
      const source = i * dimensions;
      for (let d = 0; d < dimensions; d++) {
        const p = projection[source + d]!;
        columns[c0 + d]! += v0 * p;
        columns[c1 + d]! += v1 * p;
        columns[c2 + d]! += v2 * p;
        columns[c3 + d]! += v3 * p;
      }
    }
  }
  for (const t of weighted.slice(next)) {
    const target = t * dimensions;
    for (let i = 0; i < l; i++) {
      const value = bt[t * l + i]! * weights[t]!;
      if (value === 0) continue;
      const source = i * dimensions;
      for (let d = 0; d < dimensions; d++) columns[target + d]! += value * projection[source + d]!;
    }
  }
  return columns;
}

/** Fits the built-in model on a corpus; the same texts, order and seed give the same model. */
export async function fitBuiltinModel(texts: AsyncIterable<string> | Iterable<string>, options: FitOptions = {}): Promise<FittedModel> {
  const random = new Random(options.seed ?? 42);
  const maxDocuments = options.maxDocuments ?? 20_000;
  const words = new Map<string, number>();
  const sample: string[][] = [];
  let documents = 0;
  for await (const text of texts) {
    const tokens = preTokenize(text);
    if (tokens.length === 0) continue;
    for (const token of tokens) words.set(token, (words.get(token) ?? 0) + 1);
    documents++;
    // Reservoir sampling keeps a uniform sample of documents in constant memory.
    if (sample.length < maxDocuments) sample.push(tokens);
    else {
      const slot = Math.floor(random.next() * documents);
      if (slot < maxDocuments) sample[slot] = tokens;
    }
  }
  const vocabulary = learnVocabulary(words, options.vocabularySize ?? 20_000, options.minCount ?? 2);
  const ids = new Map(vocabulary.map((token, index) => [token, index]));
  const unknown = ids.get('[UNK]')!;
  const tokens = vocabulary.length;

  // Sublinear TF × IDF rows, L2-normalized, over the sampled documents.
  const rowsCounts = sample.map((words) => {
    const counts = new Map<number, number>();
    for (const word of words) for (const id of wordPiece(word, ids, unknown)) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  });
  const documentFrequency = new Float64Array(tokens);
  for (const counts of rowsCounts) for (const id of counts.keys()) documentFrequency[id]! += 1;
  const idf = Float64Array.from(documentFrequency, (df) => (df > 0 ? Math.log((1 + rowsCounts.length) / (1 + df)) + 1 : 0));
  for (let id = 0; id < SPECIAL_TOKENS.length; id++) idf[id] = 0;
  const weights = tokenWeights(vocabulary, documentFrequency, rowsCounts.length);
  const offsets = [0];
  const columnsOf: number[] = [];
  const valuesOf: number[] = [];
  for (const counts of rowsCounts) {
    const entries = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([id, count]) => [id, (1 + Math.log(count)) * idf[id]!] as const);
    const norm = Math.hypot(...entries.map(([, value]) => value)) || 1;
    for (const [id, value] of entries) {
      columnsOf.push(id);
      valuesOf.push(value / norm);
    }
    offsets.push(columnsOf.length);
  }
  const matrix: SparseRows = { offsets: Int32Array.from(offsets), columns: Int32Array.from(columnsOf), values: Float64Array.from(valuesOf) };

  const rows = rowsCounts.length;
  const dimensions = Math.max(1, Math.min(options.dimensions ?? 256, rows - 1, tokens - 1));
  const l = Math.min(dimensions + 10, rows, tokens);
  const omega = new Float64Array(tokens * l);
  for (let index = 0; index < omega.length; index++) omega[index] = gaussian(random);
  // Randomized range finder with two power iterations (Halko, Martinsson & Tropp), the basis
  // orthonormalized once per iteration (q ← orth(X Xᵀ q)): X Xᵀ q squares the condition number
  // of a basis that was orthonormal, far from what one Cholesky QR loses in float64, and
  // orthonormalizing Xᵀ q as well (tokens × l) doubled the time for the same vectors.
  const byToken = transpose(matrix, rows, tokens);
  let q = multiply(matrix, rows, omega, l);
  orthonormalize(q, rows, l);
  for (let iteration = 0; iteration < 2; iteration++) {
    q = multiply(matrix, rows, multiply(byToken, tokens, q, l), l);
    orthonormalize(q, rows, l, iteration === 1 ? 2 : 1);
  }
  // B = Qᵀ X, held transposed (tokens × l); B Bᵀ = Σ_t b_t b_tᵀ is small (l × l).
  const bt = multiply(byToken, tokens, q, l);
  const gram = upperGram(bt, tokens, l);
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!;
  const { values, vectors } = symmetricEigen(gram, l);
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, dimensions);

  // Token vectors: V = Bᵀ U Σ⁻¹, then each token's weight baked in, so that pooling gives the LSA projection.
  const projection = new Float64Array(l * dimensions);
  order.forEach((component, d) => {
    const sigma = Math.sqrt(Math.max(values[component]!, 1e-12));
    for (let i = 0; i < l; i++) projection[i * dimensions + d] = vectors[i * l + component]! / sigma;
  });
  const columns = tokenVectors(bt, weights, projection, l, dimensions);
  // SVD signs are arbitrary; fix them (the largest entry of each component positive) so a refit gives the same vectors.
  const largest = new Float64Array(dimensions);
  for (let t = 0; t < tokens; t++) {
    for (let d = 0; d < dimensions; d++) if (Math.abs(columns[t * dimensions + d]!) > Math.abs(largest[d]!)) largest[d] = columns[t * dimensions + d]!;
  }
  const out = new Float32Array(tokens * dimensions);
  for (let t = 0; t < tokens; t++) for (let d = 0; d < dimensions; d++) out[t * dimensions + d] = (largest[d]! < 0 ? -1 : 1) * columns[t * dimensions + d]!;
  return { vocabulary, vectors: out, vocabSize: tokens, dimensions, documents, sampled: rows };
}
