import { LlmError } from './llm/client.ts';
import { FAILURE_KINDS, type AnswerFailure, type FailureKind } from './failure-kind.ts';
import type { Answer, AnswerCommon, FailedAnswer } from './types.ts';

/**
 * Failed answers as data: built from what a candidate threw, and read back from results files an
 * older version wrote (`error: "timeout: …"`).
 */

/** A failed answer: nothing to send, escalated to a human, with why. */
export function failedAnswer(failure: AnswerFailure, spent: Pick<AnswerCommon, 'latencyMs' | 'usage' | 'cached'>): FailedAnswer {
  return { decision: 'escalate', text: '', confidence: 0, sources: [], ...spent, failure };
}

/** What a candidate's thrown error says: the endpoint's kind when the LLM client gave one, else the error's own name. */
export function failureOf(error: unknown): AnswerFailure {
  if (error instanceof LlmError) return { kind: error.kind, message: error.detail };
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return { kind: 'timeout', message };
  if (name === 'AbortError') return { kind: 'cancelled', message };
  return { kind: 'provider-error', message };
}

const NAMED_KIND = new RegExp(`(${FAILURE_KINDS.join('|')}): `);

/**
 * The failure an older version recorded as one string starting with its kind (`timeout: …`), or
 * naming it after a composite's parts (`every part failed: part x failed: timeout: …`): the kind
 * named first counts. A message naming none was a candidate's own exception: a provider error.
 */
export function failureFromText(error: string): AnswerFailure {
  const named = NAMED_KIND.exec(error);
  if (!named) return { kind: 'provider-error', message: error };
  return { kind: named[1] as FailureKind, message: named.index === 0 ? error.slice(named[0].length) : error };
}

/** An answer as a results file or a JavaScript responder may hold it: an older `error` string, or a failure beside a reply. */
export type RecordedAnswer = AnswerCommon & { decision: 'reply' | 'escalate'; failure?: AnswerFailure; error?: string };

/** An answer in today's shape: an older `error` becomes its failure, and a failed answer is always escalated, never sent. */
export function settledAnswer(recorded: RecordedAnswer): Answer {
  const { error, failure: recordedFailure, ...answer } = recorded;
  const failure = recordedFailure ?? (typeof error === 'string' ? failureFromText(error) : undefined);
  return failure ? { ...answer, decision: 'escalate', failure } : answer;
}
