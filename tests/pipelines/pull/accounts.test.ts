import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { responderFor } from '../../../eval/responders/index.ts';
import type { ReplayCoverage } from '../../../eval/replay/coverage.ts';
import { simulate } from '../../../eval/simulate.ts';
import type { Ticket } from '../../../datasets/records.ts';
import { importSources } from '../../../pipelines/import.ts';
import { pullHelpdesk, type PullReport } from '../../../pipelines/pull/pull.ts';
import { readRecords } from '../../../pipelines/workspace.ts';
import { writeReports } from '../../../reports/index.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { FRESHDESK_KEY, startFreshdeskFake } from '../../helpers/freshdesk-fake.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../../helpers/gorgias-fake.ts';
import { SHOPIFY_TOKEN, startShopifyFake } from '../../helpers/shopify-fake.ts';
import { useTempDir, collect } from '../../helpers/temp.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../../helpers/zendesk-fake.ts';

/**
 * A 2,000-ticket account per helpdesk, pulled and imported: every ticket arrives with its
 * customer question and the agent's reply after it, in order, so every one can be judged; every
 * page written is read, listed as not an export, or listed as a rules file. Freshdesk with a
 * Shopify store then goes on into a report through the library; Zendesk and Gorgias go end to end
 * through the CLI in cli.test.ts.
 */

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const TICKETS = 2000;
const account = fakeAccount(TICKETS);
const MESSAGES = [...Array(TICKETS).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
const dates = { since: '2023-06-01', until: '2026-01-01', retryBaseMs: 5 };

async function pullFrom(helpdesk: string, api: FakeApi, env: NodeJS.ProcessEnv, workspace?: string): Promise<PullReport & { workspace: string }> {
  fakes.push(api);
  const into = workspace ?? join(await tempDir(), 'ws');
  return { ...(await pullHelpdesk(helpdesk, { workspace: into, env, ...dates })), workspace: into };
}

/** Every page file the pull wrote is read by a reader, listed as not an export, or listed as rules. */
async function expectEveryPageAccountedFor(report: PullReport): Promise<void> {
  const imported = report.import;
  if (!imported) throw new Error('the pull did not import');
  for (const file of imported.files) expect(file.read).toBe(file.imported + file.skipped);
  const pages = (await readdir(report.pull.folder)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).map((name) => join(report.pull.folder, name));
  const offered = [...imported.files.map((file) => file.file), ...imported.ignored, ...(imported.rulesFiles ?? [])];
  expect(new Set(offered)).toEqual(new Set(pages));
}

/** Each fake ticket: the customer's question first, the agent's reply after it, every message kept, in order. */
async function expectJoinedTickets(workspace: string): Promise<Ticket[]> {
  const tickets = await collect(readRecords(workspace, 'ticket'));
  expect(tickets).toHaveLength(TICKETS);
  for (const ticket of tickets) {
    const id = Number(ticket.id);
    expect(ticket.messages.map((message) => message.role), ticket.id).toEqual(Array.from({ length: account.messagesOf(id) }, (_, turn) => (turn % 2 === 0 ? 'customer' : 'agent')));
    const times = ticket.messages.map((message) => Date.parse(message.sentAt));
    expect(times, ticket.id).toEqual([...times].sort((a, b) => a - b));
  }
  const text = (id: string, turn: number) => tickets.find((ticket) => ticket.id === id)?.messages[turn]?.text;
  expect(text('2', 0)).toContain('Bonjour, où en est ma commande n°2');
  expect(text('2', 1)).toContain('Votre commande 2 est partie hier');
  expect(text('3', 0)).toContain('Hello, where is my order #3');
  expect(text('3', 1)).toContain('Your order 3 shipped yesterday');
  return tickets;
}

describe('2,000-ticket accounts, pulled and imported into judgeable tickets', () => {
  it('gorgias: tickets joined with their messages, macros and help-center articles as knowledge, rules pointed at `shadowdesk rules`', async () => {
    const api = await startGorgiasFake(account);
    const report = await pullFrom('gorgias', api, { GORGIAS_DOMAIN: api.url, GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY });
    expect(report.pull.streams.map(({ stream, records }) => [stream, records])).toEqual([['tickets', TICKETS], ['messages', MESSAGES], ['macros', 3], ['rules', 2], ['help-centers', 1]]);
    await expectEveryPageAccountedFor(report);
    await expectJoinedTickets(report.workspace);
    expect(report.import?.judgeable).toEqual({ tickets: TICKETS, judgeable: TICKETS, not: {} });
    // 3 macros; 5 articles in English and 2 of them in French.
    expect(report.import?.totals.records).toEqual({ ticket: TICKETS, knowledge: 3 + 5 + 2, order: 0 });
    expect(report.import?.ignored.map((path) => path.slice(report.pull.folder.length + 1))).toEqual(['help-centers-000001.json']);
    expect(report.import?.rulesFiles).toHaveLength(1);
    expect(report.import?.missing).toBeUndefined();
    const knowledge = await collect(readRecords(report.workspace, 'knowledge'));
    expect(knowledge.filter((doc) => doc.kind === 'article').map((doc) => doc.id).sort()).toEqual(['gorgias-article-200/en-US', 'gorgias-article-201/en-US', 'gorgias-article-201/fr-FR', 'gorgias-article-202/en-US', 'gorgias-article-203/en-US', 'gorgias-article-203/fr-FR', 'gorgias-article-204/en-US']);
    expect(knowledge.find((doc) => doc.id === 'gorgias-article-201/fr-FR')).toMatchObject({ locale: 'fr-FR', title: 'Délais de livraison 201', body: 'Nous expédions sous 48 h.', updatedAt: new Date(account.start + 2 * 86_400_000).toISOString() });
  }, 120_000);

  it('zendesk: tickets joined with their comments, Guide articles as one document per locale, macros as knowledge (triggers written, not read)', async () => {
    const api = await startZendeskFake(account);
    const report = await pullFrom('zendesk', api, { ZENDESK_SUBDOMAIN: api.url, ZENDESK_EMAIL, ZENDESK_API_TOKEN: ZENDESK_TOKEN });
    await expectEveryPageAccountedFor(report);
    await expectJoinedTickets(report.workspace);
    expect(report.import?.judgeable).toEqual({ tickets: TICKETS, judgeable: TICKETS, not: {} });
    expect(report.import?.ignored.map((path) => path.slice(report.pull.folder.length + 1))).toEqual(['triggers-000001.json']);
    // 5 articles in 2 locales each (the article as listed is its source-locale translation: merged into it), 3 macros.
    expect(report.import?.totals.records).toEqual({ ticket: TICKETS, knowledge: 5 * 2 + 3, order: 0 });
    const knowledge = await collect(readRecords(report.workspace, 'knowledge'));
    const article = (id: string) => knowledge.find((doc) => doc.id === id);
    expect(article('zendesk-article-5001/en-us')).toMatchObject({ kind: 'article', locale: 'en-us', title: 'Shipping times 5001', body: 'We ship within 48 hours.', updatedAt: new Date(account.start + 3_600_000).toISOString(), tags: ['shipping'] });
    expect(article('zendesk-article-5001/fr')).toMatchObject({ locale: 'fr', title: 'Délais de livraison 5001', body: 'Nous expédions sous 48 h.', updatedAt: new Date(account.start + 2 * 3_600_000).toISOString() });
    expect(knowledge.filter((doc) => doc.kind === 'macro').map((doc) => doc.title)).toEqual(['Shipping::Where is my order', 'Retours::Étiquette', 'Refund::Processed']);
  }, 120_000);

  it('freshdesk with a shopify store: tickets joined with their conversations, orders as records, active products as knowledge, then a report', async () => {
    const root = await tempDir();
    const workspace = join(root, 'ws');
    const freshdesk = await startFreshdeskFake(account);
    const desk = await pullFrom('freshdesk', freshdesk, { FRESHDESK_DOMAIN: freshdesk.url, FRESHDESK_API_KEY: FRESHDESK_KEY }, workspace);
    expect(desk.pull.streams[0]).toMatchObject({ pages: 20, records: TICKETS, perRecord: { stream: 'conversations', records: MESSAGES - TICKETS } });
    await expectEveryPageAccountedFor(desk);
    await expectJoinedTickets(workspace);
    expect(desk.import?.judgeable).toEqual({ tickets: TICKETS, judgeable: TICKETS, not: {} });

    const shopify = await startShopifyFake(account);
    const store = await pullFrom('shopify', shopify, { SHOPIFY_SHOP: shopify.url, SHOPIFY_ADMIN_TOKEN: SHOPIFY_TOKEN }, workspace);
    expect(store.pull.streams.map(({ stream, records }) => [stream, records])).toEqual([['orders', TICKETS], ['products', 30]]);
    await expectEveryPageAccountedFor(store);
    const products = store.import?.files.filter((file) => file.file.includes('products-')) ?? [];
    const draftOrArchived = products.reduce((sum, file) => sum + file.skipped, 0);
    expect(draftOrArchived).toBeGreaterThan(0);
    expect(store.import?.totals.records).toEqual({ ticket: 0, knowledge: 30 - draftOrArchived, order: TICKETS });

    // Both pulls' folders in one import: the helpdesk's tickets beside the store's orders and products.
    const both = await importSources([{ path: desk.pull.folder }, { path: store.pull.folder }], { workspace });
    expect(both.totals.records).toEqual({ ticket: TICKETS, knowledge: 30 - draftOrArchived, order: TICKETS });
    expect(both.judgeable?.judgeable).toBe(TICKETS);

    let coverage: ReplayCoverage | undefined;
    const { replay, report } = await simulate({
      workspace,
      candidates: ['past-ticket', 'macro', 'knowledge-base', 'composite'].map((name) => responderFor(name)),
      // The last half year: the year and a half before it teaches the built-in model (fitted on the past only).
      selection: { seed: 42, sample: 300, holdoutDays: 180 },
      onCoverage: (told) => (coverage = told),
    });
    const written = await writeReports(report, replay.runDir, ['json']);
    expect(written.json).toBe(join(replay.runDir, 'report.json'));
    expect((await readdir(replay.runDir)).includes('report.json')).toBe(true);
    expect(coverage?.replayed).toEqual({ tickets: 300, judgeable: 300, not: {} });
    for (const candidate of report.metrics.candidates) {
      expect(candidate.tickets, candidate.candidate).toBe(300);
      expect(candidate.automation.verified.denominator, candidate.candidate).toBe(coverage?.replayed.judgeable);
    }
  }, 240_000);
});
