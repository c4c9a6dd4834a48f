import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../../datasets/text/random.ts';
import { hardNegatives, type ReplayedPair } from '../../../eval/judges/hard-negatives.ts';
import { dotsWith, dotsWithRows, dotsWithTwo, judgeSemantic, judgeTopic, pairwiseDots, stackedVectors, unrelatedSimilarities, type SemanticPair } from '../../../eval/judges/semantic.ts';

/** A unit vector near `axis` in a 16-dimensional space, with a little seeded noise. */
function near(axis: number, random: Random, noise = 0.15, mix?: { axis: number; weight: number }): Float32Array {
  const vector = new Float32Array(16);
  vector[axis] = 1;
  if (mix) vector[mix.axis] = mix.weight;
  for (let index = 0; index < vector.length; index++) vector[index]! += (random.next() - 0.5) * noise;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/**
 * Questions about printers (axis 0) answered by templated replies about three problems (axes 1, 2,
 * 3: ink leaking, Wi-Fi, paper jam), and questions about invoices (axis 8) with their own replies (axis 9).
 */
function printerDesk(random: Random): ReplayedPair[] {
  const tickets: ReplayedPair[] = [];
  for (let index = 0; index < 30; index++) {
    const problem = 1 + (index % 3);
    tickets.push({ id: `printer-${index}`, question: near(0, random, 0.15, { axis: 4 + problem, weight: 0.6 }), reference: near(problem, random, 0.05, { axis: 12, weight: 1 }), group: 'en' });
  }
  for (let index = 0; index < 30; index++) tickets.push({ id: `invoice-${index}`, question: near(8, random), reference: near(9, random), group: 'en' });
  return tickets;
}

describe('semantic agreement against hard negatives', () => {
  const random = new Random(7);
  const tickets = printerDesk(random);
  let negatives: Map<string, Float32Array[]>;
  beforeAll(async () => {
    negatives = await hardNegatives(tickets, { perTicket: 8 });
  });
  const leaking = tickets[0]!; // problem 1: ink leaking

  it('draws the negatives from the replies to the nearest other questions, not from random tickets', () => {
    const drawn = negatives.get(leaking.id)!;
    expect(drawn).toHaveLength(8);
    const printerReplies = new Set(tickets.filter((ticket) => ticket.id.startsWith('printer-')).map((ticket) => ticket.reference));
    expect(drawn.every((reply) => printerReplies.has(reply))).toBe(true);
  });

  it('scores a reply about a neighbouring problem low, though it is on topic against random replies', () => {
    const wifiReply = near(2, random, 0.3, { axis: 12, weight: 1 });
    const pair = { answer: wifiReply, reference: leaking.reference, group: 'en' };
    const nulls = unrelatedSimilarities(tickets.map((ticket) => ({ answer: ticket.reference, reference: ticket.reference, group: 'en' })), 1);
    expect(judgeTopic(pair, nulls).score).toBeGreaterThan(0.5);
    expect(judgeSemantic(pair, negatives.get(leaking.id)!).score).toBeLessThan(0.8);
  });

  it('scores the agent’s own answer, reworded, high', () => {
    const reworded = near(1, random, 0.3, { axis: 12, weight: 1 });
    expect(judgeSemantic({ answer: reworded, reference: leaking.reference }, negatives.get(leaking.id)!).score).toBeGreaterThanOrEqual(0.8);
  });

  it('counts, among any number of negatives, exactly those less similar to the answer than the agent’s reply (a tie is not closer)', () => {
    const answer = near(1, random, 0.3, { axis: 12, weight: 1 });
    // The reply itself, a tie, both among the sums made three at a time and among those left over.
    const pool = [...negatives.get(leaking.id)!, leaking.reference, near(2, random), leaking.reference];
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    for (let count = 5; count <= pool.length; count++) {
      const some = pool.slice(0, count);
      const below = some.filter((negative) => dot(answer, negative) < dot(answer, leaking.reference)).length;
      expect([count, judgeSemantic({ answer, reference: leaking.reference }, some).score]).toEqual([count, below / count]);
    }
  });

  it('leaves out replies that say the same as the ticket’s own, and abstains with too few negatives', async () => {
    const same = { id: 'twin', question: leaking.question, reference: leaking.reference, group: 'en' };
    const withTwin = await hardNegatives([...tickets, same], { perTicket: 8 });
    expect(withTwin.get(leaking.id)!.includes(leaking.reference)).toBe(false);
    const alone = await hardNegatives(tickets.slice(0, 3), { perTicket: 8 });
    expect(judgeSemantic({ answer: leaking.reference, reference: leaking.reference }, alone.get(leaking.id)!).score).toBeNull();
  });

  it('never takes negatives from another language', async () => {
    const french = { ...tickets[1]!, id: 'fr-1', group: 'fr' };
    const drawn = (await hardNegatives([...tickets, french], { perTicket: 50 })).get('fr-1')!;
    expect(drawn).toHaveLength(0);
  });
});

describe('the similarities of answers to unrelated replies', () => {
  /** The null distributions as first written: per pair in order, each draw's cosine on its own; every pair, then each language (sorted). */
  function drawnOneByOne(pairs: readonly SemanticPair[], seed: number, perPair: number): Map<string, Float64Array> {
    const random = new Random(seed);
    const draw = (members: readonly SemanticPair[]) => {
      if (members.length < 2) return new Float64Array(0);
      const values: number[] = [];
      members.forEach((pair, index) => {
        for (let count = 0; count < perPair; count++) {
          let other = Math.floor(random.next() * (members.length - 1));
          if (other >= index) other++;
          values.push(cosine(pair.answer, members[other]!.reference));
        }
      });
      return Float64Array.from(values).sort();
    };
    const nulls = new Map([['*', draw(pairs)]]);
    for (const language of [...new Set(pairs.map((pair) => pair.group!))].sort((a, b) => a.localeCompare(b))) nulls.set(language, draw(pairs.filter((pair) => pair.group === language)));
    return nulls;
  }

  it.each([1, 3, 4, 7])('are the cosines of the same draws to the bit, %i draws a pair', (perPair) => {
    const random = new Random(5);
    const pairs = Array.from({ length: 90 }, (_, index) => ({ answer: near(index % 16, random, 0.8), reference: near((index * 5) % 16, random, 0.8), group: index % 3 === 0 ? 'fr' : 'en' }));
    const nulls = unrelatedSimilarities(pairs, 17, perPair);
    const expected = drawnOneByOne(pairs, 17, perPair);
    expect([...nulls.keys()]).toEqual([...expected.keys()]);
    // Compared as toEqual compares numbers: with Object.is, to the bit.
    for (const [group, values] of expected) expect([...nulls.get(group)!]).toEqual([...values]);
  });
});

/** The cosine of two unit vectors as the semantic judge sums it, one pair at a time. */
function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/**
 * Hard negatives as first written, one cosine at a time: per language (sorted), a pool drawn
 * without replacement when the language has more tickets, every other pool ticket sorted by
 * question, then the first replies that differ from the ticket's own.
 */
function sortedNegatives(tickets: readonly ReplayedPair[], options: { perTicket: number; pool: number; seed: number }): Map<string, Float32Array[]> {
  const random = new Random(options.seed);
  const languages = [...new Set(tickets.map((ticket) => ticket.group!))].sort((a, b) => a.localeCompare(b));
  const negatives = new Map<string, Float32Array[]>();
  for (const language of languages) {
    const members = tickets.filter((ticket) => ticket.group === language);
    let pool = members;
    if (members.length > options.pool) {
      const indices = members.map((_, index) => index);
      for (let index = 0; index < options.pool; index++) {
        const swap = index + Math.floor(random.next() * (indices.length - index));
        [indices[index], indices[swap]] = [indices[swap]!, indices[index]!];
      }
      pool = indices.slice(0, options.pool).sort((a, b) => a - b).map((index) => members[index]!);
    }
    for (const ticket of members) {
      const byQuestion = pool
        .filter((other) => other.id !== ticket.id)
        .map((other) => ({ other, similarity: cosine(other.question, ticket.question) }))
        .sort((a, b) => b.similarity - a.similarity || a.other.id.localeCompare(b.other.id));
      const chosen = byQuestion.filter(({ other }) => cosine(other.reference, ticket.reference) < 0.95).slice(0, options.perTicket);
      negatives.set(ticket.id, chosen.map(({ other }) => other.reference));
    }
  }
  return negatives;
}

describe('hard negatives computed for a whole pool at once', () => {
  const random = new Random(11);
  // 384 dimensions like the index's model, with an odd length too: the products are summed four at a time.
  const vectors = (dimensions: number) => Array.from({ length: 42 }, (_, index) => near(index % 7, random, 0.6, { axis: (index * 3) % 16, weight: 0.4 })).map((short) => {
    const long = new Float32Array(dimensions);
    for (let index = 0; index < dimensions; index++) long[index] = short[index % 16]! * (1 + (random.next() - 0.5) * 0.2);
    const norm = Math.hypot(...long);
    return long.map((value) => value / norm);
  });

  it.each([384, 13])('gives, in %i dimensions, each pair the very similarity a one-by-one cosine gives', (dimensions) => {
    const questions = vectors(dimensions);
    const stacked = stackedVectors(questions);
    const matrix = pairwiseDots(stacked);
    const outsider = vectors(dimensions)[0]!;
    const row = dotsWith(stacked, outsider, new Float64Array(questions.length));
    const other = vectors(dimensions)[1]!;
    const [rowOfFirst, rowOfSecond] = [new Float64Array(questions.length), new Float64Array(questions.length)];
    dotsWithTwo(stacked, outsider, other, rowOfFirst, rowOfSecond);
    // Listed rows out of order, not four to a batch; the rows not listed are left as they were.
    const listed = Int32Array.from({ length: 30 }, (_, index) => (index * 11) % questions.length);
    const ofListed = new Float64Array(questions.length).fill(-2);
    dotsWithRows(stacked, outsider, listed, 27, ofListed);
    const wanted = new Set(listed.subarray(0, 27));
    questions.forEach((question, i) => expect(Object.is(ofListed[i], wanted.has(i) ? cosine(question, outsider) : -2)).toBe(true));
    questions.forEach((first, i) => {
      questions.forEach((second, j) => {
        if (i !== j) expect(Object.is(matrix[i * questions.length + j], cosine(second, first))).toBe(true);
      });
      expect(Object.is(row[i], cosine(first, outsider))).toBe(true);
      expect(Object.is(rowOfFirst[i], cosine(outsider, first))).toBe(true);
      expect(Object.is(rowOfSecond[i], cosine(other, first))).toBe(true);
    });
  });

  const desk = () => {
    const tickets = printerDesk(new Random(3));
    // Repeated questions tie on similarity: the id decides, as in the sort.
    const repeated = tickets.slice(0, 6).map((ticket, index) => ({ ...ticket, id: `a-repeat-${index}`, reference: near(10 + (index % 3), random) }));
    const french = printerDesk(new Random(4)).map((ticket) => ({ ...ticket, id: `fr-${ticket.id}`, group: 'fr' }));
    return [...tickets, ...repeated, ...french];
  };

  it.each([
    ['every ticket in its language’s pool', 1000],
    ['pools drawn from each language, the others read against them', 25],
  ])('picks, English and French, the same replies in the same order as sorting every other ticket: %s', async (_, pool) => {
    const tickets = desk();
    const options = { perTicket: 8, pool, seed: 9 };
    const drawn = await hardNegatives(tickets, options);
    const expected = sortedNegatives(tickets, options);
    expect(drawn.size).toBe(tickets.length);
    for (const [id, replies] of expected) expect(drawn.get(id)).toEqual(replies);
  });

  it.each([
    ['a thousand tickets and more outside the pool', 25],
    ['a thousand tickets and more in the pool', 5000],
  ])('picks the same replies when onnxruntime’s products choose which similarities to sum (%s)', async (_, pool) => {
    const tickets = Array.from({ length: 20 }, (_, copy) => printerDesk(new Random(20 + copy)).map((ticket) => ({ ...ticket, id: `${copy}-${ticket.id}` }))).flat();
    // The same questions word for word: ties the id decides.
    const repeated = tickets.slice(0, 40).map((ticket, index) => ({ ...ticket, id: `a-repeat-${index}`, reference: near(10 + (index % 3), random) }));
    const all = [...tickets, ...repeated];
    expect(all.length).toBeGreaterThanOrEqual(1000);
    const options = { perTicket: 8, pool, seed: 9 };
    const drawn = await hardNegatives(all, options);
    const expected = sortedNegatives(all, options);
    expect(drawn.size).toBe(all.length);
    for (const [id, replies] of expected) expect(drawn.get(id)).toEqual(replies);
  });
});
