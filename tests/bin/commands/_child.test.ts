import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ALLOCATOR_LIMITS, allocatorLimitsFor, glibcVersion, importedTickets, stopWithParent } from '../../../bin/commands/_child.ts';
import { importSources } from '../../../pipelines/import.ts';
import { compiledPackage } from '../../helpers/compiled-cli.ts';
import { useTempDir } from '../../helpers/temp.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMMAND = fileURLToPath(new URL('../../helpers/child-command.mjs', import.meta.url));
const TICKETS = join(ROOT, 'tests/fixtures/gorgias-tickets.json');

interface Started {
  /** The waiting parent; its process group is its own, as a terminal's foreground job's is. */
  pid: number;
  stdout: () => string;
  /** The pid the child printed in `ready <pid>`. */
  ready: Promise<number>;
  /** The parent's end (not waiting for the child's output to close). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const leftOver: number[] = [];

/**
 * tests/helpers/child-command.mjs in a process group of its own, over the compiled package's
 * bin/commands/_child (plain Node starts in a tenth of tsx's time), or over the source through tsx.
 */
async function start(args: string[], { throughTsx = false } = {}): Promise<Started> {
  const module = throughTsx ? join(ROOT, 'bin/commands/_child.ts') : join(await compiledPackage(), 'dist/bin/commands/_child.js');
  const parent = spawn(process.execPath, [...(throughTsx ? ['--import', 'tsx'] : []), COMMAND, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SHADOWDESK_CHILD_MODULE: module },
  });
  let stdout = '';
  let stderr = '';
  parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<number>((resolve) => {
    parent.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^ready (\d+)$/m.exec(stdout);
      if (match) {
        leftOver.push(Number(match[1]));
        resolve(Number(match[1]));
      }
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    parent.on('exit', (code, signal) => setTimeout(() => resolve({ code, signal, stdout, stderr }), 100));
  });
  return { pid: parent.pid!, stdout: () => stdout, ready, exited };
}

/** A process's state (S sleeping, T stopped, Z a zombie…, from /proc/<pid>/stat), or undefined once it is gone. */
async function stateOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.[stat.lastIndexOf(')') + 2];
}

/** Whether a process's state passes `test` within `ms`. */
async function reaches(pid: number, ms: number, test: (state: string | undefined) => boolean): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (test(await stateOf(pid))) return true;
  }
  return false;
}

/** Whether a process has ended (gone, or a zombie nobody has reaped yet) within `ms`. */
const ends = (pid: number, ms: number) => reaches(pid, ms, (state) => state === undefined || state === 'Z');

/** Whether a process is in `state` within `ms`. */
const inState = (pid: number, state: string, ms: number) => reaches(pid, ms, (now) => now === state);

afterEach(() => {
  for (const pid of leftOver.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended already, as it should have.
    }
  }
});

describe.runIf(process.platform === 'linux')('runInChild: a command run again in a child process, the parent waiting', () => {
  it('the child runs the same entry and Node flags (tsx here) with the environment added, and the parent exits with its code', async () => {
    const { pid, exited } = await start(['exit', '3'], { throughTsx: true });
    const end = await exited;
    expect(end.code).toBe(3);
    const line = /^child (\d+) of (\d+): (.*)$/m.exec(end.stdout);
    expect(line, end.stdout + end.stderr).not.toBeNull();
    expect(Number(line![1])).not.toBe(pid);
    expect(Number(line![2])).toBe(pid);
    // The marker is the child's alone: commands it starts do not take it for theirs.
    expect(line![3]).toBe('SHADOWDESK_TEST_CHILD=1, parent pid passed on: no');
  }, 30_000);

  it('a child ended by a signal ends the parent by the same signal', async () => {
    const end = await (await start(['signal', 'SIGTERM'])).exited;
    expect(end).toMatchObject({ code: null, signal: 'SIGTERM' });
  }, 30_000);

  it("a terminal's Ctrl-C (SIGINT to the parent's process group) reaches the child once", async () => {
    const started = await start(['count']);
    await started.ready;
    process.kill(-started.pid, 'SIGINT');
    const end = await started.exited;
    expect(end.stdout.match(/^SIGINT \d+$/gm)).toEqual(['SIGINT 1']);
    expect(end.code).toBe(130);
  }, 30_000);

  it('SIGINT and SIGTERM sent to the parent alone stop the child, and the parent ends as it did', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const started = await start(['wait']);
      const child = await started.ready;
      process.kill(started.pid, signal);
      expect(await started.exited).toMatchObject({ code: null, signal });
      expect(await ends(child, 5_000)).toBe(true);
    }
  }, 60_000);

  it("a terminal's Ctrl-Z (SIGTSTP to the parent's group) pauses the child with the job, and the job's SIGCONT resumes it", async () => {
    const started = await start(['wait']);
    const child = await started.ready;
    process.kill(-started.pid, 'SIGTSTP');
    expect(await inState(started.pid, 'T', 5_000)).toBe(true);
    expect(await inState(child, 'T', 5_000)).toBe(true);
    // A shell's `fg` or `bg`: SIGCONT to the job's process group.
    process.kill(-started.pid, 'SIGCONT');
    expect(await inState(child, 'S', 5_000)).toBe(true);
    process.kill(started.pid, 'SIGTERM');
    expect(await started.exited).toMatchObject({ signal: 'SIGTERM' });
    expect(await ends(child, 5_000)).toBe(true);
  }, 30_000);

  it('a SIGKILLed parent (which cannot pass anything on) still stops the child', async () => {
    const started = await start(['wait']);
    const child = await started.ready;
    process.kill(started.pid, 'SIGKILL');
    expect(await started.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await ends(child, 10_000)).toBe(true);
  }, 30_000);
});

describe('stopWithParent', () => {
  it('does nothing in a process no parent started with runInChild', () => {
    const before = process.listenerCount('disconnect');
    stopWithParent();
    expect(process.listenerCount('disconnect')).toBe(before);
  });
});

describe('allocatorLimitsFor: which index builds run in a child with the allocator limits', () => {
  const tempDir = useTempDir();

  async function imported(): Promise<{ workspace: string; tickets: number }> {
    const workspace = join(await tempDir(), 'ws');
    const report = await importSources([{ path: TICKETS }], { workspace });
    return { workspace, tickets: report.totals.records.ticket };
  }

  it('an import of at least minTickets tickets, on glibc, with the variable unset', async () => {
    const { workspace, tickets } = await imported();
    expect(tickets).toBeGreaterThan(0);
    expect(await importedTickets(workspace)).toBe(tickets);
    const glibc = () => '2.36';
    expect(await allocatorLimitsFor(workspace, { env: {}, glibc, minTickets: tickets })).toEqual(ALLOCATOR_LIMITS);
    expect(await allocatorLimitsFor(workspace, { env: {}, glibc, minTickets: tickets + 1 })).toBeUndefined();
  });

  it('not when MALLOC_ARENA_MAX is set already (by the user, or in the child), whatever its value', async () => {
    const { workspace, tickets } = await imported();
    for (const value of ['2', '8', '']) {
      expect(await allocatorLimitsFor(workspace, { env: { MALLOC_ARENA_MAX: value }, glibc: () => '2.36', minTickets: tickets })).toBeUndefined();
    }
  });

  it('not off glibc (musl, macOS, Windows), where the variable means nothing', async () => {
    const { workspace, tickets } = await imported();
    expect(await allocatorLimitsFor(workspace, { env: {}, glibc: () => undefined, minTickets: tickets })).toBeUndefined();
  });

  it('not without an import: the build then says what is missing, in this process', async () => {
    const workspace = join(await tempDir(), 'nothing-here');
    expect(await importedTickets(workspace)).toBe(0);
    expect(await allocatorLimitsFor(workspace, { env: {}, glibc: () => '2.36', minTickets: 1 })).toBeUndefined();
  });

  it("glibcVersion reads this machine's C library", () => {
    const version = glibcVersion();
    if (process.platform === 'linux' && version !== undefined) expect(version).toMatch(/^\d+\.\d+/);
    else expect(version).toBeUndefined();
  });
});
