import { describe, expect, it } from 'vitest';
import { correctRates, type LabelledAnswer } from '../../../eval/metrics/corrected-rates.ts';
import type { JudgedTicket, Verdict } from '../../../eval/judges/types.ts';
import type { HumanLabel } from '../../../eval/labels/labels.ts';
import { phiCorrelation, wilsonInterval } from '../../../eval/metrics/ppi.ts';
import { judged } from '../../helpers/judged.ts';

/**
 * The headline rates corrected by labels, on one hand-made candidate: which tickets each rate
 * counts, and the stratified weights worked out by hand.
 */

function answer(ticketId: string, verdict: Verdict, { sent = true, contained = false, confirmed = false } = {}): JudgedTicket {
  return judged(ticketId, { verdict, sent, answered: true, resolution: { contained, verified: contained && verdict === 'correct', confirmed } });
}

/**
 * 14 tickets of candidate a. Strata by verdict: correct 6 (c1–c6, sent and contained, so the
 * tool automates them; c1, c2, c4 confirmed), wrong 4 (w1–w3 sent, w4 escalated), partial 2
 * (p1, p2 sent and contained), and 2 unanswered tickets (the settled stratum).
 */
const TICKETS = [
  ...['c1', 'c2', 'c4'].map((id) => answer(id, 'correct', { contained: true, confirmed: true })),
  ...['c3', 'c5', 'c6'].map((id) => answer(id, 'correct', { contained: true })),
  ...['w1', 'w2', 'w3'].map((id) => answer(id, 'wrong')),
  answer('w4', 'wrong', { sent: false }),
  ...['p1', 'p2'].map((id) => answer(id, 'partial', { contained: true })),
  judged('u1'),
  judged('u2'),
];

const LABELS: Record<string, HumanLabel> = { c1: 'correct', c2: 'correct', c3: 'wrong', w1: 'wrong', w2: 'correct', w3: 'partial', p1: 'correct', p2: 'needs-human' };

function labelled(tickets: readonly JudgedTicket[], labels: Record<string, HumanLabel>): LabelledAnswer[] {
  return tickets.filter((ticket) => ticket.ticketId in labels).map((ticket) => ({ ticket, human: labels[ticket.ticketId]! }));
}

describe('correctRates', () => {
  const [a] = correctRates(TICKETS, labelled(TICKETS, LABELS)).candidates;

  it('counts the tickets, the labels and the judge figures', () => {
    expect(a).toMatchObject({ candidate: 'a', tickets: 14, labelled: 8, unlabelledVerdicts: [] });
    expect(a!.automation.contained).toBeCloseTo(8 / 14, 10);
    expect(a!.automation.verified.judge).toBeCloseTo(6 / 14, 10);
    expect(a!.automation.confirmed.judge).toBeCloseTo(3 / 14, 10);
    // Judged correct among the 11 sent.
    expect(a!.accuracy.judge).toBeCloseTo(6 / 11, 10);
    expect(a!.wrongRate.judge).toBeCloseTo(3 / 14, 10);
  });

  it('corrects automation with the labels weighted by verdict', () => {
    // Contained and labelled correct: correct stratum 1,1,0 → 2/3; wrong 0,0,0; partial 1,0 → 1/2.
    // (6/14)·(2/3) + (2/14)·(1/2) = 5/14.
    // Variance: within (pseudo-labels 0 and 1 added): 3/5 → 0.24/3·(6/14)²; 1/5 → 0.16/3·(4/14)²;
    // 2/4 → 0.25/2·(2/14)²; the unanswered are settled. Between: Σ W_h·(mean_h − 5/14)²/14.
    const estimate = 5 / 14;
    const within = (0.24 / 3) * (6 / 14) ** 2 + (0.16 / 3) * (4 / 14) ** 2 + (0.25 / 2) * (2 / 14) ** 2;
    const between = ((6 / 14) * (2 / 3 - estimate) ** 2 + (4 / 14) * estimate ** 2 + (2 / 14) * (0.5 - estimate) ** 2 + (2 / 14) * estimate ** 2) / 14;
    const verified = a!.automation.verified.corrected;
    expect(verified.estimate).toBeCloseTo(estimate, 10);
    expect(verified.standardError).toBeCloseTo(Math.sqrt(within + between), 10);
    expect(verified).toMatchObject({ n: 8, N: 14 });
  });

  it('counts confirmed only where the tool confirmed and people said correct: a lower bound', () => {
    // c1, c2 confirmed and correct, c3 not confirmed: 2/3 of the correct stratum; p1 is correct
    // but its customer signal is unknown. (6/14)·(2/3) = 4/14.
    expect(a!.automation.confirmed.corrected.estimate).toBeCloseTo(4 / 14, 10);
  });

  it('corrects accuracy over all sent answers, and the wrong-answer rate over all tickets', () => {
    // Sent and correct / sent: correct 2/3 of 1, wrong (w1, w2, w3 all sent) 1/3 of 1, partial 1/2 of 1,
    // unanswered 0 of 0. ((6/14)(2/3) + (4/14)(1/3) + (2/14)(1/2)) / (12/14) = (19/42)/(36/42).
    expect(a!.accuracy.corrected.estimate).toBeCloseTo(19 / 36, 10);
    // Sent and labelled wrong: c3 in correct (1/3), w1 in wrong (1/3); "partial" is not wrong.
    // (6/14)(1/3) + (4/14)(1/3) = 10/42.
    expect(a!.wrongRate.corrected.estimate).toBeCloseTo(10 / 42, 10);
  });

  it('gives precision with a Wilson interval, recall and the correlation', () => {
    // The labelled automated answers c1, c2, c3: two correct.
    expect(a!.precision).toEqual(wilsonInterval(2, 3));
    // Truly automated: c1, c2 (2/3 of correct), p1 (1/2 of partial); the tool has c1, c2.
    // (4/14) / (4/14 + 1/14) = 0.8.
    expect(a!.recall.estimate).toBeCloseTo(0.8, 10);
    expect(a!.correlation).toBeCloseTo(phiCorrelation(6 / 14, 5 / 14, 4 / 14)!, 10);
  });

  it('leaves the corrected figures unknown while a verdict has no label', () => {
    const tickets = [answer('x1', 'correct', { contained: true }), answer('x2', 'correct', { contained: true }), answer('x3', 'wrong')].map((ticket) => ({ ...ticket, candidate: 'b' }));
    const [b] = correctRates(tickets, labelled(tickets, { x1: 'correct' })).candidates;
    expect(b!.unlabelledVerdicts).toEqual(['wrong']);
    expect(b!.automation.verified.corrected.estimate).toBeNull();
    expect(b!.accuracy.corrected.estimate).toBeNull();
    expect(b!.correlation).toBeNull();
    // What needs no stratum weight is still there.
    expect(b!.automation.verified.judge).toBeCloseTo(2 / 3, 10);
    expect(b!.precision).toMatchObject({ successes: 1, trials: 1 });
  });

  it('keeps candidates apart, in the order they first appear', () => {
    const other = TICKETS.map((ticket) => ({ ...ticket, candidate: 'z' }));
    const { candidates } = correctRates([...other, ...TICKETS], labelled(TICKETS, LABELS));
    expect(candidates.map((candidate) => [candidate.candidate, candidate.labelled])).toEqual([
      ['z', 0],
      ['a', 8],
    ]);
    expect(candidates[0]!.automation.verified.corrected.estimate).toBeNull();
  });
});
