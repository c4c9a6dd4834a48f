import { describe, expect, it } from 'vitest';
import { errorKind, errorRateExceeded, failedAnswers, failureText } from '../../eval/failures.ts';
import { LlmError } from '../../eval/llm/client.ts';
import { makeReport } from '../reports/_report-factory.ts';

describe('failed answers', () => {
  it('names the kind of a failure without what changes from ticket to ticket', () => {
    expect(errorKind(new LlmError('provider-error', 'http://127.0.0.1:4000/v1/chat/completions: HTTP 500, after 3 attempts').message)).toBe('provider-error (HTTP 500)');
    expect(errorKind(new LlmError('provider-error', 'http://127.0.0.1:4000/v1/chat/completions: connection failed before a reply (ECONNREFUSED), after 1 attempt').message)).toBe('provider-error (ECONNREFUSED)');
    expect(errorKind(new LlmError('timeout', 'http://x/v1: timed out after 5000 ms before a reply, after 2 attempts').message)).toBe('timeout');
    const other = errorKind(`Le répondeur a échoué\x1b[31m ${'x'.repeat(80)}`);
    expect(other).toMatch(/^Le répondeur a échoué .{30,40}…$/);
    expect(other).not.toContain('\x1b');
  });

  it('counts what the metrics count, and says which candidates are past a limit', async () => {
    const report = await makeReport({ tickets: 40, candidates: 2, payloadEvery: 0 });
    const [first] = report.run.candidates;
    const answers = report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.candidate === first));
    for (const answer of answers.slice(0, 10)) answer.error = 'timeout: http://x/v1: timed out after 5000 ms, after 1 attempt';
    report.metrics.candidates[0]!.errorRate.numerator = 10;
    const failures = failedAnswers(report);
    expect(failures[0]).toMatchObject({ candidate: first, failed: 10, answers: 40, share: 0.25, kinds: [{ kind: 'timeout', count: 10 }] });
    expect(failureText(failures[0]!)).toBe(`${first}: 10 of 40 answers failed (25%): timeout ×10`);
    expect(errorRateExceeded(failures, 0.25, '--max-error-rate')).toBeUndefined();
    expect(errorRateExceeded(failures, 0.1, '--max-error-rate')).toBe(`more answers failed than --max-error-rate 10% allows:\n  ${first}: 10 of 40 answers failed (25%): timeout ×10`);
  });
});
