import { describe, expect, it } from 'vitest';
import { failedAnswer, failureFromText, failureOf, settledAnswer } from '../../eval/answer-failure.ts';
import { describeFailure } from '../../eval/failure-kind.ts';
import { LlmError } from '../../eval/llm/client.ts';

describe('failed answers as data', () => {
  it('keeps the LLM client’s kind and leaves it out of the message', () => {
    expect(failureOf(new LlmError('rate-limited', 'http://127.0.0.1:9/v1/chat/completions: HTTP 429, after 5 attempts'))).toEqual({
      kind: 'rate-limited',
      message: 'http://127.0.0.1:9/v1/chat/completions: HTTP 429, after 5 attempts',
    });
    expect(failureOf(new LlmError('invalid-output', 'la réponse n’était pas du JSON'))).toEqual({ kind: 'invalid-output', message: 'la réponse n’était pas du JSON' });
  });

  it('tells a timeout and a cancellation by the error’s name, anything else thrown as a provider error', () => {
    expect(failureOf(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toEqual({ kind: 'timeout', message: 'The operation was aborted due to timeout' });
    expect(failureOf(new DOMException('This operation was aborted', 'AbortError'))).toEqual({ kind: 'cancelled', message: 'This operation was aborted' });
    expect(failureOf(new Error('l’index de recherche est verrouillé'))).toEqual({ kind: 'provider-error', message: 'l’index de recherche est verrouillé' });
    expect(failureOf('search index is locked')).toEqual({ kind: 'provider-error', message: 'search index is locked' });
  });

  it('reads an older version’s error string with the kind it names first (English and French messages)', () => {
    expect(failureFromText('timeout: http://x/v1: timed out after 5000 ms waiting for the reply, after 2 attempts')).toEqual({
      kind: 'timeout',
      message: 'http://x/v1: timed out after 5000 ms waiting for the reply, after 2 attempts',
    });
    expect(failureFromText('invalid-output: the model did not answer with the expected JSON: timeout: réessayez')).toEqual({
      kind: 'invalid-output',
      message: 'the model did not answer with the expected JSON: timeout: réessayez',
    });
    const composite = 'every part failed: part llm failed: provider-error: HTTP 503; part kb failed: rate-limited: HTTP 429';
    expect(failureFromText(composite)).toEqual({ kind: 'provider-error', message: composite });
    expect(failureFromText('HTTP 503 Service indisponible')).toEqual({ kind: 'provider-error', message: 'HTTP 503 Service indisponible' });
  });

  it('settles an answer so that a failure is always escalated and a reply is never a failure', () => {
    const reply = { decision: 'reply' as const, text: 'Your parcel is on its way.', confidence: 0.9, sources: [], latencyMs: 2 };
    expect(settledAnswer(reply)).toEqual(reply);
    expect(settledAnswer({ ...reply, error: 'timeout: http://x/v1: timed out after 300 ms' })).toEqual({
      ...reply,
      decision: 'escalate',
      failure: { kind: 'timeout', message: 'http://x/v1: timed out after 300 ms' },
    });
    expect(settledAnswer({ ...reply, failure: { kind: 'cancelled', message: 'interrompu' } })).toMatchObject({ decision: 'escalate', failure: { kind: 'cancelled', message: 'interrompu' } });
  });

  it('builds a failed answer with nothing to send, keeping what it cost, and prints it with its kind', () => {
    const usage = { promptTokens: 100, completionTokens: 20, costUsd: 0.0001 };
    const answer = failedAnswer({ kind: 'invalid-output', message: 'no JSON' }, { latencyMs: 12, usage, cached: true });
    expect(answer).toEqual({ decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 12, usage, cached: true, failure: { kind: 'invalid-output', message: 'no JSON' } });
    expect(describeFailure(answer.failure)).toBe('invalid-output: no JSON');
  });
});
