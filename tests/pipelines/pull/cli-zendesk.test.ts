import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../../pipelines/workspace.ts';
import { type CliRun, runCli } from '../../helpers/cli.ts';
import type { FakeApi } from '../../helpers/fake-api.ts';
import { collect } from '../../helpers/temp.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../../helpers/zendesk-fake.ts';
import { account, currentImportReport, expectEveryPageAccountedFor, expectJoinedTickets, MESSAGES, TICKETS } from './_accounts.ts';
import { allText, envFor, expectReport, REPORT_SAMPLE, workspaceTickets } from './_cli-pull.ts';

/**
 * `shadowdesk pull zendesk` on a 2,000-ticket account, then `simulate` on it (see _cli-pull.ts);
 * then the pulled pages and the workspace they became (see _accounts.ts). One pull for both.
 */

describe.sequential('shadowdesk pull zendesk (CLI), a 2,000-ticket account', () => {
  let api: FakeApi;
  let dir = '';
  let workspace = '';
  let run: CliRun;

  beforeAll(async () => {
    api = await startZendeskFake(account);
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-pull-zendesk-'));
    workspace = join(dir, 'ws');
    run = await runCli(['pull', 'zendesk', '--workspace', workspace, '--since', '2023-06-01', '--until', '2026-01-01'], { env: envFor(api) });
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pulls a 2,000-ticket account end to end into the workspace, and writes the token nowhere', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Pulled from zendesk (2023-06-01 to 2026-01-01): 2,000 tickets (+ ${MESSAGES.toLocaleString('en-US')} comments), 5 articles (+ 10 translations), 3 macros, 2 triggers.`);
    expect(run.stdout).toContain('Workspace now holds 2,000 tickets');
    const tickets = await workspaceTickets(workspace);
    expect(new Set(tickets.map((ticket) => ticket.id)).size).toBe(2000);
    // French and English tickets both arrive with their first customer message.
    expect(tickets.find((ticket) => ticket.id === '2')?.messages[0]?.text).toContain('Bonjour, où en est ma commande n°2');
    expect(tickets.find((ticket) => ticket.id === '3')?.messages[0]?.text).toContain('Hello, where is my order #3');
    // Each ticket's comments joined: the agent's reply follows the question.
    expect(tickets.find((ticket) => ticket.id === '2')?.messages[1]?.text).toContain('Votre commande 2 est partie hier');
    expect(tickets.find((ticket) => ticket.id === '3')?.messages[1]?.text).toContain('Your order 3 shipped yesterday');
    expect(run.stdout).toContain('2,000 of 2,000 tickets can be judged');
    await expectReport(workspace, REPORT_SAMPLE);

    const basic = Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64');
    for (const text of [...(await allText(workspace)), run.stdout, run.stderr]) {
      expect(text).not.toContain(ZENDESK_TOKEN);
      expect(text).not.toContain(basic);
    }
  }, 180_000);

  it('zendesk: tickets joined with their comments, Guide articles as one document per locale, macros as knowledge (triggers written, not read)', async () => {
    expect(run.code, run.stderr).toBe(0);
    const folder = join(workspace, 'pulled', 'zendesk');
    const imported = await currentImportReport(workspace);
    await expectEveryPageAccountedFor(folder, imported);
    await expectJoinedTickets(workspace);
    expect(imported.judgeable).toEqual({ tickets: TICKETS, judgeable: TICKETS, not: {} });
    expect(imported.ignored.map((path) => path.slice(folder.length + 1))).toEqual(['triggers-000001.json']);
    // 5 articles in 2 locales each (the article as listed is its source-locale translation: merged into it), 3 macros.
    expect(imported.totals.records).toEqual({ ticket: TICKETS, knowledge: 5 * 2 + 3, order: 0 });
    const knowledge = await collect(readRecords(workspace, 'knowledge'));
    const article = (id: string) => knowledge.find((doc) => doc.id === id);
    expect(article('zendesk-article-5001/en-us')).toMatchObject({ kind: 'article', locale: 'en-us', title: 'Shipping times 5001', body: 'We ship within 48 hours.', updatedAt: new Date(account.start + 3_600_000).toISOString(), tags: ['shipping'] });
    expect(article('zendesk-article-5001/fr')).toMatchObject({ locale: 'fr', title: 'Délais de livraison 5001', body: 'Nous expédions sous 48 h.', updatedAt: new Date(account.start + 2 * 3_600_000).toISOString() });
    expect(knowledge.filter((doc) => doc.kind === 'macro').map((doc) => doc.title)).toEqual(['Shipping::Where is my order', 'Retours::Étiquette', 'Refund::Processed']);
  }, 60_000);
});
