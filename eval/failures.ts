import type { RunReport } from './run-report.ts';

/**
 * Answers that failed (the endpoint refused, timed out, answered garbage): a failed answer counts as
 * escalated, so a candidate whose endpoint was down reads "0% wrong answers". Every summary leads
 * with these counts, and `--max-error-rate` makes a run past the limit exit non-zero.
 */

export interface FailedAnswers {
  candidate: string;
  failed: number;
  answers: number;
  /** failed / answers; 0 when there are none. */
  share: number;
  /** What went wrong, most frequent first: "provider-error (HTTP 500)", "timeout". */
  kinds: Array<{ kind: string; count: number }>;
}

const KIND = /^([a-z][a-z-]{0,30}): /;
const STATUS = /\bHTTP \d{3}\b/;
const CODE = /\((E[A-Z]{2,20})\)/;
const KINDS_SHOWN = 3;

/**
 * The kind of an error message, without what changes between tickets (URLs, attempts): the LLM client
 * starts its messages with the kind (`provider-error: … HTTP 500 …`); anything else is cut short.
 */
export function errorKind(message: string): string {
  const plain = message.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const kind = KIND.exec(plain)?.[1];
  if (!kind) return plain.length > 60 ? `${plain.slice(0, 59)}…` : plain;
  const detail = STATUS.exec(plain)?.[0] ?? CODE.exec(plain)?.[1];
  return detail ? `${kind} (${detail})` : kind;
}

/** Each candidate's failed answers, in the run's candidate order; counts agree with the metrics' error rate. */
export function failedAnswers(report: RunReport): FailedAnswers[] {
  return report.metrics.candidates.map((candidate) => {
    const counts = new Map<string, number>();
    for (const ticket of report.tickets) {
      const error = ticket.answers.find((answer) => answer.candidate === candidate.candidate)?.error;
      if (error === undefined) continue;
      const kind = errorKind(error);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const kinds = [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
    const failed = candidate.errorRate.numerator;
    return { candidate: candidate.candidate, failed, answers: candidate.tickets, share: candidate.tickets === 0 ? 0 : failed / candidate.tickets, kinds };
  });
}

/** "llm: 4 of 4 answers failed (100%): provider-error (HTTP 503) ×4". */
export function failureText(failures: FailedAnswers): string {
  const shown = failures.kinds.slice(0, KINDS_SHOWN).map(({ kind, count }) => `${kind} ×${count.toLocaleString('en-US')}`);
  const others = failures.kinds.length > KINDS_SHOWN ? `, ${failures.kinds.length - KINDS_SHOWN} other kinds` : '';
  return `${failures.candidate}: ${failures.failed.toLocaleString('en-US')} of ${failures.answers.toLocaleString('en-US')} answers failed (${shareText(failures.share)})${shown.length > 0 ? `: ${shown.join(', ')}${others}` : ''}`;
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
