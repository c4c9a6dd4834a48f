import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { fakeAccount } from '../../helpers/fake-api.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../../helpers/gorgias-fake.ts';
import { allText, expectReport, REPORT_SAMPLE, useFakes, workspaceTickets } from './_cli-pull.ts';

/** `shadowdesk pull gorgias` on a 2,000-ticket account, then `simulate` on it (see _cli-pull.ts). */

const tempDir = useTempDir();
const fakes = useFakes();

describe('shadowdesk pull gorgias (CLI)', () => {
  it('pulls a 2,000-ticket Gorgias account, joins its messages and reports on it', async () => {
    const account = fakeAccount(2000);
    const api = await startGorgiasFake(account);
    fakes.push(api);
    const workspace = join(await tempDir(), 'ws');
    const env = { GORGIAS_DOMAIN: api.url, GORGIAS_EMAIL, GORGIAS_API_KEY: GORGIAS_KEY };
    const run = await runCli(['pull', 'gorgias', '--workspace', workspace, '--since', '2023-06-01', '--until', '2026-01-01'], { env });
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
});
