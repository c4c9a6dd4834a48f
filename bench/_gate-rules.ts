import { compareRuns, GATED_METRICS, type GatedMetric } from '../eval/metrics/compare.ts';
import { bootstrapRates, streamFor, type Rate } from '../eval/metrics/metrics.ts';
import type { ExplorerAnswer, RunReport } from '../eval/metrics/run-report.ts';
import { wrongTickets } from './_gate-candidate.ts';

/** The gate benchmark's plan and its two rules, shared by the end-to-end runs and the synthetic reruns (a child process). */

export const BASELINE_SHARE = 0.05;
export const BETTER_SHARE = 0.02;
export const DROP_SHARES = [0.1, 0.15, 0.2];

/** The seed of one candidate run: the baseline's is `seed` itself, every rerun its own. */
export const runSeed = (seed: number, share: number, rerun: number): number => seed + 100_000 * Math.round(share * 100) + rerun + 1;

/** What the old rule read of each candidate: its gated rates with their 95% intervals, and its ticket count. */
export type OldRuleInputs = Map<string, { rates: Record<GatedMetric, Rate>; tickets: number }>;

/** As `ci` read them before: from the report's own metrics. */
export function ratesInReport(report: RunReport): OldRuleInputs {
  return new Map(
    report.metrics.candidates.map((entry) => [entry.candidate, { tickets: entry.tickets, rates: { 'automation (verified)': entry.automation.verified, accuracy: entry.accuracy, 'wrong answers': entry.wrongRate } }]),
  );
}

/**
 * A synthesised run's metrics are those of the verdicts it was made from: recomputed from its
 * tickets as eval/metrics/metrics.ts computes them (tickets in the run's order, 1000 resamples, one stream
 * per candidate), which gives the report's own intervals on an unchanged run.
 */
export function resampledRates(report: RunReport): OldRuleInputs {
  const metrics = Object.values(GATED_METRICS);
  return new Map(
    report.metrics.candidates.map(({ candidate, tickets }) => {
      const answers = report.tickets.map((ticket) => ticket.answers.find((answer) => answer.candidate === candidate)!);
      const [automation, accuracy, wrong] = bootstrapRates(
        metrics.map(({ hit, counts }) => ({ numerators: answers.map((answer) => (hit(answer) ? 1 : 0)), denominators: answers.map((answer) => (counts(answer) ? 1 : 0)) })),
        streamFor(report.metrics.seed, candidate),
        1000,
      ) as [Rate, Rate, Rate];
      return [candidate, { tickets, rates: { 'automation (verified)': automation, accuracy, 'wrong answers': wrong } }];
    }),
  );
}

const halfWidth = (rate: Rate) => (rate.low === null || rate.high === null ? 0 : (rate.high - rate.low) / 2);

/**
 * The rule `ci` used before (eval/metrics/compare.ts until the paired gate), kept as it was: a rate fails
 * when it gets worse by more than both runs' 95% half-widths added in quadrature, and a candidate
 * fails when more than max(2, 1% of its tickets) sent answers go from correct to wrong.
 */
export function oldRuleFails(baseline: RunReport, current: RunReport, ratesOf: (report: RunReport) => OldRuleInputs): boolean {
  const [before, after] = [ratesOf(baseline), ratesOf(current)];
  const sentVerdicts = (report: RunReport) => new Map(report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.sent).map((answer) => [`${answer.candidate}\u0000${ticket.ticketId}`, answer.verdict] as const)));
  const [from, to] = [sentVerdicts(baseline), sentVerdicts(current)];
  return baseline.metrics.candidates.some(({ candidate }) => {
    const [a, b] = [before.get(candidate), after.get(candidate)];
    if (!a || !b) return true;
    const rateFails = (Object.entries(GATED_METRICS) as Array<[GatedMetric, (typeof GATED_METRICS)[GatedMetric]]>).some(([metric, { higherIsBetter }]) => {
      const [x, y] = [a.rates[metric], b.rates[metric]];
      const delta = x.value === null || y.value === null ? null : y.value - x.value;
      const worse = delta === null ? 0 : higherIsBetter ? -delta : delta;
      return worse > Math.hypot(halfWidth(x), halfWidth(y)) + 1e-12;
    });
    let newlyWrong = 0;
    for (const [key, verdict] of to) if (key.startsWith(`${candidate}\u0000`) && verdict === 'wrong' && from.get(key) === 'correct') newlyWrong += 1;
    return rateFails || newlyWrong > Math.max(2, Math.floor(b.tickets * 0.01));
  });
}

/** One rerun judged by both rules, with the size of its change for one candidate (points). */
export interface Rerun {
  share: number;
  seed: number;
  oldFails: boolean;
  newFails: boolean;
  change: Record<GatedMetric, number>;
  seconds?: number;
}

export function judgedRerun(baseline: RunReport, current: RunReport, ratesOf: (report: RunReport) => OldRuleInputs, candidate: string, share: number, seed: number): Rerun {
  const comparison = compareRuns(baseline, current);
  const changeOf = (metric: GatedMetric) => 100 * (comparison.metrics.find((change) => change.candidate === candidate && change.metric === metric)!.delta ?? 0);
  return {
    share,
    seed,
    oldFails: oldRuleFails(baseline, current, ratesOf),
    newFails: !comparison.passed,
    change: { 'automation (verified)': changeOf('automation (verified)'), accuracy: changeOf('accuracy'), 'wrong answers': changeOf('wrong answers') },
  };
}

/** Reruns of one share, summed up. */
export interface Row {
  share: number;
  runs: number;
  oldFails: number;
  newFails: number;
  /** Mean change over the reruns, in points. */
  meanChange: Record<GatedMetric, number>;
}

export function rowOf(share: number, reruns: readonly Rerun[]): Row {
  const mean = (metric: GatedMetric) => reruns.reduce((sum, rerun) => sum + rerun.change[metric], 0) / reruns.length;
  return {
    share,
    runs: reruns.length,
    oldFails: reruns.filter((rerun) => rerun.oldFails).length,
    newFails: reruns.filter((rerun) => rerun.newFails).length,
    meanChange: { 'automation (verified)': mean('automation (verified)'), accuracy: mean('accuracy'), 'wrong answers': mean('wrong answers') },
  };
}

/** The run with a seeded share of tickets whose sent answers, for every candidate, are turned wrong. */
export function withWrongShare(report: RunReport, share: number, seed: number): RunReport {
  const wrong = wrongTickets(
    report.tickets.map((ticket) => ticket.ticketId),
    share,
    seed,
  );
  const turnedWrong = (answer: ExplorerAnswer): ExplorerAnswer => (answer.sent ? { ...answer, verdict: 'wrong' as const, outcome: 'ai-then-agent' as const } : answer);
  return { ...report, tickets: report.tickets.map((ticket) => (wrong.has(ticket.ticketId) ? { ...ticket, answers: ticket.answers.map(turnedWrong) } : ticket)) };
}
