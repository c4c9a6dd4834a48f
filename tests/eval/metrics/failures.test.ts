import { describe, expect, it } from 'vitest';
import { errorRateExceeded, failedAnswers, failureText } from '../../../eval/metrics/failures.ts';
import type { AnswerFailure } from '../../../eval/failure-kind.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { makeReport } from '../../reports/_report-factory.ts';

/** A report whose first candidate failed on its first answers, in this order; the metrics count them as the judge would. */
async function reportFailing(failures: readonly AnswerFailure[]): Promise<{ report: RunReport; candidate: string }> {
  const report = await makeReport({ tickets: 40, candidates: 2, payloadEvery: 0 });
  const [candidate] = report.run.candidates;
  const answers = report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.candidate === candidate));
  failures.forEach((failure, index) => (answers[index]!.failure = failure));
  report.metrics.candidates[0]!.errorRate.numerator = failures.length;
  return { report, candidate: candidate! };
}

describe('failed answers', () => {
  it('counts failures by their kind, whatever their message says, with the status or network code that tells them apart', async () => {
    const { report, candidate } = await reportFailing([
      ...Array.from({ length: 3 }, (_, index) => ({ kind: 'provider-error' as const, message: `http://127.0.0.1:4000/v1/chat/completions: HTTP 503, after ${index + 1} attempts` })),
      { kind: 'provider-error', message: 'http://127.0.0.1:4000/v1/chat/completions answered HTTP 401: {"error":{"message":"Incorrect API key"}}' },
      { kind: 'provider-error', message: 'http://127.0.0.1:4000/v1: la connexion a échoué en attendant la réponse (ECONNREFUSED), après 1 tentative' },
      { kind: 'timeout', message: 'http://x/v1: timed out after 5000 ms waiting for the reply, after 2 attempts' },
      { kind: 'timeout', message: 'http://x/v1 : délai dépassé après 5000 ms' },
      // The model's reply names a kind of its own: the failure's kind still counts, not its words.
      { kind: 'invalid-output', message: 'the model did not answer with the expected JSON: timeout: try again later' },
      { kind: 'cancelled', message: 'the run was interrupted' },
    ]);
    const [failures] = failedAnswers(report);
    expect(failures!.kinds).toEqual([
      { kind: 'provider-error', count: 5, details: [{ detail: 'HTTP 503', count: 3 }, { detail: 'ECONNREFUSED', count: 1 }, { detail: 'HTTP 401', count: 1 }] },
      { kind: 'timeout', count: 2, details: [] },
      { kind: 'cancelled', count: 1, details: [] },
      { kind: 'invalid-output', count: 1, details: [] },
    ]);
    expect(failureText(failures!)).toBe(`${candidate}: 9 of 40 answers failed (23%): provider-error ×5 (HTTP 503 ×3, ECONNREFUSED ×1, HTTP 401 ×1), timeout ×2, cancelled ×1, invalid-output ×1`);
    expect(failedAnswers(report)[1]).toMatchObject({ failed: 0, kinds: [] });
  });

  it('names the one status a kind’s failures share once', async () => {
    const { report, candidate } = await reportFailing(Array.from({ length: 4 }, () => ({ kind: 'provider-error' as const, message: 'http://127.0.0.1:4000/v1/chat/completions: HTTP 500, after 3 attempts' })));
    expect(failureText(failedAnswers(report)[0]!)).toBe(`${candidate}: 4 of 40 answers failed (10%): provider-error (HTTP 500) ×4`);
  });

  it('counts what the metrics count, and says which candidates are past a limit', async () => {
    const { report, candidate } = await reportFailing(Array.from({ length: 10 }, () => ({ kind: 'timeout' as const, message: 'http://x/v1: timed out after 5000 ms, after 1 attempt' })));
    const failures = failedAnswers(report);
    expect(failures[0]).toMatchObject({ candidate, failed: 10, answers: 40, share: 0.25, kinds: [{ kind: 'timeout', count: 10, details: [] }] });
    expect(failureText(failures[0]!)).toBe(`${candidate}: 10 of 40 answers failed (25%): timeout ×10`);
    expect(errorRateExceeded(failures, 0.25, '--max-error-rate')).toBeUndefined();
    expect(errorRateExceeded(failures, 0.1, '--max-error-rate')).toBe(`more answers failed than --max-error-rate 10% allows:\n  ${candidate}: 10 of 40 answers failed (25%): timeout ×10`);
  });
});
