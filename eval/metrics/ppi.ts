/**
 * Rates corrected by people's labels, and how many labels a chosen precision needs.
 *
 * The judge gives a value on every replayed ticket; people label a random sample. The labels
 * remove the judge's bias, the judge's values on the unlabelled tickets shrink the interval:
 * prediction-powered inference (Angelopoulos et al., Science 382, 2023) and its power-tuned form
 * PPI++ (Angelopoulos, Duchi, Zrnic, arXiv 2311.01453). Formulas: shared/notes/statistics.md.
 *
 * The target is the rate on tickets like the replayed ones, as in the report's bootstrap
 * intervals: the replayed tickets are a sample too, so labelling all of them still leaves an
 * interval. Intervals are 95 % normal intervals clipped to [0, 1].
 */

export const Z_95 = 1.96;

/** A rate from a sample of labels, with its 95 % interval; all null when no label bears on it. */
export interface CorrectedRate {
  estimate: number | null;
  low: number | null;
  high: number | null;
  standardError: number | null;
  /** Tickets with a person's label. */
  n: number;
  /** Tickets in all the strata, labelled or not (for a ratio, not only its denominator's). */
  N: number;
}

export interface TunedRate extends CorrectedRate {
  /** How much the judge's values were trusted: 0 = labels alone, 1 = plain PPI. */
  lambda: number | null;
}

/** A labelled ticket: what the judge says (f) and what the person says (Y), each 0 or 1. */
export interface LabelledTicket {
  judge: number;
  person: number;
}

/** A proportion counted on labels, with its Wilson 95 % interval; null without any trial. */
export interface Proportion {
  value: number | null;
  low: number | null;
  high: number | null;
  successes: number;
  trials: number;
}

/** A ratio's two terms on one ticket: a rate is a ratio whose denominator is 1 on every ticket. */
export interface RatioTerms {
  numerator: number;
  denominator: number;
}

/** One stratum of the tickets: how many it has, and the ratio's terms on a uniform random sample of them. */
export interface RatioStratum {
  /** Tickets in the stratum (N_h). */
  size: number;
  /** People's labels turned into terms; every ticket of the stratum when `settled`. */
  sample: readonly RatioTerms[];
  /** Every ticket's terms are known without a person (an unsent answer is never automated). */
  settled?: boolean;
}

export interface RateStratum {
  size: number;
  /** 0/1 labels of a uniform random sample of the stratum; every ticket's value when `settled`. */
  sample: readonly number[];
  settled?: boolean;
}

/** Labels needed for one interval half-width. */
export interface LabelsNeeded {
  halfWidth: number;
  /** With people's labels alone. */
  labelsAlone: number;
  /** With the judge's values on every ticket correcting them (PPI, or strata by the judge's outcome). */
  withJudge: number;
}

/**
 * One pseudo-label in each cell of judge × person the sample can fall in, added whenever a
 * variance is taken from people's labels (never to an estimate or to λ). Without them, ten
 * labels that all agree would give an interval of width zero: three labels "wrong" in a stratum
 * of a hundred would prove that none of the hundred is correct. With them, n agreeing labels
 * leave a half-width of about 2/n to 3/n (the "rule of three" says 3/n), and the simulations in
 * tests/eval/metrics/ppi.test.ts still cover the truth 95 % of the time.
 */
const PSEUDO_LABELS: readonly LabelledTicket[] = [
  { judge: 0, person: 0 },
  { judge: 0, person: 1 },
  { judge: 1, person: 0 },
  { judge: 1, person: 1 },
];

const NO_ESTIMATE = { estimate: null, low: null, high: null, standardError: null } as const;

function total(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

function mean(values: readonly number[]): number {
  return total(values) / values.length;
}

/** Mean squared deviation (divided by the count, not count − 1: the pseudo-labels already widen it). */
function spread(values: readonly number[]): number {
  const centre = mean(values);
  return mean(values.map((value) => (value - centre) ** 2));
}

/** The estimate is clipped with its interval: PPI can land a little below 0 or above 1, which is only noise. */
function withInterval(estimate: number, variance: number, n: number, N: number): CorrectedRate {
  const standardError = Math.sqrt(Math.max(variance, 0));
  return {
    estimate: Math.min(1, Math.max(0, estimate)),
    low: Math.max(0, estimate - Z_95 * standardError),
    high: Math.min(1, estimate + Z_95 * standardError),
    standardError,
    n,
    N,
  };
}

/**
 * θ̂_λ = mean_n(Y) + λ·(mean_U(f) − mean_n(f)), U the unlabelled tickets.
 * The notes' formulas take the labelled and the N judged tickets as independent samples; here the
 * labelled tickets are among the N, so N in those formulas is the N − n unlabelled ones. With
 * none left (everything labelled) the judge adds nothing and the estimate is the labels' mean.
 */
function powerTuned(judgeValues: readonly number[], labelled: readonly LabelledTicket[], lambdaOf: (labelled: readonly LabelledTicket[], unlabelled: number) => number): TunedRate {
  const N = judgeValues.length;
  const n = labelled.length;
  if (n > N) throw new RangeError(`${n} labelled tickets out of ${N}: the labelled tickets must be among the judged ones`);
  if (n === 0) return { ...NO_ESTIMATE, lambda: null, n, N };
  const unlabelled = N - n;
  const labelledJudge = labelled.map((ticket) => ticket.judge);
  const squares = (values: readonly number[]): number[] => values.map((value) => value ** 2);
  const judgeUnlabelled = unlabelled === 0 ? 0 : (total(judgeValues) - total(labelledJudge)) / unlabelled;
  const judgeSpreadUnlabelled = unlabelled === 0 ? 0 : (total(squares(judgeValues)) - total(squares(labelledJudge))) / unlabelled - judgeUnlabelled ** 2;
  const lambda = unlabelled === 0 ? 0 : lambdaOf(labelled, unlabelled);
  const estimate = mean(labelled.map((ticket) => ticket.person)) + lambda * (judgeUnlabelled - mean(labelledJudge));
  const residuals = [...labelled, ...PSEUDO_LABELS].map((ticket) => ticket.person - lambda * ticket.judge);
  const variance = spread(residuals) / n + (unlabelled === 0 ? 0 : (lambda ** 2 * Math.max(judgeSpreadUnlabelled, 0)) / unlabelled);
  return { ...withInterval(estimate, variance, n, N), lambda };
}

/**
 * Plain PPI: θ̂ = mean_U(f) − mean_n(f − Y); variance Var_U(f)/(N − n) + Var_n(f − Y)/n.
 * `judgeValues` are the judge's 0/1 values on all N tickets, the labelled ones included.
 */
export function ppiMean(judgeValues: readonly number[], labelled: readonly LabelledTicket[]): CorrectedRate {
  const { lambda: _lambda, ...rate } = powerTuned(judgeValues, labelled, () => 1);
  return rate;
}

/**
 * PPI++: λ̂ = Cov_n(Y, f) / ((1 + n/(N − n))·Var_N(f)), clipped to [0, 1], so a poor judge is
 * trusted less and the interval is never much wider than the labels' own. A judge that says the
 * same on every ticket carries no information: λ = 0.
 */
export function ppiPlusPlusMean(judgeValues: readonly number[], labelled: readonly LabelledTicket[]): TunedRate {
  return powerTuned(judgeValues, labelled, (sample, unlabelled) => {
    const judgeSpread = spread(judgeValues);
    if (judgeSpread === 0) return 0;
    const judgeMean = mean(sample.map((ticket) => ticket.judge));
    const personMean = mean(sample.map((ticket) => ticket.person));
    const covariance = mean(sample.map((ticket) => (ticket.judge - judgeMean) * (ticket.person - personMean)));
    const lambda = covariance / ((1 + sample.length / unlabelled) * judgeSpread);
    return Math.min(1, Math.max(0, lambda));
  });
}

/**
 * The combined ratio estimator over strata sampled separately, weights W_h = N_h/N:
 * R̂ = Σ W_h·mean_h(numerator) / Σ W_h·mean_h(denominator). Its variance by linearisation, with
 * z = numerator − R̂·denominator: (Σ W_h²·Var_h(z)/n_h + Σ W_h·mean_h(z)²/N) / (Σ W_h·mean_h(denominator))².
 * The first sum is the notes' Σ W_h²·Var_h(Y)/n_h; the second is how much the strata's own
 * sizes vary from one set of N tickets to the next. A stratum with tickets but no label leaves
 * the estimate unknown: nothing says what its tickets are.
 */
export function stratifiedRatio(strata: readonly RatioStratum[]): CorrectedRate {
  const filled = strata.filter((stratum) => stratum.size > 0);
  const N = total(filled.map((stratum) => stratum.size));
  const n = total(filled.map((stratum) => (stratum.settled ? 0 : stratum.sample.length)));
  if (N === 0 || filled.some((stratum) => stratum.sample.length === 0)) return { ...NO_ESTIMATE, n, N };
  const weighted = filled.map((stratum) => ({
    stratum,
    weight: stratum.size / N,
    numerator: mean(stratum.sample.map((terms) => terms.numerator)),
    denominator: mean(stratum.sample.map((terms) => terms.denominator)),
  }));
  const denominator = weighted.reduce((sum, { weight, denominator: value }) => sum + weight * value, 0);
  if (denominator === 0) return { ...NO_ESTIMATE, n, N };
  const ratio = weighted.reduce((sum, { weight, numerator: value }) => sum + weight * value, 0) / denominator;
  // The judge says the same on a whole stratum, so only two of the four cells are open to it.
  const pseudo: RatioTerms[] = PSEUDO_LABELS.filter((label) => label.judge === 1).map((label) => ({ numerator: label.person, denominator: 1 }));
  let within = 0;
  let between = 0;
  for (const { stratum, weight, numerator: meanNumerator, denominator: meanDenominator } of weighted) {
    const terms = stratum.settled ? stratum.sample : [...stratum.sample, ...pseudo];
    within += (weight ** 2 * spread(terms.map((term) => term.numerator - ratio * term.denominator))) / stratum.sample.length;
    between += (weight * (meanNumerator - ratio * meanDenominator) ** 2) / N;
  }
  return withInterval(ratio, (within + between) / denominator ** 2, n, N);
}

/**
 * Σ W_h·mean(Y in h's labels). When the strata are the judge's own outcome values it uses the
 * judge as PPI does (the notes: the two then coincide), and unlike PPI it stays valid when the
 * strata were sampled at different rates.
 */
export function stratifiedMean(strata: readonly RateStratum[]): CorrectedRate {
  return stratifiedRatio(strata.map(({ size, sample, settled }) => ({ size, sample: sample.map((label) => ({ numerator: label, denominator: 1 })), ...(settled && { settled }) })));
}

/** Wilson's score interval: unlike p̂ ± 1.96·√(p̂(1 − p̂)/n), it stays honest at 0/n and n/n. */
export function wilsonInterval(successes: number, trials: number): Proportion {
  if (trials === 0) return { value: null, low: null, high: null, successes, trials };
  const share = successes / trials;
  const z2 = Z_95 ** 2;
  const scale = 1 + z2 / trials;
  const centre = (share + z2 / (2 * trials)) / scale;
  const half = (Z_95 * Math.sqrt((share * (1 - share)) / trials + z2 / (4 * trials ** 2))) / scale;
  return { value: share, low: Math.max(0, centre - half), high: Math.min(1, centre + half), successes, trials };
}

/**
 * φ, the correlation of two 0/1 values, from their rates and the rate of both at once; null
 * when one of them never varies. Estimated rates can put it a little past ±1: it is clipped.
 */
export function phiCorrelation(judgeRate: number, personRate: number, bothRate: number): number | null {
  const scale = Math.sqrt(judgeRate * (1 - judgeRate) * personRate * (1 - personRate));
  if (scale === 0) return null;
  return Math.min(1, Math.max(-1, (bothRate - judgeRate * personRate) / scale));
}

/**
 * Labels for a 95 % half-width w: n ≈ 1.96²·p(1 − p)/w² alone, about (1 − ρ²) times that when
 * the judge (correlation ρ with people) corrects them. p = 0.5, the worst case, when unknown.
 */
export function labelsForHalfWidth(halfWidth: number, { rate = 0.5, correlation = 0 }: { rate?: number; correlation?: number } = {}): LabelsNeeded {
  if (!(halfWidth > 0 && halfWidth <= 1)) throw new RangeError(`half-width ${halfWidth}: expected a share above 0 and at most 1`);
  const alone = (Z_95 ** 2 * rate * (1 - rate)) / halfWidth ** 2;
  // 1.96²·0.25/0.05² is 384.16000000000003 in floating point: round away the noise before ceil.
  const count = (value: number): number => Math.ceil(Math.round(value * 1e9) / 1e9);
  return { halfWidth, labelsAlone: count(alone), withJudge: count((1 - correlation ** 2) * alone) };
}
