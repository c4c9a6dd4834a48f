import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns } from '../../../eval/replay/merge-runs.ts';
import { readResults, replay } from '../../../eval/replay/replay.ts';
import { createLlmResponder } from '../../../eval/responders/llm.ts';
import { faultOf, startFakeEndpoint, type Behaviour, type FakeEndpoint, type RecordedRequest } from '../../helpers/llm-server.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';

const reply = (answer: string, confidence = 0.8) => ({ reply: JSON.stringify({ decision: 'reply', confidence, answer, sources: ['K1'] }) });

describe('LLM responder in a replay', () => {
  let dir: string;
  let workspace: string;
  let endpoint: FakeEndpoint | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-llm-'));
    workspace = await buildReplayWorkspace(dir, { signature: (index) => `\n--\nc${index}@example.com, +33 6 12 34 56 ${String(10 + index)}, 12 rue de la Paix` });
  }, 60_000);
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const attempts = new Map<string, number>();
  const flaky = (request: RecordedRequest): Behaviour => {
    const key = request.body.messages[1]!.content;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    return faultOf(request, attempt) ?? reply('Your parcel is on its way; the tracking link is in your confirmation e-mail.');
  };

  it('accounts for every ticket when 30% of calls fail, retries within budget and sends no personal data', async () => {
    attempts.clear();
    endpoint = await startFakeEndpoint(flaky);
    const maxRetries = 2;
    // Long enough that only the hanging fault times out, even on a loaded machine (300 ms failed a healthy reply under load).
    const llm = createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint.baseUrl, model: 'test-model', maxRetries, retryBaseMs: 1, timeoutMs: 1500, price: { inputPerMillion: 1, outputPerMillion: 2 } }, redact: true, cacheDir: join(dir, 'cache') });
    const runDir = join(dir, 'run');
    const summary = await replay({ workspace, runDir, candidates: [llm] });
    const results = await readResults(runDir);

    expect(summary.tickets).toBe(24);
    expect(results).toHaveLength(24);
    const failed = results.filter((result) => result.answer.failure);
    const answered = results.filter((result) => !result.answer.failure);
    expect(answered.length + failed.length).toBe(24);
    // The faults are seeded by request: the tickets whose three attempts all draw a fault fail, and only those.
    const prompts = new Map(endpoint.requests.map((request) => [request.body.messages[1]!.content, request]));
    const alwaysFaulty = [...prompts.values()].filter((request) => [1, 2, 3].every((attempt) => faultOf(request, attempt) !== undefined));
    expect(alwaysFaulty.length).toBeGreaterThan(0);
    expect(failed).toHaveLength(alwaysFaulty.length);
    for (const result of failed) expect(result.answer).toMatchObject({ decision: 'escalate', failure: { message: expect.stringMatching(/after 3 attempts$/) } });
    for (const result of answered) {
      expect(result.answer).toMatchObject({ decision: 'reply', confidence: 0.8, sources: [{ type: 'knowledge', id: expect.stringContaining('shipping') }] });
      expect(result.answer.usage!.costUsd).toBeCloseTo((100 * 1 + 20 * 2) / 1e6, 12);
    }
    expect(endpoint.requests.length).toBeGreaterThan(24);
    expect(endpoint.requests.length).toBeLessThanOrEqual(24 * (maxRetries + 1));
    const sent = endpoint.requests.map((request) => JSON.stringify(request.body)).join('\n');
    expect(sent).toContain('where is my parcel #ML1005');
    expect(sent).not.toMatch(/c\d+@example\.com|\+33 6 12|rue de la Paix/);
    expect(sent).toContain('[EMAIL]');
  });

  it('re-runs from the cache without calling the endpoint and gives the same answers', async () => {
    attempts.clear();
    endpoint = await startFakeEndpoint(() => reply('Your parcel is on its way.'));
    const make = () => createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint!.baseUrl, model: 'test-model', retryBaseMs: 1 }, cacheDir: join(dir, 'cache-2') });
    await replay({ workspace, runDir: join(dir, 'first'), candidates: [make()] });
    const calls = endpoint.requests.length;
    expect(calls).toBe(24);
    await replay({ workspace, runDir: join(dir, 'second'), candidates: [make()] });
    expect(endpoint.requests.length).toBe(calls);
    const texts = async (runDir: string) => (await readResults(join(dir, runDir))).map((result) => [result.ticketId, result.answer.text, result.answer.confidence]);
    expect(await texts('second')).toEqual(await texts('first'));
    expect((await readResults(join(dir, 'second'))).every((result) => result.answer.cached)).toBe(true);
  });

  it('records a reply that is not the expected JSON, in English or in French, as an invalid-output failure', async () => {
    const prose = ['Sure! Your parcel is on its way.', 'Bien sûr ! Votre colis est en route.'];
    endpoint = await startFakeEndpoint((_, index) => (index < prose.length ? { reply: prose[index]! } : reply('On its way.')));
    const llm = createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint.baseUrl, model: 'test-model' } });
    const runDir = join(dir, 'prose');
    await replay({ workspace, runDir, candidates: [llm], concurrency: 1 });
    const results = await readResults(runDir);
    for (const [index, text] of prose.entries()) {
      expect(results[index]!.answer).toMatchObject({ decision: 'escalate', text: '', failure: { kind: 'invalid-output', message: `the model did not answer with the expected JSON: ${text}` } });
      // The call was made and billed even though its reply was unusable.
      expect(results[index]!.answer.usage).toMatchObject({ promptTokens: 100, completionTokens: 20 });
    }
    expect(results.slice(prose.length).every((result) => result.answer.decision === 'reply' && result.answer.failure === undefined)).toBe(true);
  });

  it('records an endpoint too slow to answer as a timeout, told apart from a bad reply', async () => {
    endpoint = await startFakeEndpoint((_, index) => (index === 0 ? { hang: true } : reply('On its way.')));
    const llm = createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint.baseUrl, model: 'test-model', maxRetries: 0, timeoutMs: 200 } });
    const runDir = join(dir, 'slow');
    await replay({ workspace, runDir, candidates: [llm], concurrency: 1 });
    const results = await readResults(runDir);
    expect(results[0]!.answer).toMatchObject({ decision: 'escalate', text: '', failure: { kind: 'timeout', message: expect.stringMatching(/timed out after 200 ms .*, after 1 attempt$/) } });
    expect(results[0]!.answer.usage).toBeUndefined();
    expect(results.slice(1).every((result) => result.answer.decision === 'reply' && result.answer.failure === undefined)).toBe(true);
  });

  it('merges shard runs into the run one job would have written', async () => {
    endpoint = await startFakeEndpoint(() => reply('On its way.'));
    const make = () => createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint!.baseUrl, model: 'test-model' }, cacheDir: join(dir, 'cache-3') });
    await replay({ workspace, runDir: join(dir, 'whole'), candidates: [make()] });
    const shards = [0, 1, 2].map((index) => join(dir, `shard-${index}`));
    for (const [index, runDir] of shards.entries()) await replay({ workspace, runDir, candidates: [make()], selection: { shard: { index, count: 3 } } });
    await expect(mergeRuns(shards.slice(0, 2), join(dir, 'partial'))).rejects.toThrow('shards 3/3 are missing');
    const summary = await mergeRuns(shards, join(dir, 'merged'));
    expect(summary).toMatchObject({ runs: 3, results: 24, tickets: 24 });
    const stable = async (runDir: string) => (await readResults(runDir)).map(({ answer: { latencyMs: _, cached: __, ...answer }, ...rest }) => ({ ...rest, answer }));
    expect(await stable(join(dir, 'merged'))).toEqual(await stable(join(dir, 'whole')));
  });
});
