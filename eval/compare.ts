import type { Verdict } from './judges/types.ts';
import type { CandidateMetrics, Rate } from './metrics.ts';
import type { RunReport } from './run-report.ts';

/**
 * Two runs side by side: each gated metric's change against a tolerance that grows with the
 * metrics' own uncertainty (so noise inside the intervals passes), and the tickets whose verdict
 * changed. `shadowdesk ci` fails on what this calls a regression.
 */

/** The metrics a gate watches, and which way is better. */
export const GATED_METRICS = {
  'automation (verified)': { of: (metrics: CandidateMetrics) => metrics.automation.verified, higherIsBetter: true },
  accuracy: { of: (metrics: CandidateMetrics) => metrics.accuracy, higherIsBetter: true },
  'wrong answers': { of: (metrics: CandidateMetrics) => metrics.wrongRate, higherIsBetter: false },
} as const;
export type GatedMetric = keyof typeof GATED_METRICS;

export interface CompareOptions {
  /** Extra absolute drop allowed on top of the intervals' width, e.g. 0.01. @default 0 */
  tolerance?: number;
  /** Tickets allowed to go from correct to wrong, per candidate. @default 1% of the tickets, at least 2 */
  maxNewlyWrong?: number;
}

export interface MetricChange {
  candidate: string;
  metric: GatedMetric;
  baseline: Rate;
  current: Rate;
  /** current − baseline (null when either is undefined). */
  delta: number | null;
  /** The drop in the bad direction that counts as a regression. */
  allowed: number;
  regressed: boolean;
}

export interface VerdictChange {
  candidate: string;
  ticketId: string;
  from: Verdict;
  to: Verdict;
}

export interface RunComparison {
  metrics: MetricChange[];
  changed: VerdictChange[];
  /** Per candidate: tickets that went from correct to wrong, and the limit. */
  newlyWrong: Array<{ candidate: string; count: number; limit: number; regressed: boolean }>;
  missingCandidates: string[];
  passed: boolean;
}

function halfWidth(rate: Rate): number {
  return rate.low === null || rate.high === null ? 0 : (rate.high - rate.low) / 2;
}

export function compareRuns(baseline: RunReport, current: RunReport, options: CompareOptions = {}): RunComparison {
  const tolerance = options.tolerance ?? 0;
  const metrics: MetricChange[] = [];
  const missingCandidates: string[] = [];
  for (const before of baseline.metrics.candidates) {
    const after = current.metrics.candidates.find((candidate) => candidate.candidate === before.candidate);
    if (!after) {
      missingCandidates.push(before.candidate);
      continue;
    }
    for (const [metric, { of, higherIsBetter }] of Object.entries(GATED_METRICS) as Array<[GatedMetric, (typeof GATED_METRICS)[GatedMetric]]>) {
      const [a, b] = [of(before), of(after)];
      // Two independent 95% intervals combine in quadrature into the interval of their difference.
      const allowed = Math.hypot(halfWidth(a), halfWidth(b)) + tolerance;
      const delta = a.value === null || b.value === null ? null : b.value - a.value;
      const worse = delta === null ? 0 : higherIsBetter ? -delta : delta;
      metrics.push({ candidate: before.candidate, metric, baseline: a, current: b, delta, allowed, regressed: worse > allowed + 1e-12 });
    }
  }

  const verdicts = new Map<string, Verdict>();
  for (const ticket of baseline.tickets) for (const answer of ticket.answers) if (answer.sent) verdicts.set(`${answer.candidate}\u0000${ticket.ticketId}`, answer.verdict);
  const changed: VerdictChange[] = [];
  for (const ticket of current.tickets) {
    for (const answer of ticket.answers) {
      const from = verdicts.get(`${answer.candidate}\u0000${ticket.ticketId}`);
      const to = answer.sent ? answer.verdict : undefined;
      if (from !== undefined && to !== undefined && from !== to) changed.push({ candidate: answer.candidate, ticketId: ticket.ticketId, from, to });
    }
  }
  const newlyWrong = current.metrics.candidates
    .filter((candidate) => !missingCandidates.includes(candidate.candidate) && baseline.metrics.candidates.some((entry) => entry.candidate === candidate.candidate))
    .map((candidate) => {
      const count = changed.filter((change) => change.candidate === candidate.candidate && change.from === 'correct' && change.to === 'wrong').length;
      const limit = options.maxNewlyWrong ?? Math.max(2, Math.floor(candidate.tickets * 0.01));
      return { candidate: candidate.candidate, count, limit, regressed: count > limit };
    });
  const passed = missingCandidates.length === 0 && metrics.every((change) => !change.regressed) && newlyWrong.every((entry) => !entry.regressed);
  return { metrics, changed, newlyWrong, missingCandidates, passed };
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
      answers: ticket.answers.map((answer) => ({ candidate: answer.candidate, decision: answer.decision, sent: answer.sent, text: '', confidence: answer.confidence, verdict: answer.verdict, outcome: answer.outcome, judges: [], sources: [] })),
    })),
  };
}
