import { Random } from '../../datasets/text/random.ts';
import type { JudgeScore } from './types.ts';

/**
 * Semantic agreement between the answer and the agent's reply. Raw cosine similarity means
 * different things for different models (a static model's unrelated texts sit near 0.3, a
 * transformer's near 0.7), so scores are percentiles against the same model:
 *
 * - `semantic` compares the answer with the agent replies of the *nearest other* tickets (by the
 *   customer's question, same language): 0.9 means "closer to this ticket's reply than to 90% of
 *   the replies to similar questions". A reply to a neighbouring question (another product, another
 *   problem) no longer scores high just for being about the same topic.
 * - `topic` compares it with replies to *random* other tickets: it only tells an off-topic answer.
 *
 * Neither can make an answer correct on its own (see verdict.ts): closeness is not a checked fact.
 */

export interface SemanticPair {
  answer: Float32Array;
  reference: Float32Array;
  /** Pairs are compared with unrelated replies of the same group (the ticket's language). */
  group?: string;
}

/** The null distributions: one per group, and `*` over all pairs for groups too small to have their own. */
export type UnrelatedSimilarities = Map<string, Float64Array>;
const ALL = '*';

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
  return dot;
}

/**
 * Similarities of answers to the replies of other tickets, sorted: the null distribution. A pair's
 * draws are made first, then three of their similarities at a time (each summed in the order
 * `cosine` sums it, so the same to the bit): the answer is read once for three replies, and the
 * three, at random places in memory, are read together (31,415 pairs: 230–280 → 114–123 ms).
 */
function drawUnrelated(pairs: readonly SemanticPair[], random: Random, perPair: number): Float64Array {
  if (pairs.length < 2) return new Float64Array(0);
  const values = new Float64Array(pairs.length * perPair);
  const others: Float32Array[] = new Array(perPair);
  let next = 0;
  pairs.forEach((pair, index) => {
    for (let draw = 0; draw < perPair; draw++) {
      let other = Math.floor(random.next() * (pairs.length - 1));
      if (other >= index) other++;
      others[draw] = pairs[other]!.reference;
    }
    cosinesInto(pair.answer, others, values, next);
    next += perPair;
  });
  return values.sort();
}

/** `cosine` of `a` with each of `vectors`, into `into` from `at`, three at a time. */
function cosinesInto(a: Float32Array, vectors: readonly Float32Array[], into: Float64Array, at: number): void {
  let index = 0;
  for (; index + 3 <= vectors.length; index += 3) threeCosines(a, vectors[index]!, vectors[index + 1]!, vectors[index + 2]!, into, at + index);
  for (; index < vectors.length; index++) into[at + index] = cosine(a, vectors[index]!);
}

/** `cosine` of `a` with each of three vectors, into `into` from `at`. */
function threeCosines(a: Float32Array, b0: Float32Array, b1: Float32Array, b2: Float32Array, into: Float64Array, at: number): void {
  let dot0 = 0;
  let dot1 = 0;
  let dot2 = 0;
  for (let index = 0; index < a.length; index++) {
    const value = a[index]!;
    dot0 += value * b0[index]!;
    dot1 += value * b1[index]!;
    dot2 += value * b2[index]!;
  }
  into[at] = dot0;
  into[at + 1] = dot1;
  into[at + 2] = dot2;
}

/**
 * Unrelated replies are drawn from the same language: across languages every reply looks
 * unrelated, so any same-language answer, right or wrong, would score near 1.
 */
export function unrelatedSimilarities(pairs: readonly SemanticPair[], seed: number, perPair = 3): UnrelatedSimilarities {
  const random = new Random(seed);
  const nulls: UnrelatedSimilarities = new Map([[ALL, drawUnrelated(pairs, random, perPair)]]);
  for (const [key, members] of byGroup(pairs)) if (key !== ALL) nulls.set(key, drawUnrelated(members, random, perPair));
  return nulls;
}

/** Members by their group (the ticket's language), in the groups' sorted order so seeded draws do not depend on input order. */
export function byGroup<T extends { group?: string }>(members: readonly T[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const member of members) {
    const key = member.group ?? ALL;
    const list = groups.get(key);
    if (list) list.push(member);
    else groups.set(key, [member]);
  }
  return [...groups].sort((a, b) => a[0].localeCompare(b[0]));
}

/** Share of the null distribution strictly below `similarity` (binary search). */
function percentile(sorted: Float64Array, similarity: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < similarity) low = middle + 1;
    else high = middle;
  }
  return low / sorted.length;
}

/** Needs a null distribution of at least this many draws to say anything. */
const MIN_NULL = 30;

/** Off-topic or not: the answer's closeness to the agent's reply against replies to random other tickets. */
export function judgeTopic(pair: SemanticPair, nulls: UnrelatedSimilarities): JudgeScore & { similarity: number } {
  const similarity = cosine(pair.answer, pair.reference);
  const own = pair.group === undefined ? undefined : nulls.get(pair.group);
  const unrelated = own && own.length >= MIN_NULL ? own : (nulls.get(ALL) ?? new Float64Array(0));
  if (unrelated.length < MIN_NULL) {
    return { judge: 'topic', score: null, similarity, reason: `too few tickets to calibrate similarity (cosine ${similarity.toFixed(2)})` };
  }
  const score = percentile(unrelated, similarity);
  return { judge: 'topic', score, similarity, reason: `closer to the agent's reply than ${Math.round(score * 100)}% of answers to random other tickets (cosine ${similarity.toFixed(2)})` };
}

/** Vectors of one length, one after another in one array: a pool's products read memory in order. */
export interface StackedVectors {
  values: Float32Array;
  count: number;
  dimensions: number;
}

export function stackedVectors(vectors: readonly Float32Array[]): StackedVectors {
  const dimensions = vectors[0]?.length ?? 0;
  const values = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, index) => values.set(vector, index * dimensions));
  return { values, count: vectors.length, dimensions };
}

/**
 * The dot products of the vector at `first` in `left` with the four stacked at `at0` to `at3`, each
 * summed in the same order as `cosine` (products of two floats are exact in doubles), so every
 * similarity, and every ranking read from it, is the same to the bit. Four sums at once rather
 * than one after another: each addition waits for the one before it in its own sum only.
 */
function fourDots(left: Float32Array, first: number, values: Float32Array, at0: number, at1: number, at2: number, at3: number, dimensions: number, into: Float64Array): void {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = left[first + index]!;
    sum0 += value * values[at0 + index]!;
    sum1 += value * values[at1 + index]!;
    sum2 += value * values[at2 + index]!;
    sum3 += value * values[at3 + index]!;
  }
  into[0] = sum0;
  into[1] = sum1;
  into[2] = sum2;
  into[3] = sum3;
}

/** The four stacked vectors from `second` on, as fourDots reads them. */
function fourOn(left: Float32Array, first: number, values: Float32Array, second: number, dimensions: number, into: Float64Array): void {
  fourDots(left, first, values, second, second + dimensions, second + 2 * dimensions, second + 3 * dimensions, dimensions, into);
}

export function oneDot(left: Float32Array, first: number, values: Float32Array, second: number, dimensions: number): number {
  let sum = 0;
  for (let index = 0; index < dimensions; index++) sum += left[first + index]! * values[second + index]!;
  return sum;
}

/** The largest length of the stacked vectors. */
export function maxNorm({ values, count, dimensions }: StackedVectors): number {
  let largest = 0;
  for (let row = 0; row < count; row++) largest = Math.max(largest, Math.sqrt(oneDot(values, row * dimensions, values, row * dimensions, dimensions)));
  return largest;
}

/** The similarities between every two stacked vectors (a square matrix, row by row), each pair computed once. */
export function pairwiseDots({ values, count, dimensions }: StackedVectors): Float64Array {
  const similarities = new Float64Array(count * count);
  const four = new Float64Array(4);
  for (let row = 0; row < count; row++) {
    const rowStart = row * count;
    let column = row + 1;
    for (; column + 4 <= count; column += 4) {
      fourOn(values, row * dimensions, values, column * dimensions, dimensions, four);
      similarities.set(four, rowStart + column);
    }
    for (; column < count; column++) similarities[rowStart + column] = oneDot(values, row * dimensions, values, column * dimensions, dimensions);
  }
  // The lower half mirrors the upper: a cosine sums the same products in the same order either way round.
  for (let row = 0; row < count; row++) for (let column = 0; column < row; column++) similarities[row * count + column] = similarities[column * count + row]!;
  return similarities;
}

/** The similarity of `vector` to each stacked vector, written into `into`. */
export function dotsWith({ values, count, dimensions }: StackedVectors, vector: Float32Array, into: Float64Array): Float64Array {
  const four = new Float64Array(4);
  let row = 0;
  for (; row + 4 <= count; row += 4) {
    fourOn(vector, 0, values, row * dimensions, dimensions, four);
    into.set(four, row);
  }
  for (; row < count; row++) into[row] = oneDot(vector, 0, values, row * dimensions, dimensions);
  return into;
}

/** The similarity of `vector` to the first `count` of the listed stacked vectors, each written into `into` at its row. */
export function dotsWithRows({ values, dimensions }: StackedVectors, vector: Float32Array, rows: Int32Array, count: number, into: Float64Array): void {
  const four = new Float64Array(4);
  let at = 0;
  for (; at + 4 <= count; at += 4) {
    fourDots(vector, 0, values, rows[at]! * dimensions, rows[at + 1]! * dimensions, rows[at + 2]! * dimensions, rows[at + 3]! * dimensions, dimensions, four);
    for (let offset = 0; offset < 4; offset++) into[rows[at + offset]!] = four[offset]!;
  }
  for (; at < count; at++) into[rows[at]!] = oneDot(vector, 0, values, rows[at]! * dimensions, dimensions);
}

/**
 * The similarities of two vectors to each stacked vector, written into `intoFirst` and
 * `intoSecond`: each stacked value is read once for both, eight sums at a time, each summed in the
 * same order as `cosine`.
 */
export function dotsWithTwo({ values, count, dimensions }: StackedVectors, first: Float32Array, second: Float32Array, intoFirst: Float64Array, intoSecond: Float64Array): void {
  let row = 0;
  for (; row + 4 <= count; row += 4) {
    let first0 = 0;
    let first1 = 0;
    let first2 = 0;
    let first3 = 0;
    let second0 = 0;
    let second1 = 0;
    let second2 = 0;
    let second3 = 0;
    const at0 = row * dimensions;
    const at1 = at0 + dimensions;
    const at2 = at1 + dimensions;
    const at3 = at2 + dimensions;
    for (let index = 0; index < dimensions; index++) {
      const a = first[index]!;
      const b = second[index]!;
      const value0 = values[at0 + index]!;
      const value1 = values[at1 + index]!;
      const value2 = values[at2 + index]!;
      const value3 = values[at3 + index]!;
      first0 += a * value0;
      first1 += a * value1;
      first2 += a * value2;
      first3 += a * value3;
      second0 += b * value0;
      second1 += b * value1;
      second2 += b * value2;
      second3 += b * value3;
    }
    intoFirst[row] = first0;
    intoFirst[row + 1] = first1;
    intoFirst[row + 2] = first2;
    intoFirst[row + 3] = first3;
    intoSecond[row] = second0;
    intoSecond[row + 1] = second1;
    intoSecond[row + 2] = second2;
    intoSecond[row + 3] = second3;
  }
  for (; row < count; row++) {
    intoFirst[row] = oneDot(first, 0, values, row * dimensions, dimensions);
    intoSecond[row] = oneDot(second, 0, values, row * dimensions, dimensions);
  }
}

/**
 * The similarities of each of `vectors` to every stacked vector, handed to `visit` in the vectors'
 * order (the array is reused: read it before returning). Two vectors at a time (`dotsWithTwo`):
 * each stacked value is read once for both.
 */
export function eachDotsWith(stacked: StackedVectors, vectors: readonly Float32Array[], visit: (index: number, dots: Float64Array) => void): void {
  const [first, second] = [new Float64Array(stacked.count), new Float64Array(stacked.count)];
  let index = 0;
  for (; index + 2 <= vectors.length; index += 2) {
    dotsWithTwo(stacked, vectors[index]!, vectors[index + 1]!, first, second);
    visit(index, first);
    visit(index + 1, second);
  }
  if (index < vectors.length) visit(index, dotsWith(stacked, vectors[index]!, first));
}

/** Scratch for countBelow, grown to the longest list of negatives: a judging thread scores one answer at a time. */
let similarities = new Float64Array(16);

/** How many of `vectors` are less similar to `vector` than `bound`, their similarities summed as the unrelated draws' are. */
function countBelow(vector: Float32Array, vectors: readonly Float32Array[], bound: number): number {
  if (similarities.length < vectors.length) similarities = new Float64Array(vectors.length);
  cosinesInto(vector, vectors, similarities, 0);
  let below = 0;
  for (let index = 0; index < vectors.length; index++) if (similarities[index]! < bound) below++;
  return below;
}

/** Fewer hard negatives than this and the percentile says too little. */
const MIN_NEGATIVES = 5;

/** Meaning: the answer's closeness to the agent's reply against the replies to similar questions. */
export function judgeSemantic(pair: SemanticPair, negatives: readonly Float32Array[]): JudgeScore & { similarity: number } {
  const similarity = cosine(pair.answer, pair.reference);
  if (negatives.length < MIN_NEGATIVES) {
    return { judge: 'semantic', score: null, similarity, reason: `too few similar tickets with other replies to compare with (cosine ${similarity.toFixed(2)})` };
  }
  const closer = countBelow(pair.answer, negatives, similarity);
  const score = closer / negatives.length;
  return {
    judge: 'semantic',
    score,
    similarity,
    reason: `closer to the agent's reply than to ${closer} of the ${negatives.length} replies to the most similar other tickets (cosine ${similarity.toFixed(2)})`,
  };
}
