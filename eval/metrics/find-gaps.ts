import { Random } from '../../datasets/text/random.ts';
import { openRowProducts, roughSlack } from '../../pipelines/vector-scan.ts';
import { dotsWith, eachDotsWith, maxNorm, oneDot, stackedVectors } from '../judges/semantic.ts';
import { gapWords, type GapInput, type KnowledgeGap } from './gaps.ts';

/** Finding the knowledge gaps of a run (gaps.ts says what they are); apart from it, which the report page's script bundles: this module runs onnxruntime. */

/**
 * Members from which k-means picks the centres to sum with onnxruntime's products, whose session
 * takes 4-90 ms to open with the members in it. Ten assignments of 12 centres (random vectors,
 * three tries each, under load): 1,000 members 18-30 ms summing every similarity, 17-52 ms so;
 * 2,000 members 40-42 against 16-47 ms; 5,000 members 70-129 against 30-108 ms.
 */
const ROUGH_MIN_MEMBERS = 2_000;

/**
 * Spherical k-means with k-means++ seeding: vectors are unit length, so the dot product is the
 * similarity. Every similarity read is summed as `oneDot` sums it (`dotsWith`, `nearestCentres`), so
 * each closeness, and each assignment, is the same to the bit.
 */
async function cluster(vectors: readonly Float32Array[], k: number, seed: number): Promise<Int32Array> {
  const random = new Random(seed);
  const dimensions = vectors[0]!.length;
  const stacked = stackedVectors(vectors);
  const centres: Float32Array[] = [vectors[Math.floor(random.next() * vectors.length)]!];
  // Each vector's closeness to its nearest centre so far, updated with each new centre only.
  const nearest = dotsWith(stacked, centres[0]!, new Float64Array(vectors.length));
  const closeness = new Float64Array(vectors.length);
  const distances = new Float64Array(vectors.length);
  while (centres.length < k) {
    let total = 0;
    for (let member = 0; member < vectors.length; member++) {
      distances[member] = Math.max(0, 1 - nearest[member]!);
      total += distances[member]!;
    }
    if (total === 0) break;
    let pick = random.next() * total;
    const index = distances.findIndex((distance) => (pick -= distance) <= 0);
    const centre = vectors[index < 0 ? vectors.length - 1 : index]!;
    centres.push(centre);
    dotsWith(stacked, centre, closeness);
    for (let member = 0; member < vectors.length; member++) nearest[member] = Math.max(nearest[member]!, closeness[member]!);
  }
  let assignment = new Int32Array(vectors.length).fill(-1);
  let next = new Int32Array(vectors.length);
  const products = vectors.length >= ROUGH_MIN_MEMBERS ? await openRowProducts(stacked.values, dimensions) : undefined;
  const longest = maxNorm(stacked);
  try {
    for (let iteration = 0; iteration < 25; iteration++) {
      nearestCentres(vectors, centres, next, products && { products: await Promise.all(centres.map((centre) => products.of(centre))), longest });
      const changed = next.some((centre, index) => centre !== assignment[index]);
      if (!changed) break;
      [assignment, next] = [next, assignment];
      // Every centre's sum in one pass over the vectors, each summed in the same order as before.
      const sums = centres.map(() => new Float32Array(dimensions));
      vectors.forEach((vector, member) => {
        const sum = sums[assignment[member]!]!;
        for (let d = 0; d < dimensions; d++) sum[d]! += vector[d]!;
      });
      sums.forEach((sum, index) => {
        const norm = Math.hypot(...sum);
        if (norm > 0) centres[index] = sum.map((value) => value / norm);
      });
    }
  } finally {
    await products?.release();
  }
  return assignment;
}

/**
 * Each member's nearest centre: the first of the most similar, every similarity summed as `oneDot`
 * sums it. `rough`, each centre's 32-bit products with every member (onnxruntime's) and the
 * longest member's length, picks the centres worth summing so: the most similar centres are within
 * `roughSlack` of the largest product and every other one is less similar. A member with one such
 * centre needs no sum; one with a NaN product is summed in full.
 */
export function nearestCentres(members: readonly Float32Array[], centres: readonly Float32Array[], into: Int32Array, rough?: { products: readonly Float32Array[]; longest: number }): void {
  const stackedCentres = stackedVectors(centres);
  const { dimensions } = stackedCentres;
  const firstNearest = (closeness: ArrayLike<number>, skip?: (centre: number) => boolean) => {
    let best = -1;
    let bestCloseness = 0;
    for (let centre = 0; centre < closeness.length; centre++) {
      if (skip?.(centre)) continue;
      if (best < 0 || closeness[centre]! > bestCloseness) {
        best = centre;
        bestCloseness = closeness[centre]!;
      }
    }
    return best;
  };
  if (!rough) {
    eachDotsWith(stackedCentres, members, (member, closeness) => (into[member] = firstNearest(closeness)));
    return;
  }
  const slack = roughSlack(dimensions, rough.longest * maxNorm(stackedCentres));
  const closeness = new Float64Array(centres.length);
  for (let member = 0; member < members.length; member++) {
    let largest = Number.NEGATIVE_INFINITY;
    for (const products of rough.products) largest = Math.max(largest, products[member]!);
    // Below this product a centre is less similar than the nearest; NaN (a NaN product) passes every centre.
    const cut = largest - slack;
    let near = 0;
    let only = 0;
    for (let centre = 0; centre < centres.length; centre++) {
      if (!(rough.products[centre]![member]! < cut)) {
        near++;
        only = centre;
      }
    }
    if (near === 1) {
      into[member] = only;
      continue;
    }
    const skip = (centre: number) => rough.products[centre]![member]! < cut;
    for (let centre = 0; centre < centres.length; centre++) if (!skip(centre)) closeness[centre] = oneDot(members[member]!, 0, stackedCentres.values, centre * dimensions, dimensions);
    into[member] = firstNearest(closeness, skip);
  }
}

export async function findGaps(inputs: readonly GapInput[], options: { seed?: number; maxGaps?: number; examples?: number } = {}): Promise<KnowledgeGap[]> {
  if (inputs.length === 0) return [];
  const k = Math.min(options.maxGaps ?? 12, Math.max(1, Math.round(Math.sqrt(inputs.length / 2))));
  const assignment = await cluster(
    inputs.map((input) => input.vector),
    k,
    options.seed ?? 42,
  );
  const documentFrequency = new Map<string, number>();
  const bags = inputs.map((input) => input.words ?? gapWords(input.question));
  for (const bag of bags) for (const word of bag) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);

  const byGroup = Array.from({ length: k }, () => [] as Array<{ input: GapInput; index: number }>);
  inputs.forEach((input, index) => byGroup[assignment[index]!]!.push({ input, index }));
  const groups = byGroup.filter((members) => members.length > 0);
  // Words common in a group: what may name it.
  const common = groups.map((members) => {
    const inGroup = new Map<string, number>();
    for (const { index } of members) for (const word of bags[index]!) inGroup.set(word, (inGroup.get(word) ?? 0) + 1);
    return new Map([...inGroup].filter(([, count]) => count >= Math.max(2, members.length * 0.15)));
  });
  // A word common in nearly every group is the house's (the brand, a signature the patterns missed), not a topic.
  const groupsUsing = new Map<string, number>();
  for (const terms of common) for (const word of terms.keys()) groupsUsing.set(word, (groupsUsing.get(word) ?? 0) + 1);
  const everywhere = (word: string) => groups.length >= 4 && groupsUsing.get(word)! >= groups.length * 0.75;

  const gaps: KnowledgeGap[] = [];
  for (const [group, members] of groups.entries()) {
    // A word that is frequent here and rare elsewhere names the group (a lift score, smoothed).
    const terms = [...common[group]!]
      .filter(([word]) => !everywhere(word))
      .map(([word, count]) => ({ word, score: (count / members.length) * Math.log((inputs.length + 1) / (documentFrequency.get(word)! + 1) + 1) }))
      .sort((a, b) => b.score - a.score || a.word.localeCompare(b.word))
      .slice(0, 4)
      .map((term) => term.word);
    const centre = new Float32Array(members[0]!.input.vector.length);
    for (const { input } of members) for (let d = 0; d < centre.length; d++) centre[d]! += input.vector[d]!;
    const examples = members
      .map(({ input }) => ({ id: input.ticketId, similarity: oneDot(input.vector, 0, centre, 0, centre.length) }))
      .sort((a, b) => b.similarity - a.similarity || a.id.localeCompare(b.id))
      .slice(0, options.examples ?? 5)
      .map((example) => example.id);
    gaps.push({ label: terms.join(' · ') || '(no common words)', terms, count: members.length, examples });
  }
  return gaps.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}
