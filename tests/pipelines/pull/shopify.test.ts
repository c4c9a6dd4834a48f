import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullPages } from '../../../pipelines/pull/run.ts';
import { shopify } from '../../../pipelines/pull/shopify.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { SHOPIFY_PATH, SHOPIFY_TOKEN, startShopifyFake, type ShopifyFakeOptions } from '../../helpers/shopify-fake.ts';
import { useTempDir } from '../../helpers/temp.ts';

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const account = fakeAccount(250);
const window = { since: Date.parse('2023-12-01T00:00:00Z'), until: Date.parse('2026-01-01T00:00:00Z') };
const fast = { retryBaseMs: 5, timeoutMs: 2000 };

async function fake(options: ShopifyFakeOptions = {}): Promise<FakeApi> {
  const api = await startShopifyFake(account, options);
  fakes.push(api);
  return api;
}

const envFor = (api: FakeApi) => ({ SHOPIFY_SHOP: api.url, SHOPIFY_ADMIN_TOKEN: SHOPIFY_TOKEN });

describe('pull shopify', () => {
  it('reads the orders and products connections by endCursor while hasNextPage, filtered on the window', async () => {
    const api = await fake();
    const out = await tempDir();
    const report = await pullPages(shopify, { out, window, env: envFor(api), ...fast });
    expect(report.streams.map(({ stream, pages, records }) => [stream, pages, records])).toEqual([
      ['orders', 3, 250],
      ['products', 1, 30],
    ]);
    const bodies = api.requests.map((request) => JSON.parse(request.body) as { variables: { after: string | null; filter: string } });
    expect(api.requests.every((request) => request.method === 'POST' && request.path === SHOPIFY_PATH)).toBe(true);
    expect(bodies[0]?.variables).toMatchObject({ after: null, filter: "updated_at:>='2023-12-01T00:00:00.000Z' AND updated_at:<='2026-01-01T00:00:00.000Z'" });
    const page = JSON.parse(await readFile(join(out, 'orders-000002.json'), 'utf8')) as { data: { orders: { pageInfo: { endCursor: string } } } };
    expect(bodies[2]?.variables.after).toBe(page.data.orders.pageInfo.endCursor);
  });

  it('keeps only the orders updated in the window', async () => {
    const api = await fake();
    const report = await pullPages(shopify, { out: await tempDir(), window: { since: account.createdAt(101) + 3_600_000, until: account.createdAt(150) + 3_600_000 }, env: envFor(api), ...fast });
    expect(report.streams[0]?.records).toBe(50);
  });

  it('waits for the cost bucket to refill instead of hammering a THROTTLED answer', async () => {
    const api = await fake({ bucket: { maximum: 250, restoreRate: 200 } });
    const report = await pullPages(shopify, { out: await tempDir(), window, env: envFor(api), ...fast });
    expect(report.streams[0]?.records).toBe(250);
    expect(report.requests.throttledMs).toBeGreaterThan(0);
    const throttled = api.requests.length - 4;
    expect(throttled).toBeLessThanOrEqual(2);
  });

  it('says which scope is missing when the query is refused', async () => {
    const api = await fake();
    const failing = { ...shopify, streams: [{ ...shopify.streams[0]!, first: () => ({ path: SHOPIFY_PATH, body: JSON.stringify({ query: '{ shop { name } }', variables: { first: 1, after: null } }) }) }] };
    await expect(pullPages(failing, { out: await tempDir(), window, env: envFor(api), ...fast })).rejects.toThrow(/shopify refused the orders query: Field must have selections \(the access token needs the read_orders scope\)/);
  });

  it('sends the token in X-Shopify-Access-Token only', async () => {
    const api = await fake();
    await pullPages(shopify, { out: await tempDir(), window, env: envFor(api), ...fast });
    expect(api.requests[0]?.headers['x-shopify-access-token']).toBe(SHOPIFY_TOKEN);
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });
});
