import { describe, expect, it } from 'vitest';
import { Random } from '../../../datasets/text/random.ts';
import { hardNegatives, judgeSemantic, judgeTopic, unrelatedSimilarities, type ReplayedPair } from '../../../eval/judges/semantic.ts';

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
  const negatives = hardNegatives(tickets, { perTicket: 8 });
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

  it('leaves out replies that say the same as the ticket’s own, and abstains with too few negatives', () => {
    const same = { id: 'twin', question: leaking.question, reference: leaking.reference, group: 'en' };
    const withTwin = hardNegatives([...tickets, same], { perTicket: 8 });
    expect(withTwin.get(leaking.id)!.includes(leaking.reference)).toBe(false);
    const alone = hardNegatives(tickets.slice(0, 3), { perTicket: 8 });
    expect(judgeSemantic({ answer: leaking.reference, reference: leaking.reference }, alone.get(leaking.id)!).score).toBeNull();
  });

  it('never takes negatives from another language', () => {
    const french = { ...tickets[1]!, id: 'fr-1', group: 'fr' };
    const drawn = hardNegatives([...tickets, french], { perTicket: 50 }).get('fr-1')!;
    expect(drawn).toHaveLength(0);
  });
});
