/**
 * Why a candidate could not answer: its endpoint was too slow, refused for now, failed or answered
 * something unreadable, or the run stopped before it answered. A leaf module: the judges' types
 * and the report page read it without the rest of the answer's types.
 */
export const FAILURE_KINDS = ['timeout', 'rate-limited', 'provider-error', 'invalid-output', 'cancelled'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface AnswerFailure {
  kind: FailureKind;
  /** What went wrong, in words, without the kind. */
  message: string;
}

/** "timeout: http://…: timed out after 5000 ms", as reports print a failure. */
export function describeFailure(failure: AnswerFailure): string {
  return `${failure.kind}: ${failure.message}`;
}
