import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { responderFor } from '../../../eval/responders/index.ts';
import type { ReplayCoverage } from '../../../eval/replay/coverage.ts';
import { simulate } from '../../../eval/simulate.ts';
import { importSources } from '../../../pipelines/import.ts';
import { writeReports } from '../../../reports/index.ts';
import { FRESHDESK_KEY, startFreshdeskFake } from '../../helpers/freshdesk-fake.ts';
import { SHOPIFY_TOKEN, startShopifyFake } from '../../helpers/shopify-fake.ts';
import { account, expectEveryPageAccountedFor, expectJoinedTickets, MESSAGES, TICKETS, usePull } from './_accounts.ts';

/** A 2,000-ticket Freshdesk account with a Shopify store, pulled, imported and reported on (see _accounts.ts). */

const { tempDir, pullFrom } = usePull();
/** Tickets the report replays: enough for every candidate's share to be checked against the judgeable tickets. */
const SAMPLE = 60;

describe('a 2,000-ticket Freshdesk account with a Shopify store, pulled and imported into judgeable tickets', () => {
  it('freshdesk with a shopify store: tickets joined with their conversations, orders as records, active products as knowledge, then a report', async () => {
    const root = await tempDir();
    const workspace = join(root, 'ws');
    const freshdesk = await startFreshdeskFake(account);
    // The pages alone: the import below reads both pulls' folders at once (each pull's own import
    // is the same step for every helpdesk, checked on the store's pull here and in the CLI's
    // 2,000-ticket pulls); importing the 2,020 Freshdesk pages twice cost as much as the pull.
    const desk = await pullFrom('freshdesk', freshdesk, { FRESHDESK_DOMAIN: freshdesk.url, FRESHDESK_API_KEY: FRESHDESK_KEY }, workspace, { noImport: true });
    expect(desk.pull.streams[0]).toMatchObject({ pages: 20, records: TICKETS, perRecord: { stream: 'conversations', records: MESSAGES - TICKETS } });
    expect(desk.import).toBeUndefined();

    const shopify = await startShopifyFake(account);
    const store = await pullFrom('shopify', shopify, { SHOPIFY_SHOP: shopify.url, SHOPIFY_ADMIN_TOKEN: SHOPIFY_TOKEN }, workspace);
    expect(store.pull.streams.map(({ stream, records }) => [stream, records])).toEqual([['orders', TICKETS], ['products', 30]]);
    await expectEveryPageAccountedFor(store.pull.folder, store.import);
    const products = store.import?.files.filter((file) => file.file.includes('products-')) ?? [];
    const draftOrArchived = products.reduce((sum, file) => sum + file.skipped, 0);
    expect(draftOrArchived).toBeGreaterThan(0);
    expect(store.import?.totals.records).toEqual({ ticket: 0, knowledge: 30 - draftOrArchived, order: TICKETS });

    // Both pulls' folders in one import: the helpdesk's tickets beside the store's orders and products.
    const both = await importSources([{ path: desk.pull.folder }, { path: store.pull.folder }], { workspace });
    await expectEveryPageAccountedFor(desk.pull.folder, both);
    await expectEveryPageAccountedFor(store.pull.folder, both);
    await expectJoinedTickets(workspace);
    expect(both.judgeable).toEqual({ tickets: TICKETS, judgeable: TICKETS, not: {} });
    expect(both.totals.records).toEqual({ ticket: TICKETS, knowledge: 30 - draftOrArchived, order: TICKETS });

    let coverage: ReplayCoverage | undefined;
    const { replay, report } = await simulate({
      workspace,
      candidates: ['past-ticket', 'macro', 'knowledge-base', 'composite'].map((name) => responderFor(name)),
      // The last half year: the year and a half before it teaches the built-in model (fitted on the past only).
      selection: { seed: 42, sample: SAMPLE, holdoutDays: 180 },
      onCoverage: (told) => (coverage = told),
    });
    const written = await writeReports(report, replay.runDir, ['json']);
    expect(written.json).toBe(join(replay.runDir, 'report.json'));
    expect((await readdir(replay.runDir)).includes('report.json')).toBe(true);
    expect(coverage?.replayed).toEqual({ tickets: SAMPLE, judgeable: SAMPLE, not: {} });
    for (const candidate of report.metrics.candidates) {
      expect(candidate.tickets, candidate.candidate).toBe(SAMPLE);
      expect(candidate.automation.verified.denominator, candidate.candidate).toBe(coverage?.replayed.judgeable);
    }
  }, 240_000);
});
