import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HELPDESKS, isHelpdeskName } from '../pipelines/pull/index.ts';
import { pullPages } from '../pipelines/pull/run.ts';
import { fakeAccount, type FakeAccount, type FakeApi } from '../tests/helpers/fake-api.ts';
import { FRESHDESK_KEY, startFreshdeskFake } from '../tests/helpers/freshdesk-fake.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../tests/helpers/gorgias-fake.ts';
import { SHOPIFY_TOKEN, startShopifyFake } from '../tests/helpers/shopify-fake.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../tests/helpers/zendesk-fake.ts';
import { fixed, formatTable, load, log, machine, runChild } from './_shared.ts';

/**
 * `pull` throughput and memory against the fake APIs on 127.0.0.1, their rate limits switched
 * off, so what is measured is pull itself: requests, JSON parsing, page files and checkpoints.
 * Each pull runs in its own process (the fake stays in this one), so its peak RSS is its own.
 * Only the pull is measured (`--pages-only`): importing the pages is bench/import.bench.ts's.
 */

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    'rss-tickets': { type: 'string', default: '100000' },
    child: { type: 'string' },
    url: { type: 'string' },
    folder: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/pull.json', import.meta.url)) },
  },
});

interface ChildResult {
  helpdesk: string;
  seconds: number;
  records: number;
  requests: number;
  peakRssMb: number;
}

const ENV: Record<string, (url: string) => NodeJS.ProcessEnv> = {
  gorgias: (url) => ({ GORGIAS_DOMAIN: url, GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY }),
  zendesk: (url) => ({ ZENDESK_SUBDOMAIN: url, ZENDESK_EMAIL, ZENDESK_API_TOKEN: ZENDESK_TOKEN }),
  freshdesk: (url) => ({ FRESHDESK_DOMAIN: url, FRESHDESK_API_KEY: FRESHDESK_KEY }),
  shopify: (url) => ({ SHOPIFY_SHOP: url, SHOPIFY_ADMIN_TOKEN: SHOPIFY_TOKEN }),
};

const START: Record<string, (account: FakeAccount) => Promise<FakeApi>> = {
  gorgias: (account) => startGorgiasFake(account, { log: false }),
  zendesk: (account) => startZendeskFake(account, { log: false }),
  freshdesk: (account) => startFreshdeskFake(account, { log: false, maxPage: Number.POSITIVE_INFINITY }),
  shopify: (account) => startShopifyFake(account, { log: false }),
};

/** The child: one pull, its figures on the last line. */
async function child(helpdesk: string, url: string, folder: string): Promise<void> {
  if (!isHelpdeskName(helpdesk)) throw new Error(`unknown helpdesk ${helpdesk}`);
  const started = performance.now();
  const report = await pullPages(HELPDESKS[helpdesk], { out: folder, window: { since: Date.parse('2023-06-01T00:00:00Z'), until: Date.parse('2026-06-01T00:00:00Z') }, env: ENV[helpdesk]!(url) });
  const records = report.streams.reduce((sum, stream) => sum + stream.records + (stream.perRecord?.records ?? 0), 0);
  const result: ChildResult = { helpdesk, seconds: (performance.now() - started) / 1000, records, requests: report.requests.requests, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function measure(helpdesk: string, tickets: number, scratch: string): Promise<ChildResult & { tickets: number; load: number[] }> {
  const api = await START[helpdesk]!(fakeAccount(tickets));
  const folder = join(scratch, `${helpdesk}-${tickets}`);
  try {
    log(`pull ${helpdesk}: ${tickets.toLocaleString('en-US')} tickets…`);
    const result = await runChild<ChildResult>(fileURLToPath(import.meta.url), ['--child', helpdesk, '--url', api.url, '--folder', folder]);
    return { ...result, tickets, load: load() };
  } finally {
    await api.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (values.child) {
  await child(values.child, values.url ?? '', values.folder ?? '');
} else {
  const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-pull-bench-'));
  try {
    const throughput = [];
    for (const helpdesk of Object.keys(HELPDESKS)) throughput.push(await measure(helpdesk, Number(values.tickets), scratch));
    const memory = [];
    for (const helpdesk of ['zendesk', 'gorgias']) memory.push(await measure(helpdesk, Number(values['rss-tickets']), scratch));
    const rows = [...throughput, ...memory].map((row) => [
      row.helpdesk,
      fixed(row.tickets),
      fixed(row.records),
      fixed(row.requests),
      fixed(row.seconds, 1),
      fixed(row.records / row.seconds),
      fixed(row.requests / row.seconds),
      fixed(row.peakRssMb),
      row.load.join(' / '),
    ]);
    const table = formatTable(['helpdesk', 'tickets', 'records', 'requests', 's', 'records/s', 'requests/s', 'peak RSS MB', 'load 1/5/15'], rows);
    process.stdout.write(`${table}\n`);
    await mkdir(join(values.out, '..'), { recursive: true });
    await writeFile(values.out, `${JSON.stringify({ machine: machine(), rateLimits: 'off', throughput, memory, targetPeakRssMb: 500 }, null, 2)}\n`);
    await writeFile(values.out.replace(/\.json$/, '.txt'), `${table}\n`);
    process.stdout.write(`written to ${values.out}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
