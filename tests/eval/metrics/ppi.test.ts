import { describe, expect, it } from 'vitest';
import { Random } from '../../../datasets/text/random.ts';
import { allocate } from '../../../eval/labels/labels.ts';
import { labelsForHalfWidth, phiCorrelation, ppiMean, ppiPlusPlusMean, stratifiedMean, stratifiedRatio, wilsonInterval, type CorrectedRate } from '../../../eval/metrics/ppi.ts';

/**
 * Label-corrected rates: hand-computed cases (the arithmetic is in the comments), the edges, and
 * simulations where the truth is known, to check that a 95 % interval covers it 95 % of the time.
 */

/** The judge's 0/1 values, and which of them a person labelled (the first ones) with what. */
const JUDGE = [1, 1, 1, 0, 1, 1, 1, 0, 0, 0];
const LABELLED = [
  { judge: 1, person: 1 },
  { judge: 1, person: 0 },
  { judge: 1, person: 1 },
  { judge: 0, person: 0 },
];

function expectRate(rate: CorrectedRate, estimate: number, variance: number): void {
  const standardError = Math.sqrt(variance);
  expect(rate.estimate).toBeCloseTo(estimate, 10);
  expect(rate.standardError).toBeCloseTo(standardError, 10);
  expect(rate.low).toBeCloseTo(Math.max(0, estimate - 1.96 * standardError), 10);
  expect(rate.high).toBeCloseTo(Math.min(1, estimate + 1.96 * standardError), 10);
}

describe('ppiMean', () => {
  it('corrects the judge by its error on the labels', () => {
    // Unlabelled: 1,1,1,0,0,0 → mean 0.5, variance 0.25. Labelled f mean 0.75, Y mean 0.5.
    // θ̂ = 0.5 − (0.75 − 0.5) = 0.25.
    // Y − f on the labels 0,−1,0,0 and the pseudo-labels 0,1,−1,0: mean −1/8,
    // squared deviations 5·(1/8)² + 2·(7/8)² + (9/8)² = 2.875, over 8 = 0.359375.
    // Variance 0.359375/4 + 0.25/6.
    const rate = ppiMean(JUDGE, LABELLED);
    expectRate(rate, 0.25, 0.359375 / 4 + 0.25 / 6);
    expect(rate).toMatchObject({ n: 4, N: 10, low: 0 });
  });

  it('has no estimate without labels', () => {
    expect(ppiMean([1, 0, 1], [])).toEqual({ estimate: null, low: null, high: null, standardError: null, n: 0, N: 3 });
  });

  it('keeps an interval when every label agrees with the judge', () => {
    // Y − f: five 0s and the pseudo-labels 0,1,−1,0 → mean 0, variance 2/9; the unlabelled
    // judge values are all 1 (variance 0). Variance (2/9)/5.
    const rate = ppiMean(
      Array.from({ length: 10 }, () => 1),
      Array.from({ length: 5 }, () => ({ judge: 1, person: 1 })),
    );
    expectRate(rate, 1, 2 / 9 / 5);
    expect(rate.low).toBeLessThan(0.6);
  });

  it('is the labels alone when every ticket is labelled', () => {
    // No unlabelled ticket is left for the judge to speak for: λ = 0. Y = 1,0,1,0: mean 0.5;
    // with the pseudo-labels' Y (0,1,0,1) the variance is 0.25.
    const rate = ppiMean([1, 1, 1, 0], LABELLED);
    expectRate(rate, 0.5, 0.25 / 4);
  });

  it('refuses more labelled tickets than judged ones', () => {
    expect(() => ppiMean([1], LABELLED)).toThrow(RangeError);
  });
});

describe('ppiPlusPlusMean', () => {
  it('tunes λ to the judge and reports it', () => {
    // Var_N(f) = 0.6·0.4 = 0.24. Cov_n(Y, f): f − 0.75 = .25,.25,.25,−.75; Y − 0.5 = .5,−.5,.5,−.5;
    // products .125,−.125,.125,.375 → 0.5/4 = 0.125. λ = 0.125 / ((1 + 4/6)·0.24) = 0.3125.
    // θ̂ = 0.5 + 0.3125·(0.5 − 0.75) = 0.421875.
    // Y − λf on labels and pseudo-labels: .6875,−.3125,.6875,0 | 0,1,−.3125,.6875:
    // mean 2.4375/8, mean of squares 2.61328125/8. Variance of the mean over n = 4, plus λ²·0.25/6.
    const rate = ppiPlusPlusMean(JUDGE, LABELLED);
    expect(rate.lambda).toBeCloseTo(0.3125, 10);
    const spread = 2.61328125 / 8 - (2.4375 / 8) ** 2;
    expectRate(rate, 0.421875, spread / 4 + (0.3125 ** 2 * 0.25) / 6);
  });

  it('ignores a judge that says the same on every ticket', () => {
    // λ = 0: the labels alone, Y = 1,0,1 with the pseudo-labels 0,1,0,1 → 4/7 ones.
    const rate = ppiPlusPlusMean(
      [1, 1, 1, 1, 1],
      [
        { judge: 1, person: 1 },
        { judge: 1, person: 0 },
        { judge: 1, person: 1 },
      ],
    );
    expect(rate.lambda).toBe(0);
    expectRate(rate, 2 / 3, (4 / 7) * (3 / 7) / 3);
  });

  it('clips λ to [0, 1]: a judge that disagrees with people is not trusted', () => {
    const disagreeing = [
      { judge: 1, person: 0 },
      { judge: 0, person: 1 },
      { judge: 1, person: 0 },
      { judge: 0, person: 1 },
    ];
    expect(ppiPlusPlusMean([1, 0, 1, 0, 1, 1, 0, 0], disagreeing).lambda).toBe(0);
  });

  it('is the labels alone when every ticket is labelled, and has nothing without labels', () => {
    expect(ppiPlusPlusMean([1, 1, 1, 0], LABELLED)).toMatchObject({ estimate: 0.5, lambda: 0, n: 4, N: 4 });
    expect(ppiPlusPlusMean([1, 0], [])).toMatchObject({ estimate: null, lambda: null });
  });
});

describe('stratifiedMean', () => {
  it('weights each stratum by its share of the tickets', () => {
    // W = 0.6, 0.4; means 2/3 and 0 → θ̂ = 0.4.
    // Within: [1,1,0] + pseudo [0,1] → 3/5 ones, 0.24/3·0.36; [0,0] + [0,1] → 1/4, 0.1875/2·0.16.
    // Between: (0.6·(2/3 − 0.4)² + 0.4·0.4²)/10.
    const rate = stratifiedMean([
      { size: 6, sample: [1, 1, 0] },
      { size: 4, sample: [0, 0] },
    ]);
    expectRate(rate, 0.4, (0.24 / 3) * 0.36 + (0.1875 / 2) * 0.16 + (0.6 * (2 / 3 - 0.4) ** 2 + 0.4 * 0.4 ** 2) / 10);
    expect(rate).toMatchObject({ n: 5, N: 10 });
  });

  it('takes a settled stratum as known, without pseudo-labels', () => {
    // W = 0.5, 0.5; means 0.5 and 0 → 0.25. Within: [1,0,0,1] → 0.25/2·0.25; settled: 0.
    // Between: (0.5·0.25² + 0.5·0.25²)/10.
    const rate = stratifiedMean([
      { size: 5, sample: [1, 0] },
      { size: 5, sample: [0, 0, 0, 0, 0], settled: true },
    ]);
    expectRate(rate, 0.25, (0.25 / 2) * 0.25 + 0.0625 / 10);
    expect(rate).toMatchObject({ n: 2, N: 10 });
  });

  it('has no estimate while a stratum with tickets has no label', () => {
    expect(stratifiedMean([{ size: 4, sample: [1] }, { size: 3, sample: [] }]).estimate).toBeNull();
    expect(stratifiedMean([{ size: 4, sample: [1] }, { size: 0, sample: [] }]).estimate).toBe(1);
  });

  it('keeps an interval when a stratum is labelled all alike, even all of it', () => {
    // Everything labelled 0: each stratum [0,0,0] + [0,1] → 1/5 ones, variance 0.16/3.
    const rate = stratifiedMean([
      { size: 3, sample: [0, 0, 0] },
      { size: 3, sample: [0, 0, 0] },
    ]);
    expectRate(rate, 0, 2 * 0.25 * (0.16 / 3));
    expect(rate.high).toBeGreaterThan(0.3);
  });
});

describe('stratifiedRatio', () => {
  it('estimates a share of a share with the linearised variance', () => {
    // Numerator/denominator per label. W = 0.4, 0.6.
    // A: (1,1)×3, (0,1) → means 0.75, 1. B: (0,0)×2, (1,1)×2, (0,1)×2 → means 1/3, 2/3.
    // R = (0.4·0.75 + 0.6/3) / (0.4 + 0.6·2/3) = 0.5/0.8 = 0.625.
    // z = a − 0.625·b. A with pseudo (1,1),(0,1): .375×4, −.625×2 → variance 2/9, over 4, ×0.16.
    // B with pseudo: 0×2, .375×3, −.625×3 → mean −0.09375, mean of squares 0.19921875, over 6, ×0.36.
    // Between: (0.4·0.125² + 0.6·(1/3 − 0.625·2/3)²)/100. All over 0.8².
    const rate = stratifiedRatio([
      { size: 40, sample: [...Array.from({ length: 3 }, () => ({ numerator: 1, denominator: 1 })), { numerator: 0, denominator: 1 }] },
      {
        size: 60,
        sample: [
          { numerator: 0, denominator: 0 },
          { numerator: 0, denominator: 0 },
          { numerator: 1, denominator: 1 },
          { numerator: 1, denominator: 1 },
          { numerator: 0, denominator: 1 },
          { numerator: 0, denominator: 1 },
        ],
      },
    ]);
    const within = ((2 / 9) / 4) * 0.16 + ((0.19921875 - 0.09375 ** 2) / 6) * 0.36;
    const between = (0.4 * 0.125 ** 2 + 0.6 * (1 / 3 - (0.625 * 2) / 3) ** 2) / 100;
    expectRate(rate, 0.625, (within + between) / 0.64);
    expect(rate).toMatchObject({ n: 10, N: 100 });
  });

  it('has no estimate when no labelled ticket is in the denominator', () => {
    expect(stratifiedRatio([{ size: 5, sample: [{ numerator: 0, denominator: 0 }] }]).estimate).toBeNull();
  });
});

describe('wilsonInterval', () => {
  it('matches the published values', () => {
    // 8/10: centre (0.8 + 1.96²/20)/(1 + 1.96²/10), half 1.96·√(0.016 + 1.96²/400)/(1 + 1.96²/10).
    const scale = 1 + 1.96 ** 2 / 10;
    const centre = (0.8 + 1.96 ** 2 / 20) / scale;
    const half = (1.96 * Math.sqrt(0.016 + 1.96 ** 2 / 400)) / scale;
    const interval = wilsonInterval(8, 10);
    expect(interval.low).toBeCloseTo(centre - half, 10);
    expect(interval.high).toBeCloseTo(centre + half, 10);
    expect(interval.low).toBeCloseTo(0.4902, 4);
    expect(interval.high).toBeCloseTo(0.9433, 4);
  });

  it('stays honest at 0/n and n/n, and is empty without trials', () => {
    // 0/10: high = 1.96²/(10 + 1.96²) ≈ 0.2775.
    expect(wilsonInterval(0, 10)).toMatchObject({ value: 0, low: 0 });
    expect(wilsonInterval(0, 10).high).toBeCloseTo(1.96 ** 2 / (10 + 1.96 ** 2), 10);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(10 / (10 + 1.96 ** 2), 10);
    expect(wilsonInterval(0, 0)).toEqual({ value: null, low: null, high: null, successes: 0, trials: 0 });
  });
});

describe('labelsForHalfWidth', () => {
  it('gives the textbook counts and shrinks them by 1 − ρ²', () => {
    // 1.96²·0.25/0.05² = 384.16 → 385; /0.1² = 96.04 → 97; ρ = 0.8: 0.36·384.16 = 138.3 → 139.
    expect(labelsForHalfWidth(0.05)).toEqual({ halfWidth: 0.05, labelsAlone: 385, withJudge: 385 });
    expect(labelsForHalfWidth(0.1)).toEqual({ halfWidth: 0.1, labelsAlone: 97, withJudge: 97 });
    expect(labelsForHalfWidth(0.05, { correlation: 0.8 })).toEqual({ halfWidth: 0.05, labelsAlone: 385, withJudge: 139 });
    // p = 0.1: 1.96²·0.09/0.05² = 138.2976 → 139.
    expect(labelsForHalfWidth(0.05, { rate: 0.1 }).labelsAlone).toBe(139);
    expect(() => labelsForHalfWidth(0)).toThrow(RangeError);
  });
});

describe('phiCorrelation', () => {
  it('is 1 for identical values, 0 for independent ones, null for a constant', () => {
    expect(phiCorrelation(0.5, 0.5, 0.5)).toBe(1);
    expect(phiCorrelation(0.4, 0.5, 0.2)).toBeCloseTo(0, 10);
    // (0.3 − 0.4·0.5)/√(0.24·0.25) = 0.1/√0.06.
    expect(phiCorrelation(0.4, 0.5, 0.3)).toBeCloseTo(0.1 / Math.sqrt(0.06), 10);
    expect(phiCorrelation(1, 0.5, 0.5)).toBeNull();
  });
});

describe('coverage by simulation', () => {
  const TICKETS = 1000;
  const LABELS = 200;
  const DRAWS = 1000;

  function shuffle<T>(items: T[], random: Random): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  interface Ticket {
    judge: number;
    person: number;
    sent: number;
  }

  /**
   * A judge of known error on tickets of known rate; the candidate sends 90 % of what its judge
   * passes and 40 % of the rest, so the share of correct answers among sent ones is known too.
   */
  function simulate({ rate, falsePositive, falseNegative, seed }: { rate: number; falsePositive: number; falseNegative: number; seed: number }) {
    const random = new Random(seed);
    const sendIf = [0.4, 0.9];
    const passed = (person: number): number => (person ? 1 - falseNegative : falsePositive);
    const sentGiven = (person: number): number => passed(person) * sendIf[1]! + (1 - passed(person)) * sendIf[0]!;
    const accuracy = (rate * sentGiven(1)) / (rate * sentGiven(1) + (1 - rate) * sentGiven(0));
    const runs: Record<'ppi' | 'ppiPlusPlus' | 'stratified' | 'overSampled' | 'accuracy', CorrectedRate[]> = { ppi: [], ppiPlusPlus: [], stratified: [], overSampled: [], accuracy: [] };
    let judgeRates = 0;
    for (let draw = 0; draw < DRAWS; draw++) {
      const tickets: Ticket[] = Array.from({ length: TICKETS }, () => {
        const person = random.chance(rate) ? 1 : 0;
        const judge = random.chance(passed(person)) ? 1 : 0;
        return { judge, person, sent: random.chance(sendIf[judge]!) ? 1 : 0 };
      });
      const judgeValues = tickets.map((ticket) => ticket.judge);
      judgeRates += judgeValues.reduce((sum, value) => sum + value, 0) / TICKETS;
      const uniform = shuffle([...tickets], random).slice(0, LABELS);
      runs.ppi.push(ppiMean(judgeValues, uniform));
      runs.ppiPlusPlus.push(ppiPlusPlusMean(judgeValues, uniform));
      // Strata = the judge's outcome, as `label export` draws: its allocation, and an even split
      // that over-samples the smaller stratum, as its floor does for rare verdicts.
      const strata = [0, 1].map((judge) => tickets.filter((ticket) => ticket.judge === judge));
      const proportional = allocate(
        strata.map((stratum) => stratum.length),
        LABELS,
      );
      const drawn = (quotas: readonly number[]): Ticket[][] => strata.map((stratum, index) => shuffle([...stratum], random).slice(0, quotas[index]));
      const byJudge = drawn(proportional);
      runs.stratified.push(stratifiedMean(strata.map((stratum, index) => ({ size: stratum.length, sample: byJudge[index]!.map((ticket) => ticket.person) }))));
      const even = drawn(strata.map((stratum) => Math.min(stratum.length, LABELS / 2)));
      runs.overSampled.push(stratifiedMean(strata.map((stratum, index) => ({ size: stratum.length, sample: even[index]!.map((ticket) => ticket.person) }))));
      runs.accuracy.push(
        stratifiedRatio(strata.map((stratum, index) => ({ size: stratum.length, sample: even[index]!.map((ticket) => ({ numerator: ticket.person * ticket.sent, denominator: ticket.sent })) }))),
      );
    }
    return { runs, accuracy, judgeRate: judgeRates / DRAWS };
  }

  const covered = (rates: readonly CorrectedRate[], truth: number): number => rates.filter((rate) => rate.low! <= truth && truth <= rate.high!).length / rates.length;
  const average = (rates: readonly CorrectedRate[], read: (rate: CorrectedRate) => number): number => rates.reduce((sum, rate) => sum + read(rate), 0) / rates.length;

  it.each([
    { judge: 'a lenient judge (passes 20 % of the failures)', rate: 0.3, falsePositive: 0.2, falseNegative: 0.05, seed: 1 },
    { judge: 'a strict judge (fails 30 % of the successes)', rate: 0.6, falsePositive: 0.02, falseNegative: 0.3, seed: 2 },
  ])('covers the true rate 95 % of the time with $judge', ({ rate, falsePositive, falseNegative, seed }) => {
    const { runs, accuracy, judgeRate } = simulate({ rate, falsePositive, falseNegative, seed });
    // The judge alone is far off; the corrected estimates are not.
    expect(Math.abs(judgeRate - rate)).toBeGreaterThan(0.1);
    for (const name of ['ppi', 'ppiPlusPlus', 'stratified', 'overSampled'] as const) {
      const coverage = covered(runs[name], rate);
      expect(coverage, `${name}: ${coverage}`).toBeGreaterThanOrEqual(0.93);
      expect(coverage, `${name}: ${coverage}`).toBeLessThanOrEqual(0.97);
      expect(Math.abs(average(runs[name], (run) => run.estimate!) - rate), name).toBeLessThan(0.01);
    }
    const accuracyCoverage = covered(runs.accuracy, accuracy);
    expect(accuracyCoverage).toBeGreaterThanOrEqual(0.93);
    expect(accuracyCoverage).toBeLessThanOrEqual(0.97);
    // Tuning λ never widens the interval much beyond plain PPI's; here it narrows it.
    const width = (run: CorrectedRate): number => run.high! - run.low!;
    expect(average(runs.ppiPlusPlus, width)).toBeLessThan(average(runs.ppi, width));
  });
});
