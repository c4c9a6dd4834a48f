import { Random } from '../../datasets/demo/random.ts';
import type { JudgeScore } from './types.ts';

/**
 * Semantic agreement between the answer and the agent's reply. Raw cosine similarity means
 * different things for different models (a static model's unrelated texts sit near 0.3, a
 * transformer's near 0.7), so the score is calibrated against the same model's similarity of
 * the answer to *unrelated* agent replies: 0.95 means "closer to the agent's reply than 95% of
 * answers to other tickets are".
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

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
  return dot;
}

/** Similarities of answers to the replies of other tickets, sorted: the null distribution. */
function drawUnrelated(pairs: readonly SemanticPair[], random: Random, perPair: number): Float64Array {
  if (pairs.length < 2) return new Float64Array(0);
  const values: number[] = [];
  pairs.forEach((pair, index) => {
    for (let draw = 0; draw < perPair; draw++) {
      let other = Math.floor(random.next() * (pairs.length - 1));
      if (other >= index) other++;
      values.push(cosine(pair.answer, pairs[other]!.reference));
    }
  });
  return Float64Array.from(values).sort();
}

/**
 * Unrelated replies are drawn from the same language: across languages every reply looks
 * unrelated, so any same-language answer, right or wrong, would score near 1.
 */
export function unrelatedSimilarities(pairs: readonly SemanticPair[], seed: number, perPair = 3): UnrelatedSimilarities {
  const random = new Random(seed);
  const groups = new Map<string, SemanticPair[]>();
  for (const pair of pairs) {
    const key = pair.group ?? ALL;
    const members = groups.get(key);
    if (members) members.push(pair);
    else groups.set(key, [pair]);
  }
  const nulls: UnrelatedSimilarities = new Map([[ALL, drawUnrelated(pairs, random, perPair)]]);
  for (const [key, members] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) if (key !== ALL) nulls.set(key, drawUnrelated(members, random, perPair));
  return nulls;
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

export function judgeSemantic(pair: SemanticPair, nulls: UnrelatedSimilarities): JudgeScore & { similarity: number } {
  const similarity = cosine(pair.answer, pair.reference);
  const own = pair.group === undefined ? undefined : nulls.get(pair.group);
  const unrelated = own && own.length >= MIN_NULL ? own : (nulls.get(ALL) ?? new Float64Array(0));
  if (unrelated.length < MIN_NULL) {
    return { judge: 'semantic', score: null, similarity, reason: `too few tickets to calibrate similarity (cosine ${similarity.toFixed(2)})` };
  }
  const score = percentile(unrelated, similarity);
  return { judge: 'semantic', score, similarity, reason: `closer to the agent's reply than ${Math.round(score * 100)}% of answers to other tickets (cosine ${similarity.toFixed(2)})` };
}
