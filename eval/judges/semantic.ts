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
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
  return dot;
}

/** Similarities of answers to the replies of other tickets, sorted: the null distribution. */
export function unrelatedSimilarities(pairs: readonly SemanticPair[], seed: number, perPair = 3): Float64Array {
  if (pairs.length < 2) return new Float64Array(0);
  const random = new Random(seed);
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

export function judgeSemantic(pair: SemanticPair, unrelated: Float64Array): JudgeScore & { similarity: number } {
  const similarity = cosine(pair.answer, pair.reference);
  if (unrelated.length < MIN_NULL) {
    return { judge: 'semantic', score: null, similarity, reason: `too few tickets to calibrate similarity (cosine ${similarity.toFixed(2)})` };
  }
  const score = percentile(unrelated, similarity);
  return { judge: 'semantic', score, similarity, reason: `closer to the agent's reply than ${Math.round(score * 100)}% of answers to other tickets (cosine ${similarity.toFixed(2)})` };
}
