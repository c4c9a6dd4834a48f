import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../pipelines/pull/run.ts';
import { runCli } from '../../helpers/cli.ts';
import { compiledCli } from '../../helpers/compiled-cli.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { startZendeskFake, ZENDESK_EMAIL } from '../../helpers/zendesk-fake.ts';
import { allText, envFor, useFakes } from './_cli-pull.ts';

/** `shadowdesk pull` refusals, resumes and progress (see _cli-pull.ts; the 2,000-ticket accounts: cli-zendesk.test.ts, cli-gorgias.test.ts). */

const tempDir = useTempDir();
const fakes = useFakes();

describe('shadowdesk pull (CLI)', () => {
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
    // The compiled CLI (tests/helpers/compiled-cli.ts): a second less of start-up than through tsx.
    const child = spawn(process.execPath, [await compiledCli(), ...args], { env: { ...process.env, ...envFor(api) }, stdio: 'ignore' });
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
