import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshdesk, nextLink } from '../../../pipelines/pull/freshdesk.ts';
import { pullPages } from '../../../pipelines/pull/run.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { FRESHDESK_KEY, startFreshdeskFake, type FreshdeskFakeOptions } from '../../helpers/freshdesk-fake.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const account = fakeAccount(250);
const CONVERSATIONS = [...Array(250).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1) - 1, 0);
const window = { since: Date.parse('2023-12-01T00:00:00Z'), until: Date.parse('2026-01-01T00:00:00Z') };
const fast = { retryBaseMs: 5, timeoutMs: 2000 };

async function fake(options: FreshdeskFakeOptions = {}): Promise<FakeApi> {
  const api = await startFreshdeskFake(account, options);
  fakes.push(api);
  return api;
}

const envFor = (api: FakeApi) => ({ FRESHDESK_DOMAIN: api.url, FRESHDESK_API_KEY: FRESHDESK_KEY });

describe('pull freshdesk', () => {
  it('reads tickets updated since --since page by page, following the Link header, and every conversation', async () => {
    const api = await fake();
    const out = await tempDir();
    const report = await pullPages(freshdesk, { out, window, env: envFor(api), ...fast });
    expect(report.streams[0]).toMatchObject({ stream: 'tickets', pages: 3, records: 250, perRecord: { stream: 'conversations', records: CONVERSATIONS } });
    const first = api.requests.find((request) => request.path === '/api/v2/tickets');
    expect(Object.fromEntries(first!.query)).toEqual({ updated_since: '2023-12-01T00:00:00.000Z', order_by: 'updated_at', order_type: 'asc', per_page: '100', page: '1', include: 'description' });
    expect(api.requests.filter((request) => request.path === '/api/v2/tickets').map((request) => request.query.get('page'))).toEqual(['1', '2', '3']);
    const files = await readdir(out);
    expect(files).toContain('conversations-2-001.json');
    expect(JSON.parse(await readFile(join(out, 'conversations-2-001.json'), 'utf8'))).toHaveLength(account.messagesOf(2) - 1);
  });

  it('carries on by date when Freshdesk refuses a page past its cap', async () => {
    const api = await fake({ maxPage: 2 });
    const out = await tempDir();
    const report = await pullPages(freshdesk, { out, window, env: envFor(api), ...fast });
    const pages = api.requests.filter((request) => request.path === '/api/v2/tickets');
    expect(pages.map((request) => request.query.get('page'))).toEqual(['1', '2', '3', '1']);
    expect(pages[3]?.query.get('updated_since')).toBe(new Date(account.createdAt(200) + 3_600_000).toISOString().replace('.000Z', 'Z'));
    // Ticket 200, updated at that very date, comes again: the import merges it by id.
    expect(report.streams[0]?.records).toBe(251);
  });

  it('waits when X-RateLimit-Remaining reaches 0 rather than meeting a 429', async () => {
    const api = await fake({ rateLimit: { limit: 30, windowMs: 60_000 } });
    const out = await tempDir();
    await expect(pullPages(freshdesk, { out, window, env: envFor(api), ...fast, maxWaitSeconds: 5 })).rejects.toThrow(/asked to wait 60 s \(its rate-limit headers\)/);
    expect(api.statuses.get(429) ?? 0).toBe(0);
  });

  it('reads the next page from a Link header among others', () => {
    const headers = new Headers({ link: '<https://acme.freshdesk.com/api/v2/tickets?page=1>; rel="prev", <https://acme.freshdesk.com/api/v2/tickets?page=3&per_page=100>; rel="next"' });
    expect(nextLink(headers)).toEqual({ path: '/api/v2/tickets', query: { page: '3', per_page: '100' } });
    expect(nextLink(new Headers())).toBeUndefined();
  });
});
