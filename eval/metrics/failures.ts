import type { RunReport } from './run-report.ts';
import type { AnswerFailure, FailureKind } from '../failure-kind.ts';

/**
 * Answers that failed (the endpoint refused, timed out, answered garbage): a failed answer counts as
 * escalated, so a candidate whose endpoint was down reads "0% wrong answers". Every summary leads
 * with these counts, by kind, and `--max-error-rate` makes a run past the limit exit non-zero.
 */

export interface FailedAnswers {
  candidate: string;
  failed: number;
  answers: number;
  /** failed / answers; 0 when there are none. */
  share: number;
  /** Failures by kind, most frequent first, each split by the HTTP status or network code its messages name. */
  kinds: FailuresOfKind[];
}

export interface FailuresOfKind {
  kind: FailureKind;
  count: number;
  /** "HTTP 500", "ECONNREFUSED", most frequent first; failures naming neither are only counted in `count`. */
  details: Array<{ detail: string; count: number }>;
}

const STATUS = /\bHTTP \d{3}\b/;
const CODE = /\((E[A-Z]{2,20})\)/;
const DETAILS_SHOWN = 3;

/** What tells failures of one kind apart without what changes between tickets (URLs, attempts): a status or a network code. */
function failureDetail(message: string): string | undefined {
  return STATUS.exec(message)?.[0] ?? CODE.exec(message)?.[1];
}

function countsOf<T extends string>(values: readonly T[]): Array<{ value: T; count: number }> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

function byKind(failures: readonly AnswerFailure[]): FailuresOfKind[] {
  return countsOf(failures.map((failure) => failure.kind)).map(({ value: kind, count }) => {
    const details = failures.filter((failure) => failure.kind === kind).flatMap((failure) => failureDetail(failure.message) ?? []);
    return { kind, count, details: countsOf(details).map(({ value: detail, count: times }) => ({ detail, count: times })) };
  });
}

/** Each candidate's failed answers, in the run's candidate order; counts agree with the metrics' error rate. */
export function failedAnswers(report: RunReport): FailedAnswers[] {
  return report.metrics.candidates.map((candidate) => {
    const failures = report.tickets.flatMap((ticket) => ticket.answers.find((answer) => answer.candidate === candidate.candidate)?.failure ?? []);
    const failed = candidate.errorRate.numerator;
    return { candidate: candidate.candidate, failed, answers: candidate.tickets, share: candidate.tickets === 0 ? 0 : failed / candidate.tickets, kinds: byKind(failures) };
  });
}

/** "provider-error (HTTP 500) ×4" when one status or code covers the kind, else "provider-error ×4 (HTTP 503 ×3, HTTP 401 ×1)". */
function kindText({ kind, count, details }: FailuresOfKind): string {
  const [only] = details;
  if (only && details.length === 1 && only.count === count) return `${kind} (${only.detail}) ×${count.toLocaleString('en-US')}`;
  const shown = details.slice(0, DETAILS_SHOWN).map(({ detail, count: times }) => `${detail} ×${times.toLocaleString('en-US')}`);
  const others = details.length > DETAILS_SHOWN ? `, ${details.length - DETAILS_SHOWN} others` : '';
  return `${kind} ×${count.toLocaleString('en-US')}${shown.length > 0 ? ` (${shown.join(', ')}${others})` : ''}`;
}

/** "llm: 4 of 4 answers failed (100%): provider-error (HTTP 503) ×4". */
export function failureText(failures: FailedAnswers): string {
  const kinds = failures.kinds.map(kindText).join(', ');
  return `${failures.candidate}: ${failures.failed.toLocaleString('en-US')} of ${failures.answers.toLocaleString('en-US')} answers failed (${shareText(failures.share)})${kinds ? `: ${kinds}` : ''}`;
}

/** Why the run is past the limit, one candidate a line, or undefined when every candidate is within it. */
export function errorRateExceeded(failures: readonly FailedAnswers[], limit: number, flag: string): string | undefined {
  const over = failures.filter((entry) => entry.share > limit);
  if (over.length === 0) return undefined;
  return `more answers failed than ${flag} ${shareText(limit)} allows:\n${over.map((entry) => `  ${failureText(entry)}`).join('\n')}`;
}

/** A share as a percentage, with a decimal only when it would otherwise read 0% or 100% wrongly. */
function shareText(share: number): string {
  const whole = Math.round(share * 100);
  return (whole === 0 && share > 0) || (whole === 100 && share < 1) ? `${(share * 100).toFixed(1)}%` : `${whole}%`;
}
