import { describe, expect, it } from 'vitest';
import { countAnswers, decide, MIN_JUDGED_FOR_ACCURACY, ratesAt, sweep, thresholdForTarget, withAssumptions, type AnswerFact, type Decision, type DecisionInputs } from '../../../eval/pricing/decision.ts';
import { PricingSchema, type Pricing } from '../../../eval/pricing/schema.ts';
import { makeReport } from '../../reports/_report-factory.ts';

const SOURCE = { source: 'https://example.com/pricing', read: '2026-11-24' };

function pricing(models: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): Pricing {
  return PricingSchema.parse({ currency: 'USD', human: { perTicket: 5 }, ...extra, models: models.map((model) => ({ label: String(model.id), ...SOURCE, ...model })) });
}

const verified = (confidence: number): AnswerFact => ({ confidence, sent: true, contained: true, verified: true, confirmed: false, billable: true, verdict: 'correct', replies: 1 });
const wrong = (confidence: number): AnswerFact => ({ confidence, sent: true, contained: false, verified: false, confirmed: false, billable: true, verdict: 'wrong', replies: 1 });
const escalated = (confidence: number): AnswerFact => ({ confidence, sent: false, contained: false, verified: false, confirmed: false, billable: true, verdict: 'partial', replies: 0 });

/** Ten answers: four verified (confidence 0.9), two sent and wrong (0.5), four escalated. */
function tenAnswers(): AnswerFact[] {
  return [...[0, 1, 2, 3].map(() => verified(0.9)), wrong(0.5), wrong(0.5), ...[0, 1, 2, 3].map(() => escalated(0.1))];
}

function inputs(plans: Pricing, extra: Partial<DecisionInputs> = {}): DecisionInputs {
  return {
    pricing: plans,
    history: { from: '2026-01', to: '2026-02', months: 2, tickets: 2000, billable: 2000, ruleBillable: 0 },
    candidates: [{ candidate: 'bot', answers: countAnswers(tenAnswers()) }],
    assumptions: { monthlyTickets: 1000, humanCostPerTicket: 5, growth: 0, strictness: 'verified', threshold: 0 },
    origins: { monthlyTickets: 'history', humanCostPerTicket: 'file', growth: 'file', strictness: 'report', threshold: 'run' },
    ...extra,
  };
}

function allMoney(decision: Decision): number[] {
  return [
    decision.baseline.monthly,
    decision.baseline.twelveMonths,
    ...decision.candidates.flatMap((candidate) => candidate.plans.flatMap((plan) => [plan.monthly, plan.twelveMonths, plan.savings])),
    ...(decision.cheapest ? [decision.cheapest.monthly, decision.cheapest.twelveMonths, decision.cheapest.savings] : []),
  ];
}

describe('decide: one all-human baseline', () => {
  it('bills every plan against the same all-human cost at the planned volume', () => {
    const decision = decide(inputs(pricing([{ id: 'per-res', ai: { type: 'per-resolution', price: 1 } }, { id: 'bundle', helpdesk: { monthlyFee: 300, includedTickets: 2000, overagePerTicket: 0.4 }, ai: { type: 'per-resolution', price: 0.5 } }])), {});
    // All-human: 1000 billable × $5 = 5000 a month, 60,000 over 12 months.
    expect(decision.baseline).toEqual({ monthly: 5000, twelveMonths: 60000 });
    const [bot] = decision.candidates;
    const byId = Object.fromEntries(bot!.plans.map((plan) => [plan.id, plan]));
    // 400 automated × $1 + people: 400 untouched × 5 + 200 handed over × 5 = 3400.
    expect(byId['per-res']).toMatchObject({ monthly: 3400, twelveMonths: 40800, savings: 19200, includesHelpdesk: false });
    // 300 helpdesk + 400 × 0.5 + 3000 people = 3500.
    expect(byId.bundle).toMatchObject({ monthly: 3500, twelveMonths: 42000, savings: 18000, includesHelpdesk: true });
    for (const plan of bot!.plans) expect(plan.savings).toBeCloseTo(decision.baseline.twelveMonths - plan.twelveMonths, 2);
    expect(bot!.automatedPerMonth).toBe(400);
    expect(bot!.wrongPerMonth).toBe(200);
    expect(bot!.automation).toMatchObject({ rate: 0.4, basis: 'judge', judge: 0.4 });
  });

  it('marks as cheapest the lowest 12-month total of every candidate and plan, and none when no plan beats all-human', () => {
    const plans = pricing([{ id: 'cheap', ai: { type: 'per-resolution', price: 0.5 } }, { id: 'dear', ai: { type: 'per-resolution', price: 2 } }]);
    const weaker = tenAnswers().map((answer, index) => (index < 2 ? escalated(0.1) : answer));
    const decision = decide(inputs(plans, { candidates: [{ candidate: 'weak', answers: countAnswers(weaker) }, { candidate: 'bot', answers: countAnswers(tenAnswers()) }] }), {});
    const totals = decision.candidates.flatMap((candidate) => candidate.plans.map((plan) => ({ candidate: candidate.candidate, plan })));
    const lowest = Math.min(...totals.map(({ plan }) => plan.twelveMonths));
    expect(decision.cheapest).toMatchObject({ candidate: 'bot', plan: 'cheap', twelveMonths: lowest });
    for (const candidate of decision.candidates) expect(candidate.plans.filter((plan) => plan.cheapest).map((plan) => plan.id)).toEqual(['cheap']);

    // An AI that costs more than the person it replaces: all-human stays cheapest.
    const dear = decide(inputs(pricing([{ id: 'dear', ai: { type: 'per-resolution', price: 9 } }])), {});
    expect(dear.cheapest).toBeNull();
    expect(dear.candidates[0]!.plans[0]!.savings).toBeLessThan(0);
  });

  it('keeps today’s helpdesk in the baseline and in AI-only plans when the pricing file gives it', () => {
    const plans = pricing([{ id: 'ai-only', ai: { type: 'per-resolution', price: 1 } }], { currentHelpdesk: { monthlyFee: 200, overagePerTicket: 0 } });
    const decision = decide(inputs(plans), {});
    expect(decision.baseline.monthly).toBe(5200);
    expect(decision.candidates[0]!.plans[0]!.monthly).toBe(3600);
    expect(decision.currentHelpdesk).toBe(true);
  });

  it('grows the volume month by month over 12 months', () => {
    const growth = 0.1;
    const decision = decide(inputs(pricing([{ id: 'per-res', ai: { type: 'per-resolution', price: 1 } }])), {}, { growth });
    // Every figure is linear in volume here: 3.4 a ticket, 5 all-human.
    const months = Array.from({ length: 12 }, (_, month) => 1000 * (1 + growth) ** month);
    const volume = months.reduce((sum, tickets) => sum + tickets, 0);
    expect(decision.candidates[0]!.plans[0]!.twelveMonths).toBeCloseTo(3.4 * volume, 1);
    expect(decision.baseline.twelveMonths).toBeCloseTo(5 * volume, 1);
    expect(decision.candidates[0]!.plans[0]!.monthly).toBe(3400);
  });

  it('rounds every amount to the cent', () => {
    const plans = pricing([{ id: 'odd', ai: { type: 'per-resolution', price: 0.333 } }, { id: 'packs', ai: { type: 'per-session', price: 0.4917, packSize: 100 } }], { human: { minutesPerTicket: 7, hourlyRate: 23.17 } });
    const decision = decide(inputs(plans), {}, { monthlyTickets: 1234, growth: 0.0137 });
    for (const amount of allMoney(decision)) expect(Math.round(amount * 100) / 100).toBe(amount);
  });
});

describe('decide: what the lead can quote', () => {
  it('quotes the label-corrected rate when labels give one, scaled when the threshold moves', () => {
    const base = inputs(pricing([{ id: 'per-res', ai: { type: 'per-resolution', price: 1 } }]));
    const labelled = { ...base, candidates: [{ ...base.candidates[0]!, corrected: { verified: { estimate: 0.2, low: 0.1, high: 0.3 }, confirmed: { estimate: null, why: 'no label among its wrong answers' } } }] };
    const decision = decide(labelled, {});
    expect(decision.candidates[0]!.automation).toMatchObject({ rate: 0.2, low: 0.1, high: 0.3, basis: 'label-corrected', judge: 0.4 });
    expect(decision.candidates[0]!.automatedPerMonth).toBe(200);
    // The costs bill the corrected rate: 200 × $1, people 800 × 5 = 4200.
    expect(decision.candidates[0]!.plans[0]!.monthly).toBe(4200);
    const confirmed = decide(labelled, {}, { strictness: 'confirmed' }).candidates[0]!.automation;
    expect(confirmed).toMatchObject({ basis: 'judge', uncorrected: 'no label among its wrong answers' });
    const thanked = countAnswers(tenAnswers().map((answer, index) => (index === 0 ? { ...answer, confirmed: true } : answer)));
    const confirmedLabelled = { ...labelled, candidates: [{ ...labelled.candidates[0]!, answers: thanked, corrected: { ...labelled.candidates[0]!.corrected, confirmed: { estimate: 0.1, low: 0, high: 0.2 } } }] };
    expect(decide(confirmedLabelled, {}, { strictness: 'confirmed' }).candidates[0]!.automation).toMatchObject({ basis: 'label-corrected', lowerBound: true });
    expect(decision.candidates[0]!.automation.lowerBound).toBeUndefined();
    // Threshold 0.95 sends nothing: the judge's rate goes to 0 and the corrected one with it.
    expect(decide(labelled, {}, { threshold: 0.95 }).candidates[0]!.automation.rate).toBe(0);
  });

  it('quotes the judge’s verified rate with the unverified share beside it, never inside it', () => {
    const answers = tenAnswers();
    answers[6] = { ...escalated(0.1), sent: true, contained: true, verdict: 'unverified', replies: 1 };
    const decision = decide(inputs(pricing([{ id: 'x', ai: { type: 'per-resolution', price: 1 } }]), { candidates: [{ candidate: 'bot', answers: countAnswers(answers) }] }), {});
    expect(decision.candidates[0]!.automation).toMatchObject({ rate: 0.4, unverified: 0.1, basis: 'judge' });
  });

  it('counts only answers sent in the run at a threshold: raising it sends fewer, 0 is the run itself', () => {
    const answers = countAnswers(tenAnswers());
    expect(ratesAt(answers, 'verified', 0)).toMatchObject({ sent: 0.6, automated: 0.4, wrong: 0.2 });
    expect(ratesAt(answers, 'verified', 0.6)).toMatchObject({ sent: 0.4, automated: 0.4, wrong: 0 });
    expect(ratesAt(answers, 'verified', 0.95)).toMatchObject({ sent: 0, automated: 0, wrong: 0, accuracy: null });
  });

  it('ranks what to fix first by the tickets each gap would unlock a month', async () => {
    const report = await makeReport({ tickets: 60, candidates: 2 });
    const gaps = { ...report.gaps, [report.run.candidates[0]!]: [...report.gaps[report.run.candidates[0]!]!].reverse() };
    const decision = decide(report.pricing.decisionInputs, gaps, { monthlyTickets: 600 });
    const first = decision.candidates[0]!;
    expect(first.fixFirst.map((gap) => gap.tickets)).toEqual([...first.fixFirst.map((gap) => gap.tickets)].sort((a, b) => b - a));
    // 60 tickets replayed, 600 a month planned: each ticket of the run stands for ten a month.
    for (const gap of first.fixFirst) expect(gap.perMonth).toBeCloseTo(gap.tickets * 10, 6);
  });
});

describe('decide: break-even between the two cheapest plans', () => {
  // Per resolution at $1 (400 resolutions a month at 1000 tickets: 0.4 a ticket) against $300 flat: equal at 750 tickets.
  const plans = pricing([{ id: 'metered', ai: { type: 'per-resolution', price: 1 } }, { id: 'flat', ai: { type: 'flat', monthlyFee: 300, included: 1e9, unit: 'resolution', overage: 0 } }, { id: 'dear', ai: { type: 'per-resolution', price: 3 } }]);

  it('gives the volume where they swap when it lies in the scanned range', () => {
    const decision = decide(inputs(plans), {});
    expect(decision.scanned).toEqual({ from: 100, to: 10000 });
    expect(decision.candidates[0]!.breakEven).toEqual({ cheaper: 'flat', runnerUp: 'metered', swap: { ticketsPerMonth: 750, cheaperBelow: 'metered', cheaperAbove: 'flat' } });
  });

  it('says there is no swap when it would fall outside the range', () => {
    // At 10,000 a month the scan starts at 1000, above 750.
    const breakEven = decide(inputs(plans), {}, { monthlyTickets: 10000 }).candidates[0]!.breakEven;
    expect(breakEven).toEqual({ cheaper: 'flat', runnerUp: 'metered', swap: null });
  });

  it('lists no swap between plans that only touch', () => {
    const same = pricing([{ id: 'a', ai: { type: 'per-resolution', price: 1 } }, { id: 'b', ai: { type: 'per-resolution', price: 1 } }]);
    expect(decide(inputs(same), {}).candidates[0]!.breakEven!.swap).toBeNull();
  });
});

describe('sweep', () => {
  it('starts where the cards are: at threshold 0 it is the run’s send rate, verified automation, accuracy and wrong answers', async () => {
    const report = await makeReport({ tickets: 300, candidates: 3 });
    for (const card of report.metrics.candidates) {
      const [first] = sweep(report.pricing.decisionInputs.candidates.find((entry) => entry.candidate === card.candidate)!.answers, 'verified');
      expect(first!.threshold).toBe(0);
      expect(first!.sendRate).toBeCloseTo(card.sendRate.value!, 4);
      expect(first!.automation).toBeCloseTo(card.automation.verified.value!, 4);
      expect(first!.accuracy).toBeCloseTo(card.accuracy.value!, 4);
      expect(first!.wrongRate).toBeCloseTo(card.wrongRate.value!, 4);
    }
  });

  it(`draws no accuracy from fewer than ${MIN_JUDGED_FOR_ACCURACY} judged answers, so the target is never met where the line is not drawn`, () => {
    // 30 answers: 25 wrong at low confidence, 5 correct at 0.99.
    const answers = countAnswers([...Array.from({ length: 25 }, () => wrong(0.3)), ...Array.from({ length: 5 }, () => verified(0.99))]);
    const points = sweep(answers, 'verified');
    expect(points.find((point) => point.threshold === 0.5)!.accuracy).toBeNull();
    expect(points[0]!.accuracy).toBeCloseTo(5 / 30, 10);
    expect(thresholdForTarget(points, 0.95)).toBeNull();
    const met = thresholdForTarget(points.map((point) => ({ ...point, accuracy: point.threshold > 0.3 ? 1 : point.accuracy })), 0.95);
    expect(met!.threshold).toBe(0.31);
  });
});

describe('answer counts', () => {
  it('read a threshold to the hundredth: an answer counts from its own hundredth, 0.555 keeps answers from 0.56', () => {
    const counts = countAnswers([verified(0.29), verified(0.555), verified(0.56), wrong(0.9999), escalated(1)]);
    expect(ratesAt(counts, 'verified', 0.29).sent).toBeCloseTo(4 / 5, 10);
    expect(ratesAt(counts, 'verified', 0.3).sent).toBeCloseTo(3 / 5, 10);
    expect(ratesAt(counts, 'verified', 0.555).sent).toBeCloseTo(2 / 5, 10);
    expect(ratesAt(counts, 'verified', 1).sent).toBe(0);
    expect(counts.tickets).toBe(5);
  });
});

describe('withAssumptions', () => {
  it('sets only the assumptions given and says where each came from', () => {
    const base = inputs(pricing([{ id: 'x', ai: { type: 'per-resolution', price: 1 } }]));
    const set = withAssumptions(base, { monthlyTickets: 3000, growth: undefined }, (key) => `--${key}`);
    expect(set.assumptions).toEqual({ ...base.assumptions, monthlyTickets: 3000 });
    expect(set.origins).toEqual({ ...base.origins, monthlyTickets: '--monthlyTickets' });
  });
});
