import { describe, expect, it } from 'vitest';
import { Random } from '../../../datasets/text/random.ts';
import { baselineOf, compareRuns, describeRepeats, familyAdjusted, mcnemarPValue, pairedBootstrap, planGate, type GateCheck } from '../../../eval/metrics/compare.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { changeSentence } from '../../../reports/comparison.ts';
import { handReport, handTickets, withWrongShare, type HandTicket } from '../../helpers/paired-runs.ts';

/** Turns the given tickets' verdicts. */
function turned(tickets: readonly HandTicket[], ids: ReadonlySet<string>, verdict: HandTicket['verdict']): HandTicket[] {
  return tickets.map((ticket) => (ids.has(ticket.ticketId) ? { ...ticket, verdict } : ticket));
}

function idsWhere(tickets: readonly HandTicket[], keep: (ticket: HandTicket) => boolean, count: number): Set<string> {
  return new Set(tickets.filter(keep).slice(0, count).map((ticket) => ticket.ticketId));
}

describe("McNemar's exact one-sided test", () => {
  it('sums the binomial tail by hand: P(X ≥ b), X ~ Binomial(b + c, ½)', () => {
    // b = 5, c = 1: (C(6,5) + C(6,6)) / 2⁶ = 7/64.
    expect(mcnemarPValue(5, 1)).toBeCloseTo(7 / 64, 12);
    // b = 3, c = 3: (20 + 15 + 6 + 1) / 64.
    expect(mcnemarPValue(3, 3)).toBeCloseTo(42 / 64, 12);
    expect(mcnemarPValue(8, 0)).toBeCloseTo(1 / 256, 12);
    expect(mcnemarPValue(0, 9)).toBe(1);
    expect(mcnemarPValue(0, 0)).toBe(1);
    // Large counts stay finite: b = 600, c = 400 is about 10 standard deviations out.
    expect(mcnemarPValue(600, 400)).toBeGreaterThan(0);
    expect(mcnemarPValue(600, 400)).toBeLessThan(1e-9);
    expect(mcnemarPValue(500, 500)).toBeCloseTo(0.5 + 0.5 * Math.exp(-Math.log(Math.sqrt(Math.PI * 500))), 3);
  });
});

describe('adjusting p-values over all the checks of a gate', () => {
  /** Five tickets worse and one better: McNemar's p is 7/64. */
  const check = (prefix: string): GateCheck => {
    const moves: Array<readonly [string, 1 | -1]> = ['a', 'b', 'c', 'd', 'e'].map((id) => [`${prefix}${id}`, 1] as const);
    moves.push([`${prefix}f`, -1]);
    return { moves, pValue: 7 / 64 };
  };

  it('leaves one check at its own p, and counts the same check twice once', () => {
    const [alone] = familyAdjusted([check('x')], new Random(3), 8000);
    expect(Math.abs(alone! - 7 / 64)).toBeLessThan(0.012);
    // Two candidates that answered alike move on the same tickets: still one piece of evidence.
    const twice = familyAdjusted([check('x'), check('x')], new Random(3), 8000);
    expect(Math.abs(twice[0]! - 7 / 64)).toBeLessThan(0.012);
  });

  it('raises two independent checks to 1 − (1 − p)², as computed by hand', () => {
    // Disjoint tickets: the smallest of two independent p-values is ≤ 7/64 with probability 1 − (57/64)² = 0.2068.
    const adjusted = familyAdjusted([check('x'), check('y')], new Random(4), 8000);
    for (const value of adjusted) expect(Math.abs(value - (1 - (57 / 64) ** 2))).toBeLessThan(0.015);
  });
});

describe('paired bootstrap of a rate difference', () => {
  const flags = (base: number[], current: number[]) => ({
    baseHit: Uint8Array.from(base),
    baseCounts: new Uint8Array(base.length).fill(1),
    currentHit: Uint8Array.from(current),
    currentCounts: new Uint8Array(current.length).fill(1),
  });

  it('is exactly the difference when every ticket moved the same way, and zero when none moved', () => {
    expect(pairedBootstrap(flags([1, 1, 1, 1], [0, 0, 0, 0]), new Random(1), 200)).toEqual({ low: -1, high: -1 });
    expect(pairedBootstrap(flags([1, 0, 1, 0], [1, 0, 1, 0]), new Random(1), 200)).toEqual({ low: 0, high: 0 });
  });

  it('matches the normal interval computed by hand, and is far narrower than adding the two runs’ intervals', () => {
    // 400 tickets, 200 correct in the baseline, 40 of them wrong in the run: the difference per
    // ticket is −1 on 10 % of tickets, 0 elsewhere. Its mean −0.1 has SD √(0.1·0.9/400) = 0.015,
    // so the 95 % interval is −0.1 ± 1.96·0.015 = −0.1294 to −0.0706.
    const base = Array.from({ length: 400 }, (_, index) => (index < 200 ? 1 : 0));
    const current = base.map((value, index) => (index < 40 ? 0 : value));
    const { low, high } = pairedBootstrap(flags(base, current), new Random(7), 4000);
    expect(low).toBeCloseTo(-0.1294, 2);
    expect(high).toBeCloseTo(-0.0706, 2);
    // Two independent intervals in quadrature: 1.96·√(0.25/400 + 0.2·0.8/400) = ±0.0627, over twice as wide.
    expect((high! - low!) / 2).toBeLessThan(0.0627 / 2);
  });
});

describe('the CI gate on paired runs', () => {
  it('passes an identical rerun, and never fails a better candidate', () => {
    const base = handTickets(300, 0.7, 1);
    expect(compareRuns(handReport(base), handReport(base))).toMatchObject({ passed: true, changed: [] });
    for (let seed = 0; seed < 20; seed++) {
      const better = turned(base, idsWhere(withWrongShare(base, 0.2, seed), (ticket) => ticket.verdict === 'wrong', 60), 'correct');
      const comparison = compareRuns(handReport(base), handReport(better), { seed });
      expect(comparison.passed).toBe(true);
      expect(comparison.metrics.every((change) => change.worse === 0)).toBe(true);
    }
  });

  it('passes a rerun with the same error rate on other tickets, in at least 95 % of seeds, where gross flips failed all of them', () => {
    // The false alarm: baseline and rerun both get 5 % of tickets wrong, each a different set.
    const truth = handTickets(300, 0.8, 3);
    const seeds = 200;
    let alarms = 0;
    let grossFlipAlarms = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const baseline = withWrongShare(truth, 0.05, 10_000 + seed);
      const rerun = withWrongShare(truth, 0.05, 20_000 + seed);
      const comparison = compareRuns(handReport(baseline), handReport(rerun), { resamples: 200 });
      if (!comparison.passed) alarms += 1;
      // Today's rule: more than max(2, 1 %) tickets from correct to wrong fails.
      if (comparison.flips[0]!.lost > Math.max(2, Math.floor(300 * 0.01))) grossFlipAlarms += 1;
    }
    expect(alarms / seeds).toBeLessThanOrEqual(0.05);
    expect(grossFlipAlarms / seeds).toBeGreaterThan(0.9);
  });

  it.each(['fr', 'en'] as const)('fails a planted 6-point drop on 300 tickets, confined to %s tickets, naming the rates in words', (language) => {
    const base = handTickets(300, 0.7, 5);
    // 24 correct answers turn wrong and 6 wrong ones turn correct: net 18 tickets, 6 points.
    const lost = idsWhere(base, (ticket) => ticket.language === language && ticket.verdict === 'correct', 24);
    const gained = idsWhere(base, (ticket) => ticket.language === language && ticket.verdict === 'wrong', 6);
    const worse = turned(turned(base, lost, 'wrong'), gained, 'correct');
    const comparison = compareRuns(handReport(base), handReport(worse));
    expect(comparison.passed).toBe(false);
    const accuracy = comparison.metrics.find((change) => change.metric === 'accuracy')!;
    expect(accuracy).toMatchObject({ worse: 24, better: 6, regressed: true });
    expect(accuracy.delta).toBeCloseTo(-0.06, 10);
    expect(accuracy.pValue).toBeCloseTo(mcnemarPValue(24, 6), 12);
    expect(accuracy.low! < -0.06 && accuracy.high! > -0.06 && accuracy.high! < 0).toBe(true);
    expect(comparison.metrics.filter((change) => change.regressed).map((change) => change.metric).sort()).toEqual(['accuracy', 'automation (verified)', 'wrong answers']);
    expect(changeSentence(accuracy)).toMatch(/^accuracy −6\.0 points, 95 % CI −\d+\.\d to −\d+\.\d, p < 0\.001 \((< )?0\.00\d over all checks\)$/);
    expect(comparison.flips).toEqual([{ candidate: 'bot', lost: 24, gained: 6, pValue: mcnemarPValue(24, 6) }]);
    expect(comparison.changed).toHaveLength(30);
  });

  it('lets a significant drop smaller than the tolerance pass, and fails it under a smaller tolerance', () => {
    const base = handTickets(1000, 0.7, 9);
    const worse = turned(base, idsWhere(base, (ticket) => ticket.verdict === 'correct', 15), 'wrong');
    expect(compareRuns(handReport(base), handReport(worse)).passed).toBe(true);
    expect(compareRuns(handReport(base), handReport(worse), { tolerance: 0.01 }).passed).toBe(false);
  });

  it('pairs runs over different tickets on the common ones and says how many were left out; refuses under half in common', () => {
    const base = handTickets(300, 0.7, 11);
    const shifted = [...base.slice(40), ...handTickets(340, 0.7, 12).slice(300).map((ticket) => ({ ...ticket, ticketId: `new${ticket.ticketId}` }))];
    const comparison = compareRuns(handReport(base), handReport(shifted));
    expect(comparison.pairing).toEqual([{ candidate: 'bot', paired: 260, onlyBaseline: 40, onlyCurrent: 40 }]);
    expect(comparison.metrics[0]!.tickets).toBe(260);
    expect(comparison.passed).toBe(true);
    expect(() => compareRuns(handReport(base), handReport(base.slice(160)))).toThrow(/only 140 tickets are in both runs \(baseline 300, this run 140\); fewer than half in common/);
  });

  it('fails when a candidate of the baseline is missing from the run', () => {
    const base = handTickets(50, 0.7, 13);
    expect(compareRuns(handReport(base, 'bot'), handReport(base, 'other'))).toMatchObject({ passed: false, missingCandidates: ['bot'] });
  });
});

describe('planning what the gate can detect', () => {
  it('without churn, the smallest drop is the first count of lost tickets above the tolerance: 7 of 300', () => {
    // 7 tickets lost and none gained: 2.33 points > 2, and p = 2⁻⁷ < 0.05; 6 tickets is exactly 2 points.
    const plan = planGate(handReport(handTickets(300, 0.7, 1)), { churn: 0, simulations: 50 });
    expect(plan.rows.find((row) => row.metric === 'automation (verified)')!.smallestDrop).toBeCloseTo(7 / 300, 10);
  });

  it('needs a larger drop with churn, and fewer tickets for a larger drop', () => {
    const plan = planGate(handReport(handTickets(300, 0.7, 1)), { churn: 0.1, simulations: 200, drop: 0.06 });
    const row = plan.rows.find((entry) => entry.metric === 'accuracy')!;
    expect(row.smallestDrop!).toBeGreaterThan(7 / 300);
    expect(row.smallestDrop!).toBeLessThan(0.08);
    expect(row.ticketsForDrop!).toBeGreaterThan(100);
    expect(row.ticketsForDrop!).toBeLessThan(1000);
    const larger = planGate(handReport(handTickets(300, 0.7, 1)), { churn: 0.1, simulations: 200, drop: 0.1 });
    expect(larger.rows.find((entry) => entry.metric === 'accuracy')!.ticketsForDrop!).toBeLessThan(row.ticketsForDrop!);
  });
});

describe('the CI gate on repeated runs', () => {
  interface RepeatedTicket {
    ticketId: string;
    /** Each try: sent and correct, or sent and wrong. */
    tries: readonly boolean[];
  }

  /** A repeated run of one candidate, shaped as a committed baseline: every try's verdict, alternately French and English tickets. */
  function repeatedReport(tickets: readonly RepeatedTicket[], repeat: number): RunReport {
    const report = handReport(tickets.map((ticket, index) => ({ ticketId: ticket.ticketId, verdict: ticket.tries[0] ? 'correct' : 'wrong', language: index % 2 === 0 ? 'fr' : 'en' })));
    report.tickets.forEach((ticket, index) => {
      ticket.answers[0]!.tries = tickets[index]!.tries.map((ok) => ({ sent: true, verdict: ok ? 'correct' : 'wrong', outcome: ok ? 'automated' : 'ai-then-agent' }));
    });
    return { ...report, run: { ...report.run, repeat } };
  }

  /** `count` tickets whose k tries succeed with a seeded chance each. */
  function seededTries(count: number, repeat: number, chance: number, seed: number): RepeatedTicket[] {
    const random = new Random(seed);
    return Array.from({ length: count }, (_, index) => ({ ticketId: `t${String(index).padStart(4, '0')}`, tries: Array.from({ length: repeat }, () => random.chance(chance)) }));
  }

  it('passes an identical rerun and gates pass^k, as computed by hand', () => {
    const tickets: RepeatedTicket[] = [
      { ticketId: 'fr-1', tries: [true, true, true] },
      { ticketId: 'en-1', tries: [true, false, true] },
      { ticketId: 'fr-2', tries: [false, false, true] },
      { ticketId: 'en-2', tries: [false, false, false] },
    ];
    const comparison = compareRuns(repeatedReport(tickets, 3), repeatedReport(tickets, 3), { permutations: 200, resamples: 200 });
    expect(comparison.passed).toBe(true);
    expect(comparison.repeats).toEqual({ baseline: 3, current: 3, passK: 3 });
    const passK = comparison.metrics.find((change) => change.metric === 'pass^3')!;
    // Only fr-1 succeeds on all three tries: 1/4.
    expect(passK.baseline).toBeCloseTo(0.25, 12);
    expect(passK.delta).toBe(0);
    // Automation is the share of successful tries per ticket, averaged: (1 + 2/3 + 1/3 + 0)/4.
    expect(comparison.metrics.find((change) => change.metric === 'automation (verified)')!.baseline).toBeCloseTo(0.5, 12);
  });

  it("moves a ticket when its share of successful tries changes, 3 of 3 to 2 of 3 included, which the first try alone misses", () => {
    const before: RepeatedTicket[] = Array.from({ length: 12 }, (_, index) => ({ ticketId: `${index % 2 ? 'en' : 'fr'}-${index}`, tries: [true, true, true] }));
    const after = before.map((ticket) => ({ ...ticket, tries: [true, true, false] }));
    const comparison = compareRuns(repeatedReport(before, 3), repeatedReport(after, 3), { permutations: 500, resamples: 500 });
    const automation = comparison.metrics.find((change) => change.metric === 'automation (verified)')!;
    expect([automation.worse, automation.better]).toEqual([12, 0]);
    // Every first try still succeeds: the flips of correct first answers see nothing.
    expect(comparison.flips[0]).toMatchObject({ lost: 0, gained: 0 });
    const passK = comparison.metrics.find((change) => change.metric === 'pass^3')!;
    expect([passK.baseline, passK.current, passK.regressed]).toEqual([1, 0, true]);
    expect(comparison.passed).toBe(false);
  });

  it('keeps the ticket as the unit: three tries that move together count once, as computed by hand', () => {
    const all = (ok: boolean) => [ok, ok, ok];
    const ids = Array.from({ length: 10 }, (_, index) => `${index % 2 ? 'en' : 'fr'}-${index}`);
    // Tickets 0–4 lose every try, 5–6 gain every try, 7–9 keep succeeding.
    const before = ids.map((ticketId, index) => ({ ticketId, tries: all(index < 5 || index >= 7) }));
    const after = ids.map((ticketId, index) => ({ ticketId, tries: all(index >= 5) }));
    const automation = compareRuns(repeatedReport(before, 3), repeatedReport(after, 3), { permutations: 100, resamples: 100 }).metrics.find((change) => change.metric === 'automation (verified)')!;
    // P(X ≥ 5), X ~ Binomial(7, ½) = 29/128, not the 15 tries against 6 taken one by one (p ≈ 0.04).
    expect([automation.worse, automation.better]).toEqual([5, 2]);
    expect(automation.pValue).toBeCloseTo(29 / 128, 12);
  });

  it('passes reruns of a flaky candidate with the same success chance about as often as alpha says, and fails a planted drop', () => {
    // Each pair draws its own baseline, so one lucky baseline does not decide every rerun.
    let failed = 0;
    for (let seed = 1; seed <= 40; seed++) {
      if (!compareRuns(repeatedReport(seededTries(300, 3, 0.8, seed), 3), repeatedReport(seededTries(300, 3, 0.8, seed + 1000), 3), { permutations: 300, resamples: 300 }).passed) failed++;
    }
    // alpha = 5 % of 40 is 2; four allows for the noise of 40 draws.
    expect(failed).toBeLessThanOrEqual(4);
    const baseline = repeatedReport(seededTries(300, 3, 0.8, 1), 3);
    const dropped = compareRuns(baseline, repeatedReport(seededTries(300, 3, 0.7, 99), 3), { permutations: 300, resamples: 300 });
    expect(dropped.passed).toBe(false);
    expect(dropped.metrics.filter((change) => change.regressed).map((change) => change.metric)).toContain('pass^3');
  });

  it('compares runs of different repeat counts on pass^ of the smaller count, and gates no pass^k against a single run', () => {
    const tickets = seededTries(40, 3, 0.7, 5);
    const twoTries = tickets.map((ticket) => ({ ...ticket, tries: ticket.tries.slice(0, 2) }));
    const mixed = compareRuns(repeatedReport(tickets, 3), repeatedReport(twoTries, 2), { permutations: 100, resamples: 100 });
    expect(mixed.repeats).toEqual({ baseline: 3, current: 2, passK: 2 });
    expect(mixed.metrics.map((change) => change.metric)).toContain('pass^2');
    expect(describeRepeats(mixed.repeats)).toMatch(/baseline made 3 tries per ticket, this run 2; .*pass\^2 is gated/);

    const single = handReport(tickets.map((ticket) => ({ ticketId: ticket.ticketId, verdict: ticket.tries[0] ? 'correct' : 'wrong' })));
    const once = compareRuns(repeatedReport(tickets, 3), single, { permutations: 100, resamples: 100 });
    expect(once.repeats.passK).toBeNull();
    expect(once.metrics.some((change) => change.metric.startsWith('pass^'))).toBe(false);
    expect(describeRepeats(once.repeats)).toMatch(/pass\^k is not gated: it needs two or more tries in both runs/);
    expect(describeRepeats(compareRuns(single, single, { permutations: 10, resamples: 10 }).repeats)).toBeUndefined();
  });

  it('keeps every try in a committed baseline', () => {
    const report = repeatedReport([{ ticketId: 'fr-1', tries: [true, false] }], 2);
    expect(baselineOf(report).tickets[0]!.answers[0]!.tries).toEqual(report.tickets[0]!.answers[0]!.tries);
  });
});
