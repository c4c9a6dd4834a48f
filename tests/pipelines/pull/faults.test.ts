import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { ShadowdeskError } from '../../../errors.ts';
import { pullPages } from '../../../pipelines/pull/run.ts';
import { zendesk } from '../../../pipelines/pull/zendesk.ts';
import { fakeAccount, type FakeApi, type FakeRequest, type Fault } from '../../helpers/fake-api.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN, type ZendeskFakeOptions } from '../../helpers/zendesk-fake.ts';

/**
 * Faults are generic (http.ts): they are injected here through the Zendesk fake, the most documented
 * of the four. Each test has its own fake API and folder, closed and removed when it ends, so the
 * tests that wait out a limit or a timeout (seconds each, spent idle) can run at once.
 */

const account = fakeAccount(60);
const window = { since: Date.parse('2023-12-01T00:00:00Z'), until: Date.parse('2026-01-01T00:00:00Z') };
const fast = { retryBaseMs: 5, timeoutMs: 1000 };
const EXPECTED_COMMENTS = [...Array(60).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);

async function fake(test: TestContext, options: ZendeskFakeOptions = {}): Promise<FakeApi> {
  const api = await startZendeskFake(account, { exportPageSize: 25, ...options });
  test.onTestFinished(() => api.close());
  return api;
}

async function tempDir(test: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shadowdesk-test-'));
  test.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const envFor = (api: FakeApi, token = ZENDESK_TOKEN) => ({ ZENDESK_SUBDOMAIN: api.url, ZENDESK_EMAIL, ZENDESK_API_TOKEN: token });

/** Each listed request number (1-based) meets the fault once. */
const once = (faults: Record<number, Fault>) => (request: FakeRequest) => faults[request.n];

async function pullWith(test: TestContext, api: FakeApi, options: Partial<Parameters<typeof pullPages>[1]> = {}) {
  const out = await tempDir(test);
  const report = await pullPages(zendesk, { out, window, env: envFor(api), ...fast, ...options });
  return { out, report };
}

/** Every comment id in the folder, to tell a complete pull from one with a record twice or missing. */
async function commentIds(out: string): Promise<number[]> {
  const ids: number[] = [];
  for (const name of (await readdir(out)).filter((file) => file.startsWith('comments-'))) {
    const page = JSON.parse(await readFile(join(out, name), 'utf8')) as { comments: Array<{ id: number }> };
    ids.push(...page.comments.map((comment) => comment.id));
  }
  return ids.sort((a, b) => a - b);
}

// Seconds each of waiting out a Retry-After, a spent window, a hang or a pace, with the process
// idle: at once, they take as long as the longest.
describe.concurrent('pull under faults that take their time', () => {
  it('waits out a burst of 429s for as long as Retry-After says, then reads everything', async (test) => {
    const { expect } = test;
    const api = await fake(test, { faults: once({ 1: 'rate-limit', 2: 'rate-limit' }) });
    const { out, report } = await pullWith(test, api);
    expect(report.streams[0]).toMatchObject({ records: 60, perRecord: { records: EXPECTED_COMMENTS } });
    expect(report.requests.retries).toBe(2);
    expect(report.requests.throttledMs).toBeGreaterThanOrEqual(2000);
    const [first, second, third] = api.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(990);
    expect(new Set(await commentIds(out)).size).toBe(EXPECTED_COMMENTS);
  });

  it('slows down when the rate-limit headers say the window is spent, so the API never has to refuse', async (test) => {
    const { expect } = test;
    const api = await fake(test, { rateLimit: { limit: 20, windowMs: 1000 } });
    const { report } = await pullWith(test, api);
    expect(api.statuses.get(429) ?? 0).toBe(0);
    expect(report.requests.throttledMs).toBeGreaterThan(0);
    expect(report.streams[0]?.perRecord?.records).toBe(EXPECTED_COMMENTS);
  });

  it('retries 5xx, dropped connections, a page cut short and a hang, without a record missing or twice', async (test) => {
    const { expect } = test;
    const api = await fake(test, { faults: once({ 1: 'server-error', 3: 'truncate', 5: 'reset', 8: 'hang', 13: 'server-error', 21: 'truncate' }) });
    // Long enough that only the hang times out: at 400 ms a page served slowly while the whole suite
    // loaded both cores was retried too (7 retries instead of 6).
    const { out, report } = await pullWith(test, api, { timeoutMs: 1500 });
    expect(report.requests.retries).toBe(6);
    expect(report.streams[0]).toMatchObject({ records: 60, perRecord: { records: EXPECTED_COMMENTS } });
    const ids = await commentIds(out);
    expect(ids).toHaveLength(EXPECTED_COMMENTS);
    expect(new Set(ids).size).toBe(EXPECTED_COMMENTS);
    // No page was written cut short: every file is whole JSON.
    for (const name of (await readdir(out)).filter((file) => file.endsWith('.json'))) JSON.parse(await readFile(join(out, name), 'utf8'));
  });

  it('counts retries against the requests-per-minute ceiling', async (test) => {
    const { expect } = test;
    const api = await fake(test, { faults: once({ 1: 'server-error', 2: 'server-error', 3: 'server-error' }) });
    await pullWith(test, api, { requestsPerMinute: 1200 });
    // 1,200 a minute is one start every 50 ms, the three retried attempts included. Arrivals
    // jitter on a busy machine, so the span of them all is what is checked.
    const first = api.requests[0]!;
    const last = api.requests.at(-1)!;
    expect(api.requests.length).toBeGreaterThan(60);
    expect(last.at - first.at).toBeGreaterThanOrEqual((api.requests.length - 1) * 50 - 40);
  });
});

describe('pull under faults', () => {
  it('picks the export up again by date when the API refuses an expired cursor', async (test) => {
    const expireFirstCursor = (request: FakeRequest): Fault | undefined => (request.query.has('cursor') && !api.requests.some((earlier) => earlier.n < request.n && earlier.query.has('cursor')) ? 'expired-cursor' : undefined);
    const api = await fake(test, { faults: expireFirstCursor });
    const { report } = await pullWith(test, api);
    const exports = api.requests.filter((request) => request.path.endsWith('/cursor.json'));
    const refused = exports.findIndex((request) => request.query.has('cursor'));
    // The request after the refusal asks by date, from the last ticket of the page before.
    expect(exports[refused + 1]?.query.get('start_time')).toBe(String(Math.floor((account.createdAt(25) + 3_600_000) / 1000)));
    expect(report.streams[0]?.records).toBeGreaterThanOrEqual(60);
  });

  it('gives up after the bounded number of retries and says the pull resumes', async (test) => {
    const api = await fake(test, { faults: () => 'server-error' });
    const attempt = pullWith(test, api, { maxRetries: 3 });
    await expect(attempt).rejects.toThrow(ShadowdeskError);
    await expect(attempt).rejects.toThrow(/failed after 4 attempts \(HTTP 503\); run the same pull again to resume/);
    expect(api.requests).toHaveLength(4);
  });

  it('refuses to wait longer than allowed when Retry-After asks too much', async (test) => {
    const api = await fake(test, { rateLimit: { limit: 1, windowMs: 120_000 } });
    await expect(pullWith(test, api, { maxWaitSeconds: 5 })).rejects.toThrow(/asked to wait \d+ s .*more than the 5 s allowed.*resumes where it stopped/);
  });

  it('fails at once on refused credentials, with the API’s words and a hint, never the token', async (test) => {
    const api = await fake(test);
    const wrong = 'zd-wrong-token-4f8a9c0e77';
    const failure = await pullPages(zendesk, { out: await tempDir(test), window, env: envFor(api, wrong), ...fast }).then(() => new Error('pulled'), (error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(ShadowdeskError);
    expect(failure.message).toMatch(/HTTP 401; the credentials were refused.*Couldn't authenticate you/);
    expect(failure.message).not.toContain(wrong);
    expect(api.requests).toHaveLength(1);
  });

  it('names every missing environment variable', async (test) => {
    await expect(pullPages(zendesk, { out: await tempDir(test), window, env: { ZENDESK_EMAIL }, ...fast })).rejects.toThrow(/ZENDESK_SUBDOMAIN, ZENDESK_API_TOKEN/);
  });
});

describe('pull against an API that misbehaves', () => {
  it('stops rather than loop when a page links back to itself', async (test) => {
    const api = await fake(test);
    const looping = { ...zendesk, streams: [{ ...zendesk.streams[2]!, page: () => ({ records: 3, next: { path: '/api/v2/macros.json', query: { 'page[size]': '100' } } }) }] };
    await expect(pullPages(looping, { out: await tempDir(test), window, env: envFor(api), ...fast })).rejects.toThrow(/zendesk sent macros page 1 with a link back to itself; stopped rather than loop/);
    expect(api.requests).toHaveLength(1);
  });
});
