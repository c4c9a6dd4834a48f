import { Random } from '../../datasets/text/random.ts';
import { openRowProducts, roughSlack } from '../../pipelines/vector-scan.ts';
import { byGroup, cosine, dotsWith, dotsWithRows, eachDotsWith, maxNorm, oneDot, pairwiseDots, stackedVectors, type StackedVectors } from './semantic.ts';

/**
 * The hard negatives of the semantic judge: for each ticket, the replies to its nearest other
 * tickets by question. Apart from semantic.ts, which the report page's script bundles: this
 * module runs onnxruntime.
 */

/** A replayed ticket as the hard negatives see it: what the customer asked and what the agent replied. */
export interface ReplayedPair {
  id: string;
  question: Float32Array;
  reference: Float32Array;
  /** The ticket's language: negatives come from the same one. */
  group?: string;
}

export interface HardNegativeOptions {
  /** Nearest other tickets whose replies a ticket's answer is compared with. @default 10 */
  perTicket?: number;
  /** Tickets searched for neighbours, per language: bounds the work on long replays. @default 1000 */
  pool?: number;
  /** A neighbour whose reply is this close to the ticket's own is the same reply, not a negative. @default 0.95 */
  sameReply?: number;
  seed?: number;
}

/**
 * For each ticket, the agent replies of its nearest other tickets by question (same language),
 * leaving out replies that say the same as its own: templated replies to the same request are
 * not a different answer.
 */
export async function hardNegatives(tickets: readonly ReplayedPair[], options: HardNegativeOptions = {}): Promise<Map<string, Float32Array[]>> {
  const perTicket = options.perTicket ?? 10;
  const poolSize = options.pool ?? 1000;
  const sameReply = options.sameReply ?? 0.95;
  const random = new Random(options.seed ?? 42);
  const negatives = new Map<string, Float32Array[]>();
  for (const [, members] of byGroup(tickets)) {
    const pool = members.length <= poolSize ? members : sample(members, poolSize, random);
    const questions = stackedVectors(pool.map((other) => other.question));
    // A large language's pool is read through onnxruntime's products as the tickets outside it are,
    // rather than every similarity of the pool summed in doubles: the hard negatives of the 9,883
    // tickets of 36,000 answers took 0.63–0.73 s against 0.76–0.86 s.
    const similarities = members.length >= ROUGH_MIN_TICKETS ? undefined : pairwiseDots(questions);
    const ranks = idRanks(pool);
    const inPool = new Map(pool.map((other, index) => [other, index]));
    const ids = pool.map((other) => other.id);
    // Twice the negatives kept are picked first: replies that say the same as the ticket's own are passed over.
    const few = Math.max(1, 2 * perTicket);
    /** The ticket's negatives, and whether picking them read past the few nearest. */
    const chosenFor = (ticket: ReplayedPair, byQuestion: ArrayLike<number>) => {
      const chosen: Float32Array[] = [];
      let read = 0;
      for (const index of nearestFirst(byQuestion, ranks, ids, ticket.id, few)) {
        if (chosen.length === perTicket) break;
        read++;
        const { reference } = pool[index]!;
        if (cosine(reference, ticket.reference) < sameReply) chosen.push(reference);
      }
      return { chosen, pastFew: read > few };
    };
    const read = similarities ? members.filter((ticket) => !inPool.has(ticket)) : members;
    const chosenAgainst = await negativesAgainst(questions, ids, read, few, chosenFor);
    for (const ticket of members) {
      const row = inPool.get(ticket);
      negatives.set(ticket.id, row === undefined || !similarities ? chosenAgainst.get(ticket)! : chosenFor(ticket, similarities.subarray(row * pool.length, (row + 1) * pool.length)).chosen);
    }
  }
  return negatives;
}

/**
 * Below this many tickets read against the pool, their products are summed in doubles only:
 * opening onnxruntime's session with the pool in it takes 4–90 ms. From this many tickets in a
 * language, the pool's own tickets are read through onnxruntime too.
 */
const ROUGH_MIN_TICKETS = 1_000;
/** Tickets whose questions' products go to onnxruntime at a time: 512 × 1,000 products are 2 MB. */
const TICKETS_AT_ONCE = 512;

/**
 * The negatives of tickets read against the pool (those outside it, or every ticket of a large
 * language). Their similarities to every pool question are products in doubles (1.1 of 1.5 s at 10k
 * tickets); onnxruntime's 32-bit products pick the pool questions worth computing so: every question
 * among the few nearest in doubles is within `roughSlack` of the few-th nearest by 32-bit products.
 * The others rank last, so the few nearest are the same to the bit; a ticket whose picking reads
 * past them is computed in full.
 */
async function negativesAgainst(
  questions: StackedVectors,
  ids: readonly string[],
  read: readonly ReplayedPair[],
  few: number,
  chosenFor: (ticket: ReplayedPair, byQuestion: ArrayLike<number>) => { chosen: Float32Array[]; pastFew: boolean },
): Promise<Map<ReplayedPair, Float32Array[]>> {
  const chosen = new Map<ReplayedPair, Float32Array[]>();
  const { count, dimensions } = questions;
  const exactly = (ticket: ReplayedPair) => chosenFor(ticket, dotsWith(questions, ticket.question, new Float64Array(count))).chosen;
  if (read.length < ROUGH_MIN_TICKETS || count <= few) {
    eachDotsWith(
      questions,
      read.map((ticket) => ticket.question),
      (index, byQuestion) => chosen.set(read[index]!, chosenFor(read[index]!, byQuestion).chosen),
    );
    return chosen;
  }
  const poolNorm = maxNorm(questions);
  const products = await openRowProducts(questions.values, dimensions);
  try {
    const byQuestion = new Float64Array(count);
    const nearRows = new Int32Array(count);
    for (let start = 0; start < read.length; start += TICKETS_AT_ONCE) {
      const batch = read.slice(start, start + TICKETS_AT_ONCE);
      const rough = await Promise.all(batch.map((ticket) => products.of(ticket.question)));
      batch.forEach((ticket, index) => {
        const roughly = rough[index]!;
        const bound = fewthLargest(roughly, ids, ticket.id, few);
        const slack = roughSlack(dimensions, norm(ticket.question) * poolNorm);
        if (!Number.isFinite(bound) || !Number.isFinite(slack)) return chosen.set(ticket, exactly(ticket));
        byQuestion.fill(Number.NEGATIVE_INFINITY);
        const least = bound - slack;
        let near = 0;
        for (let row = 0; row < count; row++) if (roughly[row]! >= least) nearRows[near++] = row;
        dotsWithRows(questions, ticket.question, nearRows, near, byQuestion);
        const picked = chosenFor(ticket, byQuestion);
        chosen.set(ticket, picked.pastFew ? exactly(ticket) : picked.chosen);
      });
    }
  } finally {
    await products.release();
  }
  return chosen;
}

/** The few-th largest of the products, leaving out the ticket's own id; NaN when a product is NaN. */
function fewthLargest(products: Float32Array, ids: readonly string[], ownId: string, few: number): number {
  const largest = new Float64Array(few);
  let held = 0;
  // The few-th largest so far, once there are few: most products fall short of it, and are passed
  // over before the id (ids compare by their characters) is read. A NaN never falls short.
  let floor = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < products.length; row++) {
    const product = products[row]!;
    if (product <= floor) continue;
    if (Number.isNaN(product)) return Number.NaN;
    if (ids[row] === ownId) continue;
    let at = held === few ? few - 1 : held++;
    for (; at > 0 && largest[at - 1]! < product; at--) largest[at] = largest[at - 1]!;
    largest[at] = product;
    if (held === few) floor = largest[few - 1]!;
  }
  return held === few ? largest[few - 1]! : Number.NEGATIVE_INFINITY;
}

function norm(vector: Float32Array): number {
  return Math.sqrt(oneDot(vector, 0, vector, 0, vector.length));
}

/** Each pool member's place among the pool's ids (`localeCompare`, then pool order), so ties compare two numbers. */
function idRanks(pool: readonly ReplayedPair[]): Uint32Array {
  const ranks = new Uint32Array(pool.length);
  pool
    .map((member, index) => ({ id: member.id, index }))
    .sort((a, b) => a.id.localeCompare(b.id) || a.index - b.index)
    .forEach(({ index }, rank) => (ranks[index] = rank));
  return ranks;
}

/**
 * A pool's indices nearest first by `byQuestion`, ties by id rank (a total order: ranks differ),
 * leaving out the ticket's own id. Only the first few are read as a rule, so they are picked in
 * one pass over the pool; the rest is sorted only when a reader goes past them.
 */
function* nearestFirst(byQuestion: ArrayLike<number>, ranks: Uint32Array, ids: readonly string[], ownId: string, few: number): Generator<number> {
  const nearer = (a: number, b: number) => byQuestion[a]! > byQuestion[b]! || (byQuestion[a] === byQuestion[b] && ranks[a]! < ranks[b]!);
  const first: number[] = [];
  // The farthest of the first few so far, its similarity and rank spelled out: this test is made for every member of the pool.
  let farthest = -1;
  let farthestBy = Number.NEGATIVE_INFINITY;
  let farthestRank = 0;
  for (let index = 0; index < byQuestion.length; index++) {
    const by = byQuestion[index]!;
    if (farthest >= 0 && !(by > farthestBy || (by === farthestBy && ranks[index]! < farthestRank))) continue;
    if (ids[index] === ownId) continue;
    let at = first.length === few ? few - 1 : first.length;
    for (; at > 0 && nearer(index, first[at - 1]!); at--) first[at] = first[at - 1]!;
    first[at] = index;
    if (first.length === few) {
      farthest = first[few - 1]!;
      farthestBy = byQuestion[farthest]!;
      farthestRank = ranks[farthest]!;
    }
  }
  yield* first;
  if (farthest < 0) return;
  const rest: number[] = [];
  for (let index = 0; index < byQuestion.length; index++) if (nearer(farthest, index) && ids[index] !== ownId) rest.push(index);
  yield* rest.sort((a, b) => (nearer(a, b) ? -1 : nearer(b, a) ? 1 : 0));
}

/** `size` members drawn without replacement, in their original order. */
function sample<T>(members: readonly T[], size: number, random: Random): T[] {
  const indices = members.map((_, index) => index);
  for (let index = 0; index < size; index++) {
    const swap = index + Math.floor(random.next() * (indices.length - index));
    [indices[index], indices[swap]] = [indices[swap]!, indices[index]!];
  }
  return indices.slice(0, size).sort((a, b) => a - b).map((index) => members[index]!);
}
