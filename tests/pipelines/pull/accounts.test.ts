import { describe, expect, it } from 'vitest';
import { readRecords } from '../../../pipelines/workspace.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../../helpers/gorgias-fake.ts';
import { collect } from '../../helpers/temp.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../../helpers/zendesk-fake.ts';
import { account, expectEveryPageAccountedFor, expectJoinedTickets, MESSAGES, TICKETS, usePull } from './_accounts.ts';

/** Gorgias and Zendesk 2,000-ticket accounts, pulled and imported into judgeable tickets (see _accounts.ts). */

const { pullFrom } = usePull();

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
});
