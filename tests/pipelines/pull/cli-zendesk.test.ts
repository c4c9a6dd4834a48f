import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { fakeAccount } from '../../helpers/fake-api.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../../helpers/zendesk-fake.ts';
import { allText, envFor, expectReport, REPORT_SAMPLE, useFakes, workspaceTickets } from './_cli-pull.ts';

/** `shadowdesk pull zendesk` on a 2,000-ticket account, then `simulate` on it (see _cli-pull.ts). */

const tempDir = useTempDir();
const fakes = useFakes();

describe('shadowdesk pull zendesk (CLI)', () => {
  it('pulls a 2,000-ticket account end to end into the workspace, and writes the token nowhere', async () => {
    const account = fakeAccount(2000);
    const api = await startZendeskFake(account);
    fakes.push(api);
    const workspace = join(await tempDir(), 'ws');
    const run = await runCli(['pull', 'zendesk', '--workspace', workspace, '--since', '2023-06-01', '--until', '2026-01-01'], { env: envFor(api) });
    expect(run.code, run.stderr).toBe(0);

    const comments = [...Array(2000).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
    expect(run.stdout).toContain(`Pulled from zendesk (2023-06-01 to 2026-01-01): 2,000 tickets (+ ${comments.toLocaleString('en-US')} comments), 5 articles (+ 10 translations), 3 macros, 2 triggers.`);
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
});
