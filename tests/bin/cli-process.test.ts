import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir, writeTemp } from '../helpers/temp.ts';
import { runCli, runCliProcess } from '../helpers/cli.ts';
import { compiledCli } from '../helpers/compiled-cli.ts';

/** `shadowdesk` in processes of its own (cli.test.ts runs it in the test process): start-up, exit codes, signals. */

const tempDir = useTempDir();

const run = (args: string[], cwd?: string) => runCli(args, { cwd });

/**
 * The other tests run the CLI in the test process (tests/helpers/cli.ts); a real process must say
 * the same. The compiled CLI, as npm users run it: through tsx, each of the four processes spent a
 * second more of CPU starting. bin/shadowdesk.js's own two ways in are run elsewhere: through tsx
 * by init-config.test.ts (the printed `npx` commands), compiled by package.test.ts.
 */
describe('shadowdesk in a process of its own', () => {
  it('prints, exits and fails as the in-process runs the other tests use: help, usage error, user error, nothing usable', async () => {
    const dir = await tempDir();
    const bad = await writeTemp(dir, 'bad.jsonl', '{"id": 1, nope\n');
    const commands = [
      ['import', '--help'],
      ['simulat'],
      ['import', join(dir, 'nope.json'), '--workspace', join(dir, 'ws')],
      ['import', bad, '--format', 'shadowdesk-jsonl', '--workspace', join(dir, 'ws')],
    ];
    const inProcess = [];
    for (const args of commands) inProcess.push(await run(args, dir));
    const processes = await Promise.all(commands.map((args) => runCliProcess(args, { cwd: dir, compiled: true })));
    expect(processes.map((child) => child.code)).toEqual([0, 2, 2, 1]);
    expect(processes).toEqual(inProcess);
  }, 60_000);
});

describe('interrupting an import', () => {
  it('stops on SIGINT, says so and leaves no half-written import behind', async () => {
    const dir = await tempDir();
    const { generateDemo } = await import('../../datasets/demo/generate.ts');
    // 30,000 rows (15 MB), so the import is still reading when the signal lands: 1,000 generated
    // tickets written thirty times over (repeats merge into their ticket), at a thirtieth of the
    // generating time (5,000 tickets six times over cost 0.5-1 CPU-s more).
    const summary = await generateDemo({ outDir: dir, tickets: 1_000, formats: ['generic-csv'], withKnowledge: false });
    const csv = await readFile(summary.ticketsFile, 'utf8');
    const header = csv.indexOf('\n') + 1;
    const tickets = await writeTemp(dir, 'tickets-30k.csv', csv.slice(0, header) + csv.slice(header).repeat(30));
    const workspace = join(dir, 'ws');
    // The compiled CLI (a second less of start-up than through tsx): the signal is the import's to handle.
    const child = spawn(process.execPath, [await compiledCli(), 'import', tickets, '--workspace', workspace]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Interrupt once the import folder exists, i.e. mid-import.
    await expect.poll(() => readdir(join(workspace, 'imports')).then((entries) => entries.length, () => 0), { timeout: 20_000, interval: 20 }).toBe(1);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toContain('shadowdesk: interrupted: the workspace was left as it was');
    expect(await readdir(join(workspace, 'imports'))).toEqual([]);
    await expect(readFile(join(workspace, 'current.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
