import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../pipelines/pull/run.ts';
import { RECORD_FILES, currentImportDir, readJsonlLines } from '../../../pipelines/workspace.ts';
import { CLI, runCli } from '../../helpers/cli.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { GORGIAS_EMAIL, GORGIAS_KEY, startGorgiasFake } from '../../helpers/gorgias-fake.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../../helpers/zendesk-fake.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';

/**
 * `shadowdesk pull` as a user runs it, against fake Zendesk and Gorgias accounts on 127.0.0.1,
 * then `shadowdesk simulate` with the built-in candidates on the pulled workspace: the pages
 * become tickets joined with their comments or messages, and the report is computed over the
 * tickets that can be judged.
 */

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const envFor = (api: FakeApi, token = ZENDESK_TOKEN) => ({ ZENDESK_SUBDOMAIN: api.url, ZENDESK_EMAIL, ZENDESK_API_TOKEN: token });

async function workspaceTickets(workspace: string): Promise<Array<{ id: string; messages: Array<{ role: string; text: string }> }>> {
  const dir = await currentImportDir(workspace);
  const tickets: Array<{ id: string; messages: Array<{ role: string; text: string }> }> = [];
  if (!dir) return tickets;
  for await (const line of readJsonlLines(join(dir, RECORD_FILES.ticket))) tickets.push(JSON.parse(line) as { id: string; messages: Array<{ role: string; text: string }> });
  return tickets;
}

/** Every file under `dir`, its text. */
async function allText(dir: string): Promise<string[]> {
  const texts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).isFile()) texts.push(await readFile(path, 'utf8'));
  }
  return texts;
}

/**
 * `simulate` with the built-in candidates on a sample of the pulled workspace: it says how many
 * of the replayed tickets can be judged, writes report.json, and every candidate's automation is
 * a share of exactly those tickets.
 */
async function expectReport(workspace: string, sample: number): Promise<void> {
  // The last half year: the year and a half before it teaches the built-in model (fitted on the past only).
  const run = await runCli(['simulate', '--workspace', workspace, '--holdout-days', '180', '--sample', String(sample), '--formats', 'json']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(`${sample} of ${sample} tickets can be judged`);
  const report = JSON.parse(await readFile(join(workspace, 'runs', 'latest', 'report.json'), 'utf8')) as RunReport;
  expect(report.metrics.candidates.map((candidate) => candidate.candidate).sort()).toEqual(['composite', 'knowledge-base', 'macro', 'past-ticket']);
  for (const candidate of report.metrics.candidates) {
    expect(candidate.tickets, candidate.candidate).toBe(sample);
    expect(candidate.automation.verified.denominator, candidate.candidate).toBe(sample);
  }
}

describe('shadowdesk pull (CLI)', () => {
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
    await expectReport(workspace, 200);

    const basic = Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64');
    for (const text of [...(await allText(workspace)), run.stdout, run.stderr]) {
      expect(text).not.toContain(ZENDESK_TOKEN);
      expect(text).not.toContain(basic);
    }
  }, 180_000);

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
    await expectReport(workspace, 200);
    for (const text of [...(await allText(workspace)), run.stdout, run.stderr]) expect(text).not.toContain(GORGIAS_KEY);
  }, 180_000);

  it('keeps a refused token out of the error even when the API quotes it back', async () => {
    const api = await startZendeskFake(fakeAccount(10), { echoCredentials: true });
    fakes.push(api);
    const workspace = join(await tempDir(), 'ws');
    const wrong = 'zd-expired-token-c0ffee1234';
    const run = await runCli(['pull', 'zendesk', '--workspace', workspace], { env: envFor(api, wrong) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HTTP 401; the credentials were refused/);
    expect(run.stderr).toContain('[credential]');
    expect(run.stderr).not.toContain(wrong);
    expect(run.stderr).not.toContain(Buffer.from(`${ZENDESK_EMAIL}/token:${wrong}`).toString('base64'));
    for (const text of await allText(workspace)) expect(text).not.toContain(wrong);
  });

  it('resumes after kill -9 without asking for a finished page again or keeping a record twice', async () => {
    const account = fakeAccount(300);
    const api = await startZendeskFake(account, { exportPageSize: 100 });
    fakes.push(api);
    const root = await tempDir();
    const workspace = join(root, 'ws');
    const out = join(root, 'pages');
    const args = ['pull', 'zendesk', '--workspace', workspace, '--out', out, '--since', '2023-06-01', '--until', '2026-01-01', '--rpm', '3000'];

    // Killed once the second export page is written and some of its tickets' comments read.
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...envFor(api) }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    for (;;) {
      const checkpoint = await readFile(join(out, '.pull-checkpoint.json'), 'utf8').then((text) => JSON.parse(text) as Checkpoint, () => undefined);
      if ((checkpoint?.streams.tickets?.pages ?? 0) >= 2 && (checkpoint?.perRecord?.index ?? 0) >= 24) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    await exited;
    const firstRun = api.requests.length;

    const run = await runCli(args, { env: envFor(api) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('resuming an interrupted pull');

    const exportPages = api.requests.filter((request) => request.path.endsWith('/cursor.json')).map((request) => request.query.toString());
    expect(exportPages).toHaveLength(3);
    expect(new Set(exportPages).size).toBe(3);
    // Only the batch of tickets under way at the kill (8 at most) had their comments asked for twice.
    const commentsOf = (requests: FakeApi['requests']) => new Set(requests.filter((request) => request.path.includes('/comments')).map((request) => request.path));
    const before = commentsOf(api.requests.slice(0, firstRun));
    const twice = [...commentsOf(api.requests.slice(firstRun))].filter((path) => before.has(path));
    expect(twice.length).toBeLessThanOrEqual(8);

    const ids: number[] = [];
    for (const name of (await readdir(out)).filter((file) => file.startsWith('comments-'))) {
      ids.push(...(JSON.parse(await readFile(join(out, name), 'utf8')) as { comments: Array<{ id: number }> }).comments.map((comment) => comment.id));
    }
    const expected = [...Array(300).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
    expect(run.stdout).toContain('Workspace now holds 300 tickets');
    expect((await readdir(out)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('says so when the folder holds a pull of other dates', async () => {
    const api = await startZendeskFake(fakeAccount(20));
    fakes.push(api);
    const root = await tempDir();
    const base = ['pull', 'zendesk', '--workspace', join(root, 'ws'), '--pages-only'];
    expect((await runCli([...base, '--since', '2024-01-01'], { env: envFor(api) })).code).toBe(0);
    const again = await runCli([...base, '--since', '2024-01-01'], { env: envFor(api) });
    expect(again.stdout).toContain('already finished in that folder: nothing asked again');
    const other = await runCli([...base, '--since', '2023-01-01'], { env: envFor(api) });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a finished pull of zendesk from 2024-01-01T00:00:00.000Z .*pull into another folder \(--out\)/);
  });

  it('prints plain progress lines when not on a terminal', async () => {
    const api = await startZendeskFake(fakeAccount(50));
    fakes.push(api);
    const run = await runCli(['pull', 'zendesk', '--workspace', join(await tempDir(), 'ws'), '--pages-only'], { env: envFor(api) });
    expect(run.stderr).toMatch(/^pull: tickets \(0\/4 streams done\), \d+ records, [\d,]+ records\/s, \d+ %, [\d\w ]+ left$/m);
    expect(run.stderr).toMatch(/^pull: triggers \(4\/4 streams done\), \d+ records, [\d,]+ records\/s$/m);
    expect(run.stderr).not.toContain('\r');
  });
});
