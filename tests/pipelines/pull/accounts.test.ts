import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullHelpdesk } from '../../../pipelines/pull/pull.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { FRESHDESK_KEY, startFreshdeskFake } from '../../helpers/freshdesk-fake.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../../helpers/gorgias-fake.ts';
import { SHOPIFY_TOKEN, startShopifyFake } from '../../helpers/shopify-fake.ts';
import { useTempDir } from '../../helpers/temp.ts';

/**
 * A 2,000-ticket account per helpdesk, pulled and handed to the import. What the import makes of
 * Gorgias messages, Freshdesk conversations and Shopify GraphQL pages is the readers' business
 * (issue 18 item 3): here every page is accounted for, whatever the readers of the day make of it.
 * Zendesk's end-to-end run, into the workspace, is in cli.test.ts.
 */

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const account = fakeAccount(2000);
const MESSAGES = [...Array(2000).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
const dates = { since: '2023-06-01', until: '2026-01-01' };

async function pullFrom(helpdesk: string, api: FakeApi, env: NodeJS.ProcessEnv) {
  fakes.push(api);
  const workspace = join(await tempDir(), 'ws');
  const report = await pullHelpdesk(helpdesk, { workspace, env, ...dates, retryBaseMs: 5 });
  const files = report.import?.files ?? [];
  for (const file of files) expect(file.read).toBe(file.imported + file.skipped);
  // Every page written was offered to the import: read by a reader, or listed as not an export.
  const pages = report.pull.streams.reduce((sum, stream) => sum + stream.pages, 0);
  expect(files.length + (report.import?.ignored.length ?? 0)).toBeGreaterThanOrEqual(pages);
  return report;
}

describe('2,000-ticket accounts, pulled and imported', () => {
  it('gorgias', async () => {
    const api = await startGorgiasFake(account);
    const { pull } = await pullFrom('gorgias', api, { GORGIAS_DOMAIN: api.url, GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY });
    expect(pull.streams.map(({ stream, records }) => [stream, records])).toEqual([
      ['tickets', 2000],
      ['messages', MESSAGES],
      ['macros', 3],
      ['rules', 2],
    ]);
  }, 60_000);

  it('freshdesk', async () => {
    const api = await startFreshdeskFake(account);
    const { pull } = await pullFrom('freshdesk', api, { FRESHDESK_DOMAIN: api.url, FRESHDESK_API_KEY: FRESHDESK_KEY });
    expect(pull.streams[0]).toMatchObject({ pages: 20, records: 2000, perRecord: { stream: 'conversations', records: MESSAGES - 2000 } });
  }, 120_000);

  it('shopify', async () => {
    const api = await startShopifyFake(account);
    const { pull } = await pullFrom('shopify', api, { SHOPIFY_SHOP: api.url, SHOPIFY_ADMIN_TOKEN: SHOPIFY_TOKEN });
    expect(pull.streams.map(({ stream, records }) => [stream, records])).toEqual([
      ['orders', 2000],
      ['products', 30],
    ]);
  }, 60_000);
});
