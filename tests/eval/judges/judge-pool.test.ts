import { describe, expect, it } from 'vitest';
import { judgeAnswers, judgingThreads, POOL_MIN_ANSWERS, type AnswerCase } from '../../../eval/judges/judge-pool.ts';
import { unrelatedSimilarities, type SemanticPair } from '../../../eval/judges/semantic.ts';

/** Unit vectors drawn from a seed, so the semantic judge's scores differ from case to case. */
function vectors(seed: number): () => Float32Array {
  let state = seed;
  return () => {
    const vector = Float32Array.from({ length: 16 }, () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31 - 0.5;
    });
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  };
}

/**
 * Answers to agent replies in French and English, right, with a wrong tracking number or amount,
 * with a refund claimed, or to another customer: every judge has something to say. Three
 * candidates answer each reply, as in a run.
 */
function cases(tickets: number): AnswerCase[] {
  const draw = vectors(7);
  const made: AnswerCase[] = [];
  for (let ticket = 0; ticket < tickets; ticket++) {
    const french = ticket % 2 === 0;
    const order = `#${4100 + ticket}`;
    const tracking = `6A${String(10_000_000 + ticket * 7919).slice(0, 8)}FR`;
    const amount = `${20 + (ticket % 30)},90 €`;
    const name = ['Camille', 'Jordan', 'Léa', 'Sam'][ticket % 4]!;
    const wanted = french
      ? `Bonjour ${name}, votre commande ${order} est partie : suivi ${tracking}. Nous vous remboursons ${amount} sous 5 jours.`
      : `Hello ${name}, your order ${order} has shipped: tracking ${tracking}. We will refund ${amount} within 5 days.`;
    const answers = [
      wanted,
      wanted.replace(tracking, '6A99999999FR').replace(amount, '99,00 €'),
      french ? `Bonjour Marc, j'ai remboursé votre commande ${order}.` : `Hi Marc, I have refunded your order ${order}.`,
    ];
    const reference = draw();
    for (const [candidate, said] of answers.entries()) {
      const pair: SemanticPair = { answer: candidate === 0 ? reference : draw(), reference, group: french ? 'fr' : 'en' };
      made.push({
        answer: { decision: 'reply', text: said, confidence: 0.8, sources: [{ type: 'order', id: order }], latencyMs: 0 },
        said,
        wanted,
        question: french ? `Où est ma commande ${order} ?` : `Where is my order ${order}?`,
        language: french ? 'fr' : 'en',
        customer: { name, email: `${name.toLowerCase()}@example.com` },
        citedSources: [{ type: 'order', text: `Order ${order}: shipped, tracking ${tracking}` }],
        brandHandles: ['Maison Lune'],
        ownOrderIds: [order],
        semantic: { pair, negatives: [draw(), draw()] },
      });
    }
  }
  return made;
}

describe('judging on several threads', () => {
  it('gives every answer the scores it gets on one thread, in order, also for the answers workers judged', async () => {
    const all = cases(50);
    const shared = { products: ['Robe Lune', 'Moon Dress'], unrelated: unrelatedSimilarities(all.map((input) => input.semantic.pair), 42) };
    const alone = await judgeAnswers(all, shared, 1);
    const pooled = await judgeAnswers(all, shared, 2);
    expect(alone.onWorkers).toBe(0);
    // Each worker is handed a chunk as it starts, so one of the three chunks at least is judged elsewhere.
    expect(pooled.onWorkers).toBeGreaterThanOrEqual(64);
    expect(pooled.scores).toEqual(alone.scores);
    // The cases differ enough that a score put on another answer would show.
    expect(new Set(alone.scores.map((scores) => JSON.stringify(scores))).size).toBeGreaterThan(all.length / 2);
    expect(new Set(alone.scores.flatMap((scores) => scores.map((score) => score.score)))).toContain(0);
  });

  it('judges a run on one thread below the size where a worker pays for its start, on every core above it', () => {
    expect(judgingThreads(POOL_MIN_ANSWERS - 1)).toBe(1);
    expect(judgingThreads(POOL_MIN_ANSWERS)).toBeGreaterThanOrEqual(1);
  });
});
