import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALLOCATOR_LIMITS_MIN_TICKETS, glibcVersion } from '../../../bin/commands/_child.ts';
import { importSources } from '../../../pipelines/import.ts';
import { currentImportDir, REPORT_FILE } from '../../../pipelines/workspace.ts';
import { CLI } from '../../helpers/cli.ts';
import { compiledCli } from '../../helpers/compiled-cli.ts';
import { useTempDir } from '../../helpers/temp.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TICKETS = join(ROOT, 'tests/fixtures/gorgias-tickets.json');

/**
 * `shadowdesk index` as a process of its own, with its pid: the build's tables folder names the pid
 * that wrote it. bin/shadowdesk.js through tsx, as from a checkout, or the compiled CLI (a second
 * of CPU less for each of its two processes).
 */
async function index(args: string[], env: NodeJS.ProcessEnv, { compiled = true } = {}): Promise<{ pid: number; code: number | null; stdout: string; stderr: string }> {
  const command = spawn(process.execPath, [compiled ? await compiledCli() : CLI, 'index', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  command.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  command.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => command.on('close', (code) => resolve({ pid: command.pid!, code, stdout, stderr })));
}

async function builtBy(workspace: string): Promise<number> {
  const manifest = JSON.parse(await readFile(join(workspace, 'index', 'manifest.json'), 'utf8')) as { tables: string };
  return Number(/-(\d+)$/.exec(manifest.tables)![1]);
}

describe.runIf(glibcVersion() !== undefined)('shadowdesk index on glibc: a large import is built in a child with the allocator limits', () => {
  const tempDir = useTempDir();

  /** A small import whose report counts ALLOCATOR_LIMITS_MIN_TICKETS tickets: the command takes it for a large one. */
  async function largeByItsReport(): Promise<string> {
    const workspace = join(await tempDir(), 'ws');
    await importSources([{ path: TICKETS }], { workspace });
    const report = join((await currentImportDir(workspace))!, REPORT_FILE);
    const counted = JSON.parse(await readFile(report, 'utf8')) as { totals: { records: { ticket: number } } };
    counted.totals.records.ticket = ALLOCATOR_LIMITS_MIN_TICKETS;
    await writeFile(report, JSON.stringify(counted));
    return workspace;
  }

  it('builds in a child, and says what it built once, as a build in one process does (from a checkout, through tsx)', async () => {
    const workspace = await largeByItsReport();
    const run = await index(['--workspace', workspace], {}, { compiled: false });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/^Indexed \d+ knowledge passages and \d+ answered tickets/gm)).toHaveLength(1);
    expect(await builtBy(workspace)).not.toBe(run.pid);
  }, 60_000);

  it('builds in its own process when MALLOC_ARENA_MAX is set already', async () => {
    const workspace = await largeByItsReport();
    const run = await index(['--workspace', workspace], { MALLOC_ARENA_MAX: '2' });
    expect(run.code, run.stderr).toBe(0);
    expect(await builtBy(workspace)).toBe(run.pid);
  }, 60_000);

  it("a user's error in the child is said once, without a stack trace, with the exit code of an error", async () => {
    const workspace = await largeByItsReport();
    const run = await index(['--workspace', workspace, '--model', join(workspace, 'no-such-model')], {});
    expect(run.code).toBe(2);
    expect(run.stderr.match(/^shadowdesk: /gm), run.stderr).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
  }, 60_000);
});
