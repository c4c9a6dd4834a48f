import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../../pipelines/workspace.ts';
import { type CliRun, runCli } from '../../helpers/cli.ts';
import type { FakeApi } from '../../helpers/fake-api.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../../helpers/gorgias-fake.ts';
import { collect } from '../../helpers/temp.ts';
import { account, currentImportReport, expectEveryPageAccountedFor, expectJoinedTickets, MESSAGES, TICKETS } from './_accounts.ts';
import { allText, expectReport, REPORT_SAMPLE, workspaceTickets } from './_cli-pull.ts';

/**
 * `shadowdesk pull gorgias` on a 2,000-ticket account, then `simulate` on it (see _cli-pull.ts);
 * then the pulled pages and the workspace they became (see _accounts.ts). One pull for both.
 */

describe.sequential('shadowdesk pull gorgias (CLI), a 2,000-ticket account', () => {
  let api: FakeApi;
  let dir = '';
  let workspace = '';
  let run: CliRun;

  beforeAll(async () => {
    api = await startGorgiasFake(account);
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-pull-gorgias-'));
    workspace = join(dir, 'ws');
    const env = { GORGIAS_DOMAIN: api.url, GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY };
    run = await runCli(['pull', 'gorgias', '--workspace', workspace, '--since', '2023-06-01', '--until', '2026-01-01'], { env });
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pulls a 2,000-ticket Gorgias account, joins its messages and reports on it', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Workspace now holds 2,000 tickets');
    expect(run.stdout).toContain('2,000 of 2,000 tickets can be judged');
    expect(run.stdout).toContain('rules --gorgias-rules');
    const tickets = await workspaceTickets(workspace);
    // Gorgias lists messages newest first, across tickets: each ticket gets its own back, in order.
    const second = tickets.find((ticket) => ticket.id === '2')?.messages ?? [];
    expect(second.map((message) => message.role)).toEqual(['customer', 'agent', 'customer', 'agent']);
    expect(second.map((message) => message.text)).toEqual([1, 2, 3, 4].map((turn) => (turn % 2 === 1 ? `Bonjour, où en est ma commande n°2 ? (message ${turn})` : 'Votre commande 2 est partie hier, voici le suivi.')));
    expect(tickets.find((ticket) => ticket.id === '3')?.messages[1]?.text).toContain('Your order 3 shipped yesterday');
    await expectReport(workspace, REPORT_SAMPLE);
    for (const text of [...(await allText(workspace)), run.stdout, run.stderr]) expect(text).not.toContain(GORGIAS_KEY);
  }, 180_000);

  it('gorgias: tickets joined with their messages, macros and help-center articles as knowledge, rules pointed at `shadowdesk rules`', async () => {
    expect(run.code, run.stderr).toBe(0);
    // Every stream read to its end: the records of each, as the pull counted them.
    expect(run.stdout).toContain(`Pulled from gorgias (2023-06-01 to 2026-01-01): 2,000 tickets, ${MESSAGES.toLocaleString('en-US')} messages, 3 macros, 2 rules, 1 help-centers (+ 7 articles).`);
    const folder = join(workspace, 'pulled', 'gorgias');
    const imported = await currentImportReport(workspace);
    await expectEveryPageAccountedFor(folder, imported);
    await expectJoinedTickets(workspace);
    expect(imported.judgeable).toEqual({ tickets: TICKETS, judgeable: TICKETS, not: {} });
    // 3 macros; 5 articles in English and 2 of them in French.
    expect(imported.totals.records).toEqual({ ticket: TICKETS, knowledge: 3 + 5 + 2, order: 0 });
    expect(imported.ignored.map((path) => path.slice(folder.length + 1))).toEqual(['help-centers-000001.json']);
    expect(imported.rulesFiles).toHaveLength(1);
    expect(imported.missing).toBeUndefined();
    const knowledge = await collect(readRecords(workspace, 'knowledge'));
    expect(knowledge.filter((doc) => doc.kind === 'article').map((doc) => doc.id).sort()).toEqual(['gorgias-article-200/en-US', 'gorgias-article-201/en-US', 'gorgias-article-201/fr-FR', 'gorgias-article-202/en-US', 'gorgias-article-203/en-US', 'gorgias-article-203/fr-FR', 'gorgias-article-204/en-US']);
    expect(knowledge.find((doc) => doc.id === 'gorgias-article-201/fr-FR')).toMatchObject({ locale: 'fr-FR', title: 'Délais de livraison 201', body: 'Nous expédions sous 48 h.', updatedAt: new Date(account.start + 2 * 86_400_000).toISOString() });
  }, 60_000);
});
