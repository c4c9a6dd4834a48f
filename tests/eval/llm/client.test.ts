import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClient, isLocalEndpoint, LlmError } from '../../../eval/llm/client.ts';
import { isShadowdeskError } from '../../../errors.ts';
import { startFakeEndpoint, type Behaviour, type FakeEndpoint } from '../../helpers/llm-server.ts';
import { useTempDir } from '../../helpers/temp.ts';

const messages = [{ role: 'user' as const, content: 'Where is my order?' }];
const fast = { retryBaseMs: 5, timeoutMs: 2000 };

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
    expect((error as Error).message).toMatch(/the reply had no message content, after 5 attempts/);
    expect(server.requests).toHaveLength(5);
    expect(client.stats()).toMatchObject({ requests: 5, retries: 4, failures: 1 });
  });

  it('does not retry a request the endpoint rejects, and never echoes the key', async () => {
    const server = await serve(() => ({ status: 400, body: '{"error":{"message":"unknown model"}}' }));
    process.env.SD_TEST_KEY = 'sk-secret-999';
    const client = createLlmClient({ ...fast, baseUrl: server.baseUrl, model: 'nope', apiKeyEnv: 'SD_TEST_KEY' });
    const error = (await client.chat(messages).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/HTTP 400: .*unknown model/);
    expect(error.message).not.toContain('sk-secret-999');
    expect(server.requests).toHaveLength(1);
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
});
