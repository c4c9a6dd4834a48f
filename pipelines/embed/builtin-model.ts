import { Random } from '../../datasets/text/random.ts';
import { solveRows, type Cholesky, type SparseRows } from './fit-kernels.ts';
import { fitThreadCount, openFitThreads, type FitThreads } from './fit-threads.ts';
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

/**
 * Power iterations of the randomized SVD. One instead of two lost vector-only retrieval (demo
 * policy top 3 0.888 → 0.873, τ²-bench recall@5 0.391 → 0.367) for a quarter of the fit's CPU.
 */
const POWER_ITERATIONS = 2;

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

/** X transposed, its rows (the tokens) listing the documents in order. */
function transpose(matrix: SparseRows, rows: number, tokens: number, fit: FitThreads): SparseRows {
  const counts = fit.int32(tokens + 1);
  for (const column of matrix.columns) counts[column + 1]! += 1;
  for (let token = 0; token < tokens; token++) counts[token + 1]! += counts[token]!;
  const offsets = counts;
  const next = Int32Array.from(counts);
  const columns = fit.int32(matrix.columns.length);
  const values = fit.float64(matrix.values.length);
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
 * Cholesky factor of a Gram matrix given by its upper triangle. A column whose pivot falls below
 * 1e-12 of the largest diagonal entry depends on the previous ones (a corpus with fewer distinct
 * documents than columns) and is left out.
 */
function cholesky(gram: Float64Array, l: number, fit: FitThreads): Cholesky {
  const lower = fit.float64(l * l);
  const inverseDiagonal = fit.float64(l);
  let scale = 0;
  for (let j = 0; j < l; j++) scale = Math.max(scale, gram[j * l + j]!);
  for (let j = 0; j < l; j++) {
    let pivot = gram[j * l + j]!;
    for (let k = 0; k < j; k++) pivot -= lower[j * l + k]! ** 2;
    if (!(pivot > scale * 1e-12)) continue;
    const diagonal = Math.sqrt(pivot);
    lower[j * l + j] = diagonal;
    inverseDiagonal[j] = 1 / diagonal;
    for (let i = j + 1; i < l; i++) {
      let sum = gram[j * l + i]!;
      for (let k = 0; k < j; k++) sum -= lower[i * l + k]! * lower[j * l + k]!;
      lower[i * l + j] = sum / diagonal;
    }
  }
  return { lower, inverseDiagonal };
}

/** The upper triangle of AᵀA (l × l), for A of `rows` × l held row by row. */
async function upperGram(fit: FitThreads, matrix: Float64Array, rows: number, l: number): Promise<Float64Array> {
  const gram = fit.float64(l * l);
  await fit.run({ kernel: 'upperGram', matrix, rows, l, gram });
  return gram;
}

/**
 * Orthonormalizes the l columns of a row-major (rows × l) matrix in place by Cholesky QR:
 * G = AᵀA = L Lᵀ, A ← A L⁻ᵀ, which reads the matrix row by row where Gram–Schmidt walked it
 * column by column (a stride of l doubles). A dependent column comes out as zeros.
 */
async function orthonormalize(fit: FitThreads, matrix: Float64Array, rows: number, l: number): Promise<void> {
  const factor = cholesky(await upperGram(fit, matrix, rows, l), l, fit);
  await fit.run({ kernel: 'solve', matrix, rows, l, factor });
}

/**
 * Eigen-decomposition of a small symmetric matrix (n × n, row-major): Householder reduction to
 * tridiagonal form, then the implicit QL method (tred2 and tql2, as in EISPACK and JAMA). Returns
 * the values and the vectors as columns. Cyclic Jacobi took a tenth of the fit at n = 266: each
 * of its ten or so sweeps costs what the whole reduction does.
 */
function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = Float64Array.from(input);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(v, d, e, n);
  diagonalize(v, d, e, n);
  return { values: d, vectors: v };
}

/** tred2: on return `d` holds the diagonal, `e` the subdiagonal (e[0] = 0) and `v` the accumulated transformation. */
function tridiagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j]! * d[k]!;
          e[k]! += v[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
        for (let k = 0; k <= i; k++) v[k * n + j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[(n - 1) * n + j]!;
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** tql2: the tridiagonal matrix's eigenvalues into `d`, the rotations applied to the columns of `v`. */
function diagonalize(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let shift = 0;
  let norm = 0;
  const epsilon = 2 ** -52;
  for (let l = 0; l < n; l++) {
    norm = Math.max(norm, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > epsilon * norm) m++;
    if (m > l) {
      do {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const next = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        shift += h;
        p = d[m]!;
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const subdiagonal = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            const right = v[k * n + i + 1]!;
            v[k * n + i + 1] = s * v[k * n + i]! + c * right;
            v[k * n + i] = c * v[k * n + i]! - s * right;
          }
        }
        p = (-s * s2 * c3 * subdiagonal * e[l]!) / next;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > epsilon * norm);
    }
    d[l]! += shift;
    e[l] = 0;
  }
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
 * The l × dimensions matrix that turns a token's row of W = XᵀY into its LSA vector: the
 * Rayleigh–Ritz step on the span of Y, without making Y orthonormal first. With YᵀY = L Lᵀ,
 * Q = Y L⁻ᵀ is an orthonormal basis of that span, B = QᵀX has B Bᵀ = L⁻¹ WᵀW L⁻ᵀ (l × l), and
 * the token vectors Bᵀ U Σ⁻¹ are W L⁻ᵀ U Σ⁻¹. The same vectors, up to rounding, as orthonormalizing
 * Y twice (CholeskyQR2) and multiplying again, which cost four passes over the rows × l basis
 * where YᵀY costs one. YᵀY is only as ill-conditioned as one power iteration makes it, far from
 * what float64 loses.
 */
async function singularProjection(fit: FitThreads, basis: Float64Array, rows: number, byTokenBasis: Float64Array, tokens: number, l: number, dimensions: number): Promise<Float64Array> {
  const factor = cholesky(await upperGram(fit, basis, rows, l), l, fit);
  const gram = await upperGram(fit, byTokenBasis, tokens, l);
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!;
  // WᵀW L⁻ᵀ, transposed (L⁻¹ WᵀW, WᵀW being symmetric), times L⁻ᵀ again.
  solveRows(gram, l, factor, 0, l);
  const reduced = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) reduced[j * l + i] = gram[i * l + j]!;
  solveRows(reduced, l, factor, 0, l);
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) reduced[i * l + j] = reduced[j * l + i]!;
  const { values, vectors } = symmetricEigen(reduced, l);
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, dimensions);
  // L⁻ᵀ U Σ⁻¹ by back substitution, one component at a time.
  const projection = new Float64Array(l * dimensions);
  order.forEach((component, d) => {
    const inverseSigma = 1 / Math.sqrt(Math.max(values[component]!, 1e-12));
    for (let i = l - 1; i >= 0; i--) {
      if (factor.inverseDiagonal[i] === 0) continue;
      let sum = vectors[i * l + component]! * inverseSigma;
      for (let k = i + 1; k < l; k++) sum -= factor.lower[k * l + i]! * projection[k * dimensions + d]!;
      projection[i * dimensions + d] = sum * factor.inverseDiagonal[i]!;
    }
  });
  return projection;
}

/** Each token's vector: its row of W times the l × dimensions projection, weighted; tokens of no weight stay zero. */
async function tokenVectors(fit: FitThreads, byTokenBasis: Float64Array, weights: Float64Array, projection: Float64Array, l: number, dimensions: number): Promise<Float64Array> {
  const components = fit.float64(dimensions * l);
  for (let i = 0; i < l; i++) for (let d = 0; d < dimensions; d++) components[d * l + i] = projection[i * dimensions + d]!;
  const out = fit.float64(weights.length * dimensions);
  const weighted = [...weights.keys()].filter((t) => weights[t] !== 0);
  const tokens = fit.int32(weighted.length);
  tokens.set(weighted);
  await fit.run({ kernel: 'tokenVectors', byTokenBasis, weights, components, l, dimensions, tokens, out });
  return out;
}

/** Reservoir sampling keeps a uniform sample of documents in constant memory; every document's words are counted. */
async function sampleCorpus(texts: AsyncIterable<string> | Iterable<string>, maxDocuments: number, random: Random): Promise<{ words: Map<string, number>; sample: string[][]; documents: number }> {
  const words = new Map<string, number>();
  const sample: string[][] = [];
  let documents = 0;
  for await (const text of texts) {
    const tokens = preTokenize(text);
    if (tokens.length === 0) continue;
    for (const token of tokens) words.set(token, (words.get(token) ?? 0) + 1);
    documents++;
    if (sample.length < maxDocuments) sample.push(tokens);
    else {
      const slot = Math.floor(random.next() * documents);
      if (slot < maxDocuments) sample[slot] = tokens;
    }
  }
  return { words, sample, documents };
}

/**
 * The sampled documents as sublinear TF × IDF rows, L2-normalized (CSR), and each token's
 * document frequency. Each distinct word is split into pieces once, and counts go to a typed
 * array by token id: a Map per document and a WordPiece per occurrence were a tenth of the fit.
 */
function documentMatrix(sample: readonly string[][], vocabulary: readonly string[], fit: FitThreads): { matrix: SparseRows; documentFrequency: Float64Array } {
  const ids = new Map(vocabulary.map((token, index) => [token, index]));
  const unknown = ids.get('[UNK]')!;
  const piecesOf = new Map<string, number[]>();
  const counts = new Int32Array(vocabulary.length);
  const documentFrequency = new Float64Array(vocabulary.length);
  const offsets = fit.int32(sample.length + 1);
  const found: number[] = [];
  const termCounts: number[] = [];
  for (let row = 0; row < sample.length; row++) {
    const start = found.length;
    for (const word of sample[row]!) {
      let pieces = piecesOf.get(word);
      if (pieces === undefined) piecesOf.set(word, (pieces = wordPiece(word, ids, unknown)));
      for (const id of pieces) if (counts[id]!++ === 0) found.push(id);
    }
    const present = Int32Array.from(found.slice(start)).sort();
    for (let index = 0; index < present.length; index++) {
      const id = present[index]!;
      found[start + index] = id;
      termCounts.push(counts[id]!);
      documentFrequency[id]! += 1;
      counts[id] = 0;
    }
    offsets[row + 1] = found.length;
  }
  const columns = fit.int32(found.length);
  columns.set(found);
  const values = fit.float64(termCounts.length);
  values.set(termCounts);
  const idf = Float64Array.from(documentFrequency, (df, id) => (df > 0 && id >= SPECIAL_TOKENS.length ? Math.log((1 + sample.length) / (1 + df)) + 1 : 0));
  for (let row = 0; row < sample.length; row++) {
    let squares = 0;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) {
      values[k] = (1 + Math.log(values[k]!)) * idf[columns[k]!]!;
      squares += values[k]! ** 2;
    }
    const norm = Math.sqrt(squares) || 1;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) values[k]! /= norm;
  }
  return { matrix: { offsets, columns, values }, documentFrequency };
}

/**
 * The vocabulary and the sampled documents' matrix, and the threads that will fit on it, started
 * as soon as the sample's size is known so that they load while the matrix is built. The sample's
 * words and the word counts are left behind when it returns: kept alive through the SVD, they
 * made every garbage collection walk a million strings.
 */
async function corpusMatrix(
  texts: AsyncIterable<string> | Iterable<string>,
  options: FitOptions,
  random: Random,
  run: FitRun,
): Promise<{ fit: FitThreads; vocabulary: string[]; documents: number; rows: number; matrix: SparseRows; documentFrequency: Float64Array }> {
  const { words, sample, documents } = await sampleCorpus(texts, options.maxDocuments ?? 20_000, random);
  const fit = openFitThreads(run.threads ?? fitThreadCount(sample.length));
  try {
    const vocabulary = learnVocabulary(words, options.vocabularySize ?? 20_000, options.minCount ?? 2);
    return { fit, vocabulary, documents, rows: sample.length, ...documentMatrix(sample, vocabulary, fit) };
  } catch (error) {
    await fit.close();
    throw error;
  }
}

/** How a fit runs, not what it fits: any number of threads gives the same model to the bit. */
export interface FitRun {
  /** This thread and workers. @default the machine's cores, up to 4; 1 below 2,000 sampled documents */
  threads?: number;
}

/** Fits the built-in model on a corpus; the same texts, order and seed give the same model. */
export async function fitBuiltinModel(texts: AsyncIterable<string> | Iterable<string>, options: FitOptions = {}, run: FitRun = {}): Promise<FittedModel> {
  const random = new Random(options.seed ?? 42);
  const { fit, vocabulary, documents, rows, matrix, documentFrequency } = await corpusMatrix(texts, options, random, run);
  try {
    const tokens = vocabulary.length;
    const weights = tokenWeights(vocabulary, documentFrequency, rows);
    const dimensions = Math.max(1, Math.min(options.dimensions ?? 256, rows - 1, tokens - 1));
    const l = Math.min(dimensions + 10, rows, tokens);
    // The test matrix Ω (tokens × l), in the buffer that later holds Xᵀ times the basis. Random
    // signs test the range as Gaussian draws do, for one draw an entry instead of two, a logarithm
    // and a cosine.
    const byTokenBasis = fit.float64(tokens * l);
    for (let index = 0; index < byTokenBasis.length; index++) byTokenBasis[index] = random.next() < 0.5 ? -1 : 1;
    // Randomized range finder with power iterations (Halko, Martinsson & Tropp), the basis
    // orthonormalized before each (y ← X Xᵀ orth(y)): X Xᵀ y squares the condition number of the
    // basis, and orthonormalizing Xᵀ y as well (tokens × l) doubled the time for the same vectors.
    // Xᵀ takes X by token, since scattering X's rows into a tokens × l result missed the CPU cache.
    const byToken = transpose(matrix, rows, tokens, fit);
    const basis = fit.float64(rows * l);
    const xTimes = (dense: Float64Array, out: Float64Array) => fit.run({ kernel: 'multiply', matrix, rows, dense, l, out });
    const xTransposedTimes = (dense: Float64Array, out: Float64Array) => fit.run({ kernel: 'multiply', matrix: byToken, rows: tokens, dense, l, out });
    await xTimes(byTokenBasis, basis);
    for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
      await orthonormalize(fit, basis, rows, l);
      await xTransposedTimes(basis, byTokenBasis);
      await xTimes(byTokenBasis, basis);
    }
    await xTransposedTimes(basis, byTokenBasis);
    const projection = await singularProjection(fit, basis, rows, byTokenBasis, tokens, l, dimensions);
    // Each token's weight baked in, so that pooling gives the LSA projection.
    const columns = await tokenVectors(fit, byTokenBasis, weights, projection, l, dimensions);
    // SVD signs are arbitrary; fix them (the largest entry of each component positive) so a refit gives the same vectors.
    const largest = new Float64Array(dimensions);
    for (let t = 0; t < tokens; t++) {
      for (let d = 0; d < dimensions; d++) if (Math.abs(columns[t * dimensions + d]!) > Math.abs(largest[d]!)) largest[d] = columns[t * dimensions + d]!;
    }
    const out = new Float32Array(tokens * dimensions);
    for (let t = 0; t < tokens; t++) for (let d = 0; d < dimensions; d++) out[t * dimensions + d] = (largest[d]! < 0 ? -1 : 1) * columns[t * dimensions + d]!;
    return { vocabulary, vectors: out, vocabSize: tokens, dimensions, documents, sampled: rows };
  } finally {
    await fit.close();
  }
}
