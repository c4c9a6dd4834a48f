import type { Random } from '../../datasets/text/random.ts';
import { ShadowdeskError } from '../../errors.ts';
import { allSucceed, percentile, sentCorrect, streamFor } from './metrics.ts';
import type { ExplorerAnswer, RunReport, ShownVerdict, TryVerdict } from './run-report.ts';

/**
 * Two runs side by side, paired ticket by ticket. Both runs answer the same tickets, so only the
 * tickets whose outcome changed carry evidence: a headline rate regresses when its drop is
 * significant on those tickets (McNemar's exact one-sided test, its p-value adjusted over all the
 * gate's checks) AND larger than a practical tolerance. The size of the drop comes with a paired bootstrap interval (the same resample of
 * tickets for both runs). `shadowdesk ci` fails on what this calls a regression.
 */

/** The answer fields a comparison reads (a committed baseline keeps only these, plus ids); `tries` in a repeated run. */
export type PairedAnswer = Pick<ExplorerAnswer, 'sent' | 'verdict' | 'outcome' | 'tries'>;

/** A headline rate as per-ticket flags: `counts` puts the ticket in the denominator, `hit` in the numerator. */
interface GatedMetricDefinition {
  hit: (answer: PairedAnswer) => boolean;
  counts: (answer: PairedAnswer) => boolean;
  higherIsBetter: boolean;
}

/** The metrics a gate watches, defined as eval/metrics/metrics.ts defines them from judged tickets. */
export const GATED_METRICS = {
  // Outcome 'automated' is sent, judged correct and closed after one reply: resolution.verified.
  'automation (verified)': { hit: (answer) => answer.outcome === 'automated', counts: () => true, higherIsBetter: true },
  accuracy: { hit: (answer) => answer.sent && answer.verdict === 'correct', counts: (answer) => answer.sent && answer.verdict !== 'cannot-judge', higherIsBetter: true },
  'wrong answers': { hit: (answer) => answer.sent && answer.verdict === 'wrong', counts: () => true, higherIsBetter: false },
} as const satisfies Record<string, GatedMetricDefinition>;
export type GatedMetric = keyof typeof GATED_METRICS;

/** pass^k over the tries both runs made (k = the smaller repeat count), gated when both were repeated. */
export type PassKMetric = `pass^${number}`;

export interface CompareOptions {
  /** One-sided significance level of a drop. @default 0.05 */
  alpha?: number;
  /** Smallest drop that matters, as a share: 0.02 is two points. @default 0.02 */
  tolerance?: number;
  /** Paired bootstrap resamples. @default 2000 */
  resamples?: number;
  /** Random swaps of the runs per ticket that adjust the p-values for the number of checks. @default 2000 */
  permutations?: number;
  /** @default the baseline's metrics seed */
  seed?: number;
}

export interface MetricChange {
  candidate: string;
  metric: GatedMetric | PassKMetric;
  /** The rate on the paired tickets, in each run (null when its denominator is 0). */
  baseline: number | null;
  current: number | null;
  /** current − baseline (null when either is null). */
  delta: number | null;
  /** 95% paired bootstrap percentile interval of delta. */
  low: number | null;
  high: number | null;
  /** Paired tickets this rate counts in both runs, and those that moved the bad way and the good way. */
  tickets: number;
  worse: number;
  better: number;
  /** McNemar's exact one-sided p-value for a drop: P(X ≥ worse), X ~ Binomial(worse + better, ½). */
  pValue: number;
  /** pValue adjusted over every rate of every candidate the comparison checks (see familyAdjusted); the gate decides on this one. */
  adjustedPValue: number;
  regressed: boolean;
}

export interface VerdictChange {
  candidate: string;
  ticketId: string;
  /** As the reports show it: both answers were sent, so never 'not-sent'. */
  from: ShownVerdict;
  to: ShownVerdict;
}

/** Net flips of correct answers: the evidence is lost − gained, never lost alone. */
export interface CorrectFlips {
  candidate: string;
  lost: number;
  gained: number;
  pValue: number;
}

/** Tickets compared per candidate, and those only one run answered (left out of the pairing). */
export interface Pairing {
  candidate: string;
  paired: number;
  onlyBaseline: number;
  onlyCurrent: number;
}

/** Tries per ticket in each run, and the pass^k the gate compared (null when either run was not repeated). */
export interface RepeatsCompared {
  baseline: number;
  current: number;
  passK: number | null;
}

export interface RunComparison {
  alpha: number;
  tolerance: number;
  repeats: RepeatsCompared;
  metrics: MetricChange[];
  changed: VerdictChange[];
  flips: CorrectFlips[];
  pairing: Pairing[];
  missingCandidates: string[];
  passed: boolean;
}

/** P(X ≥ w) for X ~ Binomial(n, ½) and every w in 0..n, summed exactly in log space so thousands of discordant tickets do not underflow. */
function upperTails(n: number): Float64Array {
  const logHalf = n * Math.log(0.5);
  const masses = new Float64Array(n + 1);
  let logChoose = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    masses[k] = Math.exp(logChoose + logHalf);
  }
  const tails = new Float64Array(n + 2);
  for (let k = n; k >= 0; k--) tails[k] = Math.min(1, tails[k + 1]! + masses[k]!);
  tails[0] = 1;
  return tails;
}

/** McNemar's exact one-sided p-value for a drop: P(X ≥ worse), X ~ Binomial(worse + better, ½). */
export function mcnemarPValue(worse: number, better: number): number {
  return upperTails(worse + better)[worse]!;
}

/**
 * One rate's per-ticket values in both runs, over the paired tickets: 0 or 1 for a run asked once,
 * the share of the ticket's tries in a repeated run.
 */
export interface PairedFlags {
  baseHit: ArrayLike<number>;
  baseCounts: ArrayLike<number>;
  currentHit: ArrayLike<number>;
  currentCounts: ArrayLike<number>;
}

function rateOf(hit: ArrayLike<number>, counts: ArrayLike<number>): number | null {
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < hit.length; index++) {
    numerator += hit[index]!;
    denominator += counts[index]!;
  }
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * The 95% percentile interval of rate(current) − rate(baseline) when tickets are resampled with
 * replacement, the same resample for both runs (the pairing is what makes it narrow). Resamples
 * with an empty denominator in either run are dropped.
 */
export function pairedBootstrap(flags: PairedFlags, random: Random, resamples: number): { low: number | null; high: number | null } {
  const units = flags.baseHit.length;
  const differences = new Float64Array(resamples);
  let kept = 0;
  for (let resample = 0; resample < resamples; resample++) {
    let baseHits = 0;
    let baseCounts = 0;
    let currentHits = 0;
    let currentCounts = 0;
    for (let draw = 0; draw < units; draw++) {
      const unit = (random.next() * units) | 0;
      baseHits += flags.baseHit[unit]!;
      baseCounts += flags.baseCounts[unit]!;
      currentHits += flags.currentHit[unit]!;
      currentCounts += flags.currentCounts[unit]!;
    }
    if (baseCounts > 0 && currentCounts > 0) differences[kept++] = currentHits / currentCounts - baseHits / baseCounts;
  }
  if (kept === 0) return { low: null, high: null };
  const sorted = differences.subarray(0, kept).sort();
  return { low: percentile(sorted, 0.025), high: percentile(sorted, 0.975) };
}

/**
 * Among the tickets the rate counts in both runs, those whose own rate moved (+1 the bad way, −1
 * the good way, by paired index). With one try per ticket this is McNemar's discordant pairs; with
 * repeats, a ticket moves when the share of its tries that hit changed (a sign test, the ticket
 * staying the unit: see compareRuns).
 */
function movesOf(flags: PairedFlags, higherIsBetter: boolean): { tickets: number; moves: Array<[number, 1 | -1]> } {
  let tickets = 0;
  const moves: Array<[number, 1 | -1]> = [];
  const bad = higherIsBetter ? 1 : -1;
  for (let index = 0; index < flags.baseHit.length; index++) {
    if (!flags.baseCounts[index] || !flags.currentCounts[index]) continue;
    tickets += 1;
    const before = flags.baseHit[index]! / flags.baseCounts[index]!;
    const after = flags.currentHit[index]! / flags.currentCounts[index]!;
    if (Math.abs(before - after) > 1e-12) moves.push([index, before > after ? bad : (-bad as 1 | -1)]);
  }
  return { tickets, moves };
}

/** An answer's tries: its own verdict alone when it was asked once (every try would be that one). */
function triesOf(answer: PairedAnswer): readonly TryVerdict[] {
  return answer.tries ?? [answer];
}

/** Per ticket, the share of its tries a flag holds for. */
function shareColumn(pairs: ReadonlyArray<readonly [PairedAnswer, PairedAnswer]>, pick: 0 | 1, flag: (answer: TryVerdict) => boolean): Float64Array {
  return Float64Array.from(pairs, (pair) => {
    const tries = triesOf(pair[pick]);
    return tries.filter(flag).length / tries.length;
  });
}

function flagsOf(metric: GatedMetric, pairs: ReadonlyArray<readonly [PairedAnswer, PairedAnswer]>): PairedFlags {
  const { hit, counts } = GATED_METRICS[metric];
  return { baseHit: shareColumn(pairs, 0, hit), baseCounts: shareColumn(pairs, 0, counts), currentHit: shareColumn(pairs, 1, hit), currentCounts: shareColumn(pairs, 1, counts) };
}

/** Per ticket, the unbiased chance that k tries all succeed; a ticket asked once succeeds on every try or on none. */
function passKColumn(pairs: ReadonlyArray<readonly [PairedAnswer, PairedAnswer]>, pick: 0 | 1, k: number): Float64Array {
  return Float64Array.from(pairs, (pair) => {
    const answer = pair[pick];
    if (!answer.tries) return sentCorrect(answer) ? 1 : 0;
    return allSucceed(answer.tries.filter(sentCorrect).length, answer.tries.length, k);
  });
}

function passKFlags(pairs: ReadonlyArray<readonly [PairedAnswer, PairedAnswer]>, k: number): PairedFlags {
  const everyTicket = new Float64Array(pairs.length).fill(1);
  return { baseHit: passKColumn(pairs, 0, k), baseCounts: everyTicket, currentHit: passKColumn(pairs, 1, k), currentCounts: everyTicket };
}

function isHigherBetter(metric: GatedMetric | PassKMetric): boolean {
  return Object.hasOwn(GATED_METRICS, metric) ? GATED_METRICS[metric as GatedMetric].higherIsBetter : true;
}

/** A run's tries per ticket: 1 unless it was repeated. */
function repeatOf(report: RunReport): number {
  return report.repeatability?.repeat ?? report.run.repeat ?? 1;
}

/** The sentence a gate summary adds about repeats, or nothing when neither run was repeated. */
export function describeRepeats(repeats: RepeatsCompared): string | undefined {
  const { baseline, current, passK } = repeats;
  if (baseline === 1 && current === 1) return undefined;
  const counts = baseline === current ? `both runs made ${baseline} tries per ticket` : `the baseline made ${baseline} tries per ticket, this run ${current}`;
  const gated =
    passK === null
      ? 'pass^k is not gated: it needs two or more tries in both runs'
      : `pass^${passK} is gated${baseline === current ? '' : ` (the tries both runs made; each run's estimate uses all its own tries)`}`;
  return `Repeats: ${counts}; every rate compares each ticket's share of successful tries, the ticket staying the unit; ${gated}.`;
}

/** Whether a change is a regression: a drop that is significant and larger than the tolerance. */
export function isRegression(drop: number | null, pValue: number, options: { alpha: number; tolerance: number }): boolean {
  return drop !== null && drop > options.tolerance + 1e-12 && pValue < options.alpha;
}

/** One check of the gate: the tickets that moved it (by ticket id, +1 the bad way) and its McNemar p-value. */
export interface GateCheck {
  moves: ReadonlyArray<readonly [string, 1 | -1]>;
  pValue: number;
}

/**
 * P-values adjusted over all the gate's checks (three rates per candidate) by the paired
 * permutation minP of Westfall and Young: when nothing changed, swapping the two runs' answers
 * on a ticket (for every candidate at once) is as likely as not, so each random set of swaps is
 * a run the gate must pass. A check's adjusted p is the share of them whose smallest p-value,
 * over every check, is at most its own. The whole gate then fails an unchanged run at most alpha
 * of the time; unlike Bonferroni or Holm it counts correlated checks (two candidates that answer
 * alike, accuracy and automation moving together) once rather than twice.
 */
export function familyAdjusted(checks: readonly GateCheck[], random: Random, permutations: number): number[] {
  const ticketIndex = new Map<string, number>();
  for (const check of checks) for (const [ticket] of check.moves) if (!ticketIndex.has(ticket)) ticketIndex.set(ticket, ticketIndex.size);
  const moves = checks.map((check) => check.moves.map(([ticket, direction]) => [ticketIndex.get(ticket)!, direction] as const));
  const tails = checks.map((check) => upperTails(check.moves.length));
  const swapped = new Uint8Array(ticketIndex.size);
  const smallest = new Float64Array(permutations);
  for (let permutation = 0; permutation < permutations; permutation++) {
    for (let ticket = 0; ticket < swapped.length; ticket++) swapped[ticket] = random.next() < 0.5 ? 1 : 0;
    let least = 1;
    moves.forEach((entries, check) => {
      let worse = 0;
      for (const [ticket, direction] of entries) if ((direction === 1) !== (swapped[ticket] === 1)) worse += 1;
      least = Math.min(least, tails[check]![worse]!);
    });
    smallest[permutation] = least;
  }
  smallest.sort();
  return checks.map((check) => {
    // Permutations whose smallest p is at most this check's, counting the observed run as one of them.
    let low = 0;
    let high = permutations;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (smallest[middle]! <= check.pValue * (1 + 1e-12)) low = middle + 1;
      else high = middle;
    }
    return Math.min(1, (1 + low) / (1 + permutations));
  });
}

function metricChange(candidate: string, metric: GatedMetric | PassKMetric, flags: PairedFlags, ids: readonly string[], random: Random, options: Required<CompareOptions>): { change: Omit<MetricChange, 'adjustedPValue' | 'regressed'>; check: GateCheck } {
  const baseline = rateOf(flags.baseHit, flags.baseCounts);
  const current = rateOf(flags.currentHit, flags.currentCounts);
  const delta = baseline === null || current === null ? null : current - baseline;
  const { tickets, moves } = movesOf(flags, isHigherBetter(metric));
  const worse = moves.filter(([, direction]) => direction === 1).length;
  const better = moves.length - worse;
  const pValue = mcnemarPValue(worse, better);
  return {
    change: { candidate, metric, baseline, current, delta, ...pairedBootstrap(flags, random, options.resamples), tickets, worse, better, pValue },
    check: { moves: moves.map(([index, direction]) => [ids[index]!, direction] as const), pValue },
  };
}

function correctAnswer(answer: PairedAnswer): boolean {
  return answer.sent && answer.verdict === 'correct';
}

/** Each candidate's answers by ticket id. */
function answersByCandidate(report: RunReport): Map<string, Map<string, ExplorerAnswer>> {
  const byCandidate = new Map<string, Map<string, ExplorerAnswer>>();
  for (const ticket of report.tickets) {
    for (const answer of ticket.answers) {
      const answers = byCandidate.get(answer.candidate) ?? new Map<string, ExplorerAnswer>();
      answers.set(ticket.ticketId, answer);
      byCandidate.set(answer.candidate, answers);
    }
  }
  return byCandidate;
}

/** Refuses a pairing that would leave out most tickets: the result would describe another selection. */
function pairTickets(candidate: string, before: Map<string, ExplorerAnswer>, after: Map<string, ExplorerAnswer>): { ids: string[]; pairing: Pairing } {
  const ids = [...before.keys()].filter((id) => after.has(id)).sort();
  const pairing = { candidate, paired: ids.length, onlyBaseline: before.size - ids.length, onlyCurrent: after.size - ids.length };
  if (ids.length * 2 < Math.max(before.size, after.size)) {
    throw new ShadowdeskError(
      'SD_INPUT_INVALID',
      `${candidate}: only ${ids.length} tickets are in both runs (baseline ${before.size}, this run ${after.size}); fewer than half in common means the runs replayed different selections, and a comparison would not say whether answers got worse. Replay the baseline's selection, or pin a new baseline on purpose`,
    );
  }
  return { ids, pairing };
}

/**
 * Compares two runs ticket by ticket. With repeated runs every try counts and the ticket stays the
 * unit: each rate's per-ticket value is the share of the ticket's tries that hit; the bootstrap
 * resamples tickets with all their tries; the test is a sign test on the tickets whose share moved
 * (with one try per ticket, exactly McNemar's). Pairing tries one by one, as if each were a ticket,
 * is only valid when a ticket's tries are independent draws; a model that mostly repeats itself
 * (temperature 0) makes one ticket's change count up to k times, and unchanged candidates fail
 * (15 % of null reruns instead of 4 % in docs/ci.md's simulation). A per-ticket majority would
 * miss a ticket going from 3 of 3 to 2 of 3, and tie with an even k. Runs with different repeat
 * counts are compared the same way (shares of 3 and of 5 tries estimate the same rate), and
 * pass^k on the smaller count, each run's estimate using all its own tries.
 */
export function compareRuns(baseline: RunReport, current: RunReport, options: CompareOptions = {}): RunComparison {
  const settings: Required<CompareOptions> = { alpha: options.alpha ?? 0.05, tolerance: options.tolerance ?? 0.02, resamples: options.resamples ?? 2000, permutations: options.permutations ?? 2000, seed: options.seed ?? baseline.metrics.seed };
  const before = answersByCandidate(baseline);
  const after = answersByCandidate(current);
  const tested: Array<ReturnType<typeof metricChange>> = [];
  const changed: VerdictChange[] = [];
  const flips: CorrectFlips[] = [];
  const pairing: Pairing[] = [];
  const missingCandidates: string[] = [];
  const repeats = repeatsCompared(baseline, current);
  for (const candidate of baseline.metrics.candidates.map((entry) => entry.candidate)) {
    const ours = after.get(candidate);
    if (!ours) {
      missingCandidates.push(candidate);
      continue;
    }
    const theirs = before.get(candidate) ?? new Map<string, ExplorerAnswer>();
    const { ids, pairing: paired } = pairTickets(candidate, theirs, ours);
    pairing.push(paired);
    const pairs = ids.map((id) => [theirs.get(id)!, ours.get(id)!] as const);
    // One stream per candidate, shared by its metrics: every rate sees the same resamples.
    const random = streamFor(settings.seed, `compare\u0000${candidate}`);
    for (const metric of Object.keys(GATED_METRICS) as GatedMetric[]) tested.push(metricChange(candidate, metric, flagsOf(metric, pairs), ids, random, settings));
    // A candidate asked once in either run (it consults no model) has no pass^k beyond its success rate.
    const repeated = pairs.some(([from]) => from.tries) && pairs.some(([, to]) => to.tries);
    if (repeats.passK !== null && repeated) tested.push(metricChange(candidate, `pass^${repeats.passK}`, passKFlags(pairs, repeats.passK), ids, random, settings));
    const lost = pairs.filter(([from, to]) => correctAnswer(from) && !correctAnswer(to)).length;
    const gained = pairs.filter(([from, to]) => !correctAnswer(from) && correctAnswer(to)).length;
    flips.push({ candidate, lost, gained, pValue: mcnemarPValue(lost, gained) });
    pairs.forEach(([from, to], index) => {
      if (from.sent && to.sent && from.verdict !== to.verdict) changed.push({ candidate, ticketId: ids[index]!, from: from.verdict, to: to.verdict });
    });
  }
  const adjusted = familyAdjusted(
    tested.map(({ check }) => check),
    streamFor(settings.seed, 'compare\u0000family'),
    settings.permutations,
  );
  const metrics = tested.map(({ change }, index): MetricChange => {
    const drop = change.delta === null ? null : isHigherBetter(change.metric) ? -change.delta : change.delta;
    return { ...change, adjustedPValue: adjusted[index]!, regressed: isRegression(drop, adjusted[index]!, settings) };
  });
  const passed = missingCandidates.length === 0 && metrics.every((change) => !change.regressed);
  return { alpha: settings.alpha, tolerance: settings.tolerance, repeats, metrics, changed, flips, pairing, missingCandidates, passed };
}

function repeatsCompared(baseline: RunReport, current: RunReport): RepeatsCompared {
  const [before, after] = [repeatOf(baseline), repeatOf(current)];
  return { baseline: before, current: after, passK: Math.min(before, after) >= 2 ? Math.min(before, after) : null };
}

/**
 * A report cut down to what a comparison reads: metrics and each answer's verdict, without any
 * ticket text, so a baseline can be committed without committing customers' messages.
 */
export function baselineOf(report: RunReport): RunReport {
  return {
    ...report,
    gaps: {},
    tickets: report.tickets.map((ticket) => ({
      ...ticket,
      subject: '',
      question: '',
      humanReply: '',
      answers: ticket.answers.map((answer) => ({
        candidate: answer.candidate,
        decision: answer.decision,
        sent: answer.sent,
        text: '',
        confidence: answer.confidence,
        verdict: answer.verdict,
        outcome: answer.outcome,
        judges: [],
        sources: [],
        ...(answer.tries && { tries: answer.tries.map(({ sent, verdict, outcome }) => ({ sent, verdict, outcome })) }),
      })),
    })),
  };
}

export interface PlanOptions {
  /** @default 0.05 */
  alpha?: number;
  /** @default 0.02 */
  tolerance?: number;
  /** Share of failing simulated runs the gate must reach for a drop. @default 0.8 */
  power?: number;
  /**
   * Share of a rate's tickets whose outcome changes between two runs of an unchanged candidate
   * (half each way). The built-in candidates are deterministic (0); an LLM at temperature > 0 is not.
   * @default 0.05
   */
  churn?: number;
  /** Simulated runs per drop tried. @default 400 */
  simulations?: number;
  /** A drop to plan the ticket count for, as a share (0.05 = five points). */
  drop?: number;
  /** @default the baseline's metrics seed */
  seed?: number;
}

export interface PlanRow {
  candidate: string;
  metric: GatedMetric;
  /** Tickets the rate counts in the baseline, and its value there. */
  tickets: number;
  rate: number | null;
  /** Smallest drop (a share) the gate catches with the wanted power; null when even losing every good ticket is not caught. */
  smallestDrop: number | null;
  /** Tickets needed to catch `options.drop` with the wanted power; null when not asked, or more than PLAN_MAX_TICKETS. */
  ticketsForDrop: number | null;
}

export interface GatePlan {
  alpha: number;
  tolerance: number;
  power: number;
  churn: number;
  simulations: number;
  drop: number | null;
  rows: PlanRow[];
}

export const PLAN_MAX_TICKETS = 1_000_000;

/** Successes among `trials` draws of probability `chance`, by geometric skips: O(successes), not O(trials). */
function binomialDraw(trials: number, chance: number, random: Random): number {
  if (chance <= 0 || trials <= 0) return 0;
  if (chance >= 1) return trials;
  const logMiss = Math.log(1 - chance);
  let successes = 0;
  let position = Math.floor(Math.log(1 - random.next()) / logMiss);
  while (position < trials) {
    successes += 1;
    position += 1 + Math.floor(Math.log(1 - random.next()) / logMiss);
  }
  return successes;
}

interface Scenario {
  /** Tickets the rate counts, and those on the good side (hit for a higher-is-better rate, no hit otherwise). */
  counted: number;
  good: number;
  /** Good tickets made bad on top of the churn. */
  planted: number;
}

/**
 * Share of simulated reruns the gate fails: churn moves tickets both ways with equal expected
 * counts (the rate does not move by itself), the planted drop moves `planted` more good tickets
 * to bad. The stream is rebuilt for each call so every drop and size sees the same draws, which
 * keeps the power monotone enough to search.
 */
function simulatedPower(scenario: Scenario, settings: { alpha: number; tolerance: number; churn: number; simulations: number }, seedLabel: () => Random): number {
  const { counted, good, planted } = scenario;
  const random = seedLabel();
  const bad = counted - good;
  // Churn can only move as many tickets each way as the smaller side holds, or the null itself would drift.
  const each = Math.min((settings.churn * counted) / 2, good, bad);
  let failed = 0;
  for (let run = 0; run < settings.simulations; run++) {
    const churnedWorse = binomialDraw(good, good === 0 ? 0 : each / good, random);
    const worse = churnedWorse + Math.min(planted, good - churnedWorse);
    const better = binomialDraw(bad, bad === 0 ? 0 : each / bad, random);
    if (isRegression((worse - better) / counted, mcnemarPValue(worse, better), settings)) failed += 1;
  }
  return failed / settings.simulations;
}

/**
 * Smallest integer in [low, high] with `passes`, assuming it is monotone; null when high fails.
 * Doubling first keeps a search up to a million tickets from simulating a million tickets.
 */
function smallestPassing(low: number, high: number, passes: (value: number) => boolean): number | null {
  let upper = Math.max(low, 1);
  while (upper < high && !passes(upper)) {
    low = upper + 1;
    upper = Math.min(high, upper * 2);
  }
  if (!passes(upper)) return null;
  high = upper;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (passes(middle)) high = middle;
    else low = middle + 1;
  }
  return high;
}

/**
 * What the gate can see on this baseline: for each candidate and rate, the smallest drop it
 * fails with the wanted power at the baseline's ticket count, and (with `drop`) the tickets
 * needed to catch that drop. Estimated by seeded simulation from the baseline's per-ticket outcomes.
 */
export function planGate(baseline: RunReport, options: PlanOptions = {}): GatePlan {
  const settings = {
    alpha: options.alpha ?? 0.05,
    tolerance: options.tolerance ?? 0.02,
    power: options.power ?? 0.8,
    churn: options.churn ?? 0.05,
    simulations: options.simulations ?? 400,
  };
  const seed = options.seed ?? baseline.metrics.seed;
  const drop = options.drop ?? null;
  const byCandidate = answersByCandidate(baseline);
  // The gate adjusts for all its checks; Bonferroni's alpha / checks is the strictest that can be, so the plan errs towards larger drops.
  const perCheck = { ...settings, alpha: settings.alpha / Math.max(1, byCandidate.size * Object.keys(GATED_METRICS).length) };
  const rows: PlanRow[] = [];
  for (const [candidate, answers] of byCandidate) {
    const all = [...answers.values()];
    for (const [metric, { hit, counts, higherIsBetter }] of Object.entries(GATED_METRICS) as Array<[GatedMetric, GatedMetricDefinition]>) {
      const counted = all.filter(counts);
      const hits = counted.filter(hit).length;
      const goodShare = counted.length === 0 ? 0 : (higherIsBetter ? hits : counted.length - hits) / counted.length;
      const stream = () => streamFor(seed, `plan\u0000${candidate}\u0000${metric}`);
      const caught = (scenario: Scenario) => scenario.counted > 0 && simulatedPower(scenario, perCheck, stream) >= settings.power;
      const good = Math.round(goodShare * counted.length);
      const planted = smallestPassing(0, good, (count) => caught({ counted: counted.length, good, planted: count }));
      const scaled = (tickets: number): Scenario => {
        const size = Math.round((tickets * counted.length) / Math.max(1, all.length));
        const goodAtSize = Math.round(goodShare * size);
        return { counted: size, good: goodAtSize, planted: Math.min(goodAtSize, Math.round((drop ?? 0) * size)) };
      };
      rows.push({
        candidate,
        metric,
        tickets: counted.length,
        rate: counted.length === 0 ? null : hits / counted.length,
        smallestDrop: planted === null || counted.length === 0 ? null : planted / counted.length,
        ticketsForDrop: drop === null || counted.length === 0 ? null : smallestPassing(2, PLAN_MAX_TICKETS, (tickets) => caught(scaled(tickets))),
      });
    }
  }
  return { ...settings, drop, rows };
}
