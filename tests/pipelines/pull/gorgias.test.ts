import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gorgias } from '../../../pipelines/pull/gorgias.ts';
import { pullPages } from '../../../pipelines/pull/run.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake, type GorgiasFakeOptions } from '../../helpers/gorgias-fake.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const account = fakeAccount(250);
const MESSAGES = [...Array(250).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
const window = { since: Date.parse('2023-12-01T00:00:00Z'), until: Date.parse('2026-01-01T00:00:00Z') };
const fast = { retryBaseMs: 5, timeoutMs: 2000 };

async function fake(options: GorgiasFakeOptions = {}): Promise<FakeApi> {
  const api = await startGorgiasFake(account, options);
  fakes.push(api);
  return api;
}

const envFor = (api: FakeApi) => ({ GORGIAS_DOMAIN: api.url, GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY });

describe('pull gorgias', () => {
  it('follows meta.next_cursor through tickets, messages, macros and rules, 100 at a time, then the help center', async () => {
    const api = await fake();
    const out = await tempDir();
    const report = await pullPages(gorgias, { out, window, env: envFor(api), ...fast });
    expect(report.streams.map(({ stream, pages, records }) => [stream, pages, records])).toEqual([
      ['tickets', 3, 250],
      ['messages', Math.ceil(MESSAGES / 100), MESSAGES],
      ['macros', 1, 3],
      ['rules', 1, 2],
      ['help-centers', 1, 1],
    ]);
    const tickets = api.requests.filter((request) => request.path === '/api/tickets');
    expect(tickets.map((request) => request.query.get('limit'))).toEqual(['100', '100', '100']);
    expect(tickets[0]?.query.get('order_by')).toBe('created_datetime:desc');
    expect(tickets[0]?.query.has('cursor')).toBe(false);
    const files = await readdir(out);
    expect(files.filter((name) => name.startsWith('messages-'))).toHaveLength(Math.ceil(MESSAGES / 100));
    const page = JSON.parse(await readFile(join(out, 'tickets-000003.json'), 'utf8')) as { data: unknown[]; meta: { next_cursor: string | null } };
    expect(page.meta.next_cursor).toBeNull();
    expect(page.data).toHaveLength(50);
  });

  it('reads the help center’s articles in each of its locales, page by numbered page', async () => {
    const api = await fake({ articles: 5, articlesPageSize: 2 });
    const out = await tempDir();
    const report = await pullPages(gorgias, { out, window, env: envFor(api), ...fast });
    // 5 articles in English, the 2 translated ones in French.
    expect(report.streams.at(-1)).toEqual({ stream: 'help-centers', pages: 1, records: 1, perRecord: { stream: 'articles', records: 5 + 2 } });
    // The locales are read side by side, so their requests interleave: sorted here.
    const asked = api.requests.filter((request) => request.path === '/api/help-center/help-centers/3/articles').map((request) => [request.query.get('locale'), request.query.get('page'), request.query.get('per_page')]).sort();
    expect(asked).toEqual([['en-US', '1', '100'], ['en-US', '2', '100'], ['en-US', '3', '100'], ['fr-FR', '1', '100']]);
    expect((await readdir(out)).filter((name) => name.startsWith('articles-')).sort()).toEqual(['articles-3_en-US-001.json', 'articles-3_en-US-002.json', 'articles-3_en-US-003.json', 'articles-3_fr-FR-001.json']);
    const last = JSON.parse(await readFile(join(out, 'articles-3_en-US-003.json'), 'utf8')) as { data: unknown[]; meta: { page: number; nb_pages: number } };
    expect(last.meta).toMatchObject({ page: 3, nb_pages: 3 });
    expect(last.data).toHaveLength(1);
  });

  it('goes on without the help center when the account has none, and says so', async () => {
    const api = await fake({ noHelpCenter: true });
    const report = await pullPages(gorgias, { out: await tempDir(), window, env: envFor(api), ...fast });
    expect(report.streams.at(-1)).toEqual({ stream: 'help-centers', pages: 0, records: 0, perRecord: { stream: 'articles', records: 0 }, unavailable: 'the account has no help center, or this user may not read it (HTTP 403)' });
    expect(report.streams[0]?.records).toBe(250);
  });

  it('stops at the first page reaching back before --since, newest first', async () => {
    const api = await fake();
    const out = await tempDir();
    const report = await pullPages(gorgias, { out, window: { since: account.createdAt(151), until: window.until }, env: envFor(api), ...fast });
    // Page 1 is tickets 250 to 151 (all in the window), page 2 reaches back to 51: the pull stops there.
    expect(report.streams[0]).toMatchObject({ stream: 'tickets', pages: 2, records: 200 });
  });

  it('honours 429s and X-Gorgias-Account-Api-Call-Limit', async () => {
    const api = await fake({ rateLimit: { limit: 8, windowMs: 1000 } });
    const out = await tempDir();
    const report = await pullPages(gorgias, { out, window, env: envFor(api), ...fast });
    expect(report.streams[1]?.records).toBe(MESSAGES);
    expect(report.requests.throttledMs).toBeGreaterThan(0);
  });

  it('signs in with the email and API key, and names the variables when one is missing', async () => {
    const api = await fake();
    await pullPages(gorgias, { out: await tempDir(), window, env: envFor(api), ...fast });
    expect(api.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${GORGIAS_EMAIL}:${GORGIAS_KEY}`).toString('base64')}`);
    await expect(pullPages(gorgias, { out: await tempDir(), window, env: { GORGIAS_DOMAIN: api.url }, ...fast })).rejects.toThrow(/GORGIAS_EMAIL, GORGIAS_API_KEY/);
  });

  it('refuses an account address that would send the key in clear', async () => {
    await expect(pullPages(gorgias, { out: await tempDir(), window, env: { GORGIAS_DOMAIN: 'http://acme.gorgias.com', GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY }, ...fast })).rejects.toThrow(/must be https/);
  });
});
