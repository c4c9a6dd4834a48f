import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * A command run again in a child process, for what can only be set when a process starts (glibc
 * reads MALLOC_ARENA_MAX once, and Node 20 cannot replace its own process). The parent only waits:
 * the child has the terminal (same stdin, stdout, stderr), and the parent ends as the child ended.
 */

/** How a child ended: its exit code, or the signal that ended it. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What stops a command, relayed from the waiting parent to the child. */
export const RELAYED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Set in the child's environment (to the parent's pid) so that it knows it has a parent to outlive. */
const PARENT_PID = 'SHADOWDESK_PARENT_PID';

/**
 * Runs this process's command line again (the same Node flags, entry and arguments, so a checkout
 * run through tsx and the compiled package each start themselves) with `env` added to the
 * environment, and resolves when the child has ended. The child is in a process group of its own:
 * a terminal's Ctrl-C reaches this process alone, which passes it on, so the child gets each
 * signal once instead of twice. The child must call `stopWithParent` to stop if this process dies.
 */
export function runInChild(env: Record<string, string>): Promise<ChildEnd> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, ...env, [PARENT_PID]: String(process.pid) },
  });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  // Ctrl-Z stops the terminal's job, this process alone: the child is stopped with it (a listener
  // replaces the default stop, so this process stops itself too) and goes on when the job does.
  const pause = () => {
    child.kill('SIGSTOP');
    process.kill(process.pid, 'SIGSTOP');
  };
  const resume = () => child.kill('SIGCONT');
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
  process.on('SIGTSTP', pause);
  process.on('SIGCONT', resume);
  const stopRelaying = () => {
    for (const signal of RELAYED_SIGNALS) process.off(signal, relay);
    process.off('SIGTSTP', pause);
    process.off('SIGCONT', resume);
  };
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      stopRelaying();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      stopRelaying();
      resolve({ code, signal });
    });
  });
}

/**
 * Ends this process as the child ended: with its exit code, or by the same signal (a shell tells
 * Ctrl-C from a failure by it). A signal this process ignores (Node ignores SIGPIPE) still ends
 * it, with the shell's code for that signal.
 */
export function exitLike(end: ChildEnd): void {
  if (end.signal === null) {
    process.exit(end.code ?? 1);
  }
  const signal = end.signal;
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(128 + constants.signals[signal]), 1000);
}

/**
 * In a child started by `runInChild`, stops the command if the parent goes away (killed, so it
 * could not pass a signal on): the child interrupts itself, as Ctrl-C interrupts a command run
 * directly. Elsewhere it does nothing. The channel to the parent does not keep the child running.
 */
export function stopWithParent(): void {
  if (process.env[PARENT_PID] === undefined) return;
  // Commands this one starts are not the parent's children.
  delete process.env[PARENT_PID];
  const interrupt = () => process.kill(process.pid, 'SIGINT');
  // The parent may have died while this process was loading its modules.
  if (!process.connected) {
    interrupt();
    return;
  }
  process.once('disconnect', interrupt);
  process.channel?.unref();
}

/** The C library's version on Linux with glibc; undefined elsewhere (musl, macOS, Windows). */
export function glibcVersion(): string | undefined {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime;
}

/**
 * glibc's allocator, held to what LanceDB's index builds free: at most 2 arenas, so that what one
 * build thread frees the others reuse; and every block of 8 MiB or more mapped on its own and
 * returned to the system when freed (glibc otherwise raises that threshold to the largest block
 * freed, up to 32 MiB, and keeps the blocks below it for reuse). A million tickets, the child's
 * peak: 838–912 MiB with the arena limit alone, 721 with both, for 18 % more CPU (pages mapped
 * afresh); a threshold of 128 KiB or 1 MiB gained 10–30 MiB more for 29 % (docs/benchmarks.md,
 * "Index memory at 1M").
 */
export const ALLOCATOR_LIMITS = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '8388608' } as const;

/**
 * From this many imported tickets the index is built in a child with ALLOCATOR_LIMITS (see
 * docs/benchmarks.md, "Index memory at 1M"): below it the build's peak is the embedding and the
 * writing, which the limits barely lower, and a second Node start-up would cost more than it saves.
 */
export const ALLOCATOR_LIMITS_MIN_TICKETS = 200_000;

/**
 * The environment an index build of `workspace` should run with in a child, or undefined to build
 * in this process: on glibc, where LanceDB's build threads would each keep an arena of their own,
 * for a large import, unless the user set MALLOC_ARENA_MAX (then it is set already, as in the child).
 */
export async function allocatorLimitsFor(
  workspace: string,
  { env = process.env, glibc = glibcVersion, minTickets = ALLOCATOR_LIMITS_MIN_TICKETS }: { env?: NodeJS.ProcessEnv; glibc?: () => string | undefined; minTickets?: number } = {},
): Promise<typeof ALLOCATOR_LIMITS | undefined> {
  if (env.MALLOC_ARENA_MAX !== undefined) return undefined;
  if ((await importedTickets(workspace)) < minTickets) return undefined;
  return glibc() === undefined ? undefined : ALLOCATOR_LIMITS;
}

/**
 * Tickets in the workspace's current import, from its report; 0 when there is none to read (the
 * build then says what is missing, in this process).
 */
export async function importedTickets(workspace: string): Promise<number> {
  // The library loaded here, when asked, not with this module: runInChild's processes alone (a
  // dozen in tests/bin/commands/_child.test.ts) then start in a quarter of the CPU.
  const { currentImportReport } = await import('../../index.ts');
  const report = await currentImportReport(workspace);
  return report?.totals?.records?.ticket ?? 0;
}
