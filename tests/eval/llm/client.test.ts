import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClient, freshTry, isLocalEndpoint, LlmError } from '../../../eval/llm/client.ts';
import { isShadowdeskError } from '../../../errors.ts';
import { startFakeEndpoint, type Behaviour, type FakeEndpoint } from '../../helpers/llm-server.ts';
import { useTempDir } from '../../helpers/temp.ts';

const messages = [{ role: 'user' as const, content: 'Where is my order?' }];
const fast = { retryBaseMs: 5, timeoutMs: 2000 };
const questions = { English: 'Where is my order?', French: 'Où est ma commande ?' };

/** A real server on 127.0.0.1 that sends a reply's headers and first bytes, then nothing more. */
async function startStallingEndpoint(): Promise<{ baseUrl: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((_, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'application/json' }).write('{"choices": [{"message": ');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The settled failure of a call that must fail. */
const failureOf = (call: Promise<unknown>) =>
  call.then(
    (result) => {
      throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
    },
    (caught: unknown) => caught as LlmError,
  );

describe('LLM client', () => {
  const tempDir = useTempDir();
  let endpoint: FakeEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
    delete process.env.SD_TEST_KEY;
  });
  const serve = async (behave: (index: number) => Behaviour) => (endpoint = await startFakeEndpoint((_, index) => behave(index)));

  it('sends an OpenAI-style request with the key as a bearer token and records usage and cost', async () => {
    const server = await serve(() => ({ reply: '{"ok":true}', promptTokens: 1000, completionTokens: 500 }));
    process.env.SD_TEST_KEY = 'sk-test-123';
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm-1', apiKeyEnv: 'SD_TEST_KEY', temperature: 0.2, price: { inputPerMillion: 2, outputPerMillion: 10 } });
    const result = await client.chat(messages);
    expect(result).toEqual({ content: '{"ok":true}', promptTokens: 1000, completionTokens: 500, costUsd: 0.007, cached: false, attempts: 1 });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test-123');
    expect(server.requests[0]!.body).toMatchObject({ model: 'm-1', temperature: 0.2, messages, response_format: { type: 'json_object' } });
  });

  it('sends every call of a fresh try to the endpoint, neither reading nor writing the cache, and counts them, in French and English', async () => {
    const server = await serve(() => ({ reply: '{"ok":true}' }));
    const cacheDir = await tempDir();
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm' }, { cacheDir });
    for (const question of Object.values(questions)) await client.chat([{ role: 'user', content: question }]);
    expect(server.requests).toHaveLength(2);
    const tries = await Promise.all(
      [0, 1, 2].map(() => freshTry(async () => Promise.all(Object.values(questions).map((question) => client.chat([{ role: 'user', content: question }]))))),
    );
    expect(server.requests).toHaveLength(2 + 3 * 2);
    expect(tries.map((attempt) => attempt.modelCalls)).toEqual([2, 2, 2]);
    expect(tries.flatMap((attempt) => attempt.value.map((result) => result.cached))).toEqual(Array(6).fill(false));
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.json'))).toHaveLength(2);
    // Outside a try the cache answers again, and a try that calls no model says so.
    expect((await client.chat([{ role: "user", content: questions.French }])).cached).toBe(true);
    expect((await freshTry(async () => 'no model')).modelCalls).toBe(0);
  });

  it('answers a repeated request from the cache, and only an identical one', async () => {
    const server = await serve((index) => ({ reply: `answer ${index}` }));
    const cacheDir = await tempDir();
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm' }, { cacheDir });
    const first = await client.chat(messages);
    const again = await createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm' }, { cacheDir }).chat(messages);
    expect(again).toEqual({ ...first, cached: true, attempts: 0 });
    expect(server.requests).toHaveLength(1);
    await createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm', temperature: 0.7 }, { cacheDir }).chat(messages);
    expect(server.requests).toHaveLength(2);
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.json'))).toHaveLength(2);
  });

  it('waits as Retry-After says on 429, then succeeds', async () => {
    const server = await serve((index) => (index < 2 ? { status: 429, retryAfter: '0.2' } : { reply: 'done' }));
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm' });
    const started = performance.now();
    const result = await client.chat(messages);
    expect(result).toMatchObject({ content: 'done', attempts: 3 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2, failures: 0 });
  });

  it('retries 500s, resets, timeouts and unreadable bodies, then gives up within the budget', async () => {
    const faults: Behaviour[] = [{ status: 500 }, { reset: true }, { hang: true }, { raw: '{"choices": [' }, { raw: '{"choices": []}' }];
    const server = await serve((index) => faults[index] ?? { reply: 'late' });
    const client = createLlmClient({ ...fast, timeoutMs: 300, baseUrl: server.baseUrl, model: 'm', maxRetries: 4 });
    const error = await client.chat(messages).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as Error).message).toMatch(/^invalid-output: .*the reply had no message content, after 5 attempts$/);
    expect(server.requests).toHaveLength(5);
    expect(client.stats()).toMatchObject({ requests: 5, retries: 4, failures: 1 });
  });

  it('does not retry a request the endpoint rejects, and never echoes the key', async () => {
    const server = await serve(() => ({ status: 400, body: '{"error":{"message":"unknown model"}}' }));
    process.env.SD_TEST_KEY = 'sk-secret-999';
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'nope', apiKeyEnv: 'SD_TEST_KEY' });
    const error = (await client.chat(messages).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^provider-error: .*HTTP 400: .*unknown model/);
    expect(error.message).not.toContain('sk-secret-999');
    expect(server.requests).toHaveLength(1);
  });

  it('names where a redirect points instead of following it', async () => {
    const server = createServer((_, response) => response.writeHead(308, { location: 'https://llm.example/v2/chat/completions' }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = createLlmClient({ ...fast, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: 'm' });
      const error = await failureOf(client.chat(messages));
      expect(error.kind).toBe('provider-error');
      expect(error.message).toMatch(/HTTP 308, a redirect to https:\/\/llm\.example\/v2\/chat\/completions: .*baseUrl/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sends its requests over kept-alive connections', async () => {
    const server = await serve(() => ({ reply: 'ok' }));
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm', concurrency: 2 });
    for (let round = 0; round < 5; round++) await Promise.all([client.chat([{ role: 'user', content: `a${round}` }]), client.chat([{ role: 'user', content: `b${round}` }])]);
    expect(server.requests).toHaveLength(10);
    expect(new Set(server.requests.map((request) => request.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const server = await serve(() => ({ reply: 'ok' }));
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm', concurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, (_, index) => client.chat([{ role: 'user', content: `q${index}` }])));
    expect(server.requests).toHaveLength(10);
    expect(server.maxInFlight).toBe(2);
  });

  it('refuses a remote endpoint without a key, naming the variable to set', () => {
    expect(isLocalEndpoint('http://127.0.0.1:8080/v1')).toBe(true);
    expect(isLocalEndpoint('https://api.openai.com/v1')).toBe(false);
    let error: unknown;
    try {
      createLlmClient({ baseUrl: 'https://api.example.com/v1', model: 'm', apiKeyEnv: 'SD_TEST_KEY' });
    } catch (caught) {
      error = caught;
    }
    expect(isShadowdeskError(error)).toBe(true);
    expect((error as Error).message).toContain('set the environment variable SD_TEST_KEY');
  });

  describe.each(Object.entries(questions))('failures, asked in %s', (_, question) => {
    const asked = [{ role: 'user' as const, content: question }];

    it('counts every retry against requestsPerMinute', async () => {
      const arrivals: number[] = [];
      const attempts = new Map<string, number>();
      const server = await startFakeEndpoint((request) => {
        arrivals.push(performance.now());
        const key = request.body.messages[0]!.content;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        return attempt < 3 ? { status: 500 } : { reply: 'ok' };
      });
      endpoint = server;
      // 600 a minute is one start every 100 ms; the retries have no backoff of their own.
      const client = createLlmClient({ baseUrl: server.baseUrl, model: 'm', retryBaseMs: 0, timeoutMs: 2000, concurrency: 3, requestsPerMinute: 600 });
      await Promise.all([1, 2, 3].map((index) => client.chat([{ role: 'user', content: `${question} #${index}` }])));
      expect(arrivals).toHaveLength(9);
      // Five starts need 400 ms; 150 ms of it is slack for a loaded machine's jitter. Without the
      // limit on retries, each request's retries arrive within a few ms of its first attempt.
      const fiveStarts = arrivals.slice(4).map((at, index) => at - arrivals[index]!);
      expect(Math.min(...fiveStarts)).toBeGreaterThan(250);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(8 * 100 - 150);
    });

    it('fails as rate-limited, without waiting, when Retry-After asks for more than maxRetryAfterSeconds', async () => {
      const server = await serve(() => ({ status: 429, retryAfter: '25' }));
      const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm', maxRetryAfterSeconds: 1 });
      const started = performance.now();
      const error = await failureOf(client.chat(asked));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(LlmError);
      expect(error.kind).toBe('rate-limited');
      expect(error.message).toMatch(/^rate-limited: .*HTTP 429.*Retry-After of 25 s is more than maxRetryAfterSeconds \(1 s\), after 1 attempt$/);
      expect(server.requests).toHaveLength(1);
      expect(client.stats()).toMatchObject({ requests: 1, retries: 0, failures: 1 });
    }, 3000);

    it('caps Retry-After at the attempt timeout by default, as an HTTP date too', async () => {
      const server = await serve((index) => ({ status: 429, retryAfter: index === 0 ? '25' : new Date(Date.now() + 60_000).toUTCString() }));
      const client = createLlmClient({ ...fast, timeoutMs: 500, baseUrl: server.baseUrl, model: 'm' });
      const started = performance.now();
      expect((await failureOf(client.chat(asked))).message).toMatch(/^rate-limited: .*Retry-After of 25 s is more than maxRetryAfterSeconds \(0\.5 s\)/);
      expect((await failureOf(client.chat([{ role: 'user', content: `${question}?` }]))).message).toMatch(/^rate-limited: .*Retry-After of (59(\.\d)?|60) s is more than maxRetryAfterSeconds \(0\.5 s\), after 1 attempt$/);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(server.requests).toHaveLength(2);
    }, 3000);

    it('still waits a Retry-After within the cap', async () => {
      const server = await serve((index) => (index === 0 ? { status: 429, retryAfter: '0.3' } : { reply: 'done' }));
      const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'm', maxRetryAfterSeconds: 0.5 });
      const started = performance.now();
      expect(await client.chat(asked)).toMatchObject({ content: 'done', attempts: 2 });
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('reports a reply body that stops coming as a timeout, not as invalid JSON', async () => {
      const server = await startStallingEndpoint();
      try {
        const client = createLlmClient({ baseUrl: server.baseUrl, model: 'm', retryBaseMs: 1, timeoutMs: 200, maxRetries: 1 });
        const started = performance.now();
        const error = await failureOf(client.chat(asked));
        expect(performance.now() - started).toBeLessThan(1500);
        expect(error.kind).toBe('timeout');
        expect(error.message).toMatch(/^timeout: .*timed out after 200 ms reading the reply, after 2 attempts$/);
        expect(error.message).not.toMatch(/JSON/);
        expect(server.requests()).toBe(2);
      } finally {
        await server.close();
      }
    }, 3000);

    it.each<[string, string, Behaviour]>([
      ['a hang', 'timeout', { hang: true }],
      ['a 429', 'rate-limited', { status: 429, retryAfter: '0' }],
      ['a 500', 'provider-error', { status: 500 }],
      ['a 503', 'provider-error', { status: 503 }],
      ['a rejected request', 'provider-error', { status: 400 }],
      ['a reset', 'provider-error', { reset: true }],
      ['a body that is not JSON', 'invalid-output', { raw: 'not json' }],
      ['a reply without content', 'invalid-output', { raw: '{"choices": []}' }],
    ])('names %s a %s failure, first in its message', async (_, kind, behaviour) => {
      const server = await serve(() => behaviour);
      // Short only for the hang: on a busy machine an answered request may take longer than 200 ms.
      const client = createLlmClient({ ...fast, timeoutMs: 'hang' in behaviour ? 200 : 10_000, baseUrl: server.baseUrl, model: 'm', maxRetries: 0 });
      const error = await failureOf(client.chat(asked));
      expect(error).toBeInstanceOf(LlmError);
      expect(error.kind).toBe(kind);
      expect(error.message.startsWith(`${kind}: `)).toBe(true);
    });
  });
});
