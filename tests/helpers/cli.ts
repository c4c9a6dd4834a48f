import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compiledCli } from './compiled-cli.ts';

export const CLI = fileURLToPath(new URL('../../bin/shadowdesk.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('../../bin/shadowdesk.ts', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A child process only: run the compiled CLI (compiled-cli.ts) rather than bin/shadowdesk.js. */
  compiled?: boolean;
}

/**
 * `shadowdesk` as a user runs it, in this test process: the same entry point with a fresh copy of
 * the CLI's own modules (`resetCliModules`), its own argv, working folder and environment (set on
 * this process for the length of the run), its output captured and its exit code read from
 * `process.exit` / `process.exitCode`. A child process costs seconds of tsx
 * start-up and module loading per command on two cores; this, a fraction of one. Asynchronous, so a server in the test's own
 * process (a fake LLM endpoint) keeps answering; a non-zero exit is a result to check, not a throw.
 * Runs are queued: they share the process's globals. `runCliProcess` keeps a few tests on the real
 * child-process wiring (bin/shadowdesk.js through tsx, signals, several processes at once).
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const run = queue.then(() => runInProcess(args, options));
  queue = run.catch(() => undefined);
  return run;
}

/** The real `shadowdesk` in a child process, for what only a process shows: start-up, signals, concurrency. */
export async function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [options.compiled ? await compiledCli() : CLI, ...args], {
      ...(options.cwd && { cwd: options.cwd }),
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** What `process.exit` throws in place of ending the test process; the first call is the exit code. */
class Exited extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

async function runInProcess(args: string[], options: CliOptions): Promise<CliRun> {
  const output = { stdout: '', stderr: '' };
  let exitCode: number | undefined;
  const restore = [
    swap(process, 'argv', [process.execPath, CLI, ...args]),
    swapEnv({ NO_COLOR: '1', ...options.env }),
    swapCwd(options.cwd),
    captureStream(process.stdout, (text) => exitCode === undefined && (output.stdout += text)),
    captureStream(process.stderr, (text) => exitCode === undefined && (output.stderr += text)),
    // Node's console writes to the streams; vitest's would bypass the capture.
    swap(console, 'log', (...values: unknown[]) => process.stdout.write(`${values.map(String).join(' ')}\n`)),
    swap(console, 'error', (...values: unknown[]) => process.stderr.write(`${values.map(String).join(' ')}\n`)),
    swap(process, 'exit', ((code?: number | string | null) => {
      exitCode ??= Number(code ?? process.exitCode ?? 0);
      throw new Exited(exitCode);
    }) as typeof process.exit),
    keepListeners(process, 'SIGINT'),
    keepListeners(process.stdout, 'error'),
  ];
  process.exitCode = undefined;
  try {
    resetCliModules();
    await import(/* @vite-ignore */ `${ENTRY}`);
  } catch (error) {
    if (!(error instanceof Exited)) throw error;
  } finally {
    exitCode ??= Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    for (const undo of restore.reverse()) undo();
  }
  return { code: exitCode, ...output };
}

/** What vitest keeps of each module it ran (the state behind `vi.resetModules`). */
interface EvaluatedModule {
  promise: unknown;
  exports: unknown;
  evaluated: boolean;
  importers: Set<string>;
}

const BIN = fileURLToPath(new URL('../../bin/', import.meta.url));

/**
 * The modules under bin/ run again, as in a new process: they hold what lasts one process (the
 * command line checked once, the EPIPE handler). The library's modules stay loaded, as in any
 * program that calls it twice, and as every test file shares them (isolate: false): loading them
 * all again for each run, as `vi.resetModules` does, cost about 0.1 s of CPU per command (a
 * quarter of the CPU of the files that run the CLI most).
 */
function resetCliModules(): void {
  const worker = (globalThis as { __vitest_worker__?: { evaluatedModules?: { idToModuleMap?: Map<string, EvaluatedModule> } } }).__vitest_worker__;
  const modules = worker?.evaluatedModules?.idToModuleMap;
  if (!modules) throw new Error('tests/helpers/cli.ts: this vitest keeps its modules elsewhere; reset them as vi.resetModules() does in this version');
  for (const [path, module] of modules) {
    if (!path.startsWith(BIN)) continue;
    module.promise = undefined;
    module.exports = undefined;
    module.evaluated = false;
    module.importers.clear();
  }
}

type Undo = () => void;

function swap<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): Undo {
  const own = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: own?.enumerable ?? true });
  return () => {
    if (own) Object.defineProperty(target, key, own);
    else delete target[key];
  };
}

/** A pipe, as under `execFile`: no terminal, so no progress line redrawn in place. */
function captureStream(stream: NodeJS.WriteStream, keep: (text: string) => void): Undo {
  const undo = [
    swap(stream, 'isTTY', false),
    swap(stream, 'write', ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      keep(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const callback = rest.find((item) => typeof item === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as NodeJS.WriteStream['write']),
  ];
  return () => undo.forEach((step) => step());
}

function swapEnv(env: NodeJS.ProcessEnv): Undo {
  const before = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in before)) delete process.env[key];
    Object.assign(process.env, before);
  };
}

function swapCwd(cwd: string | undefined): Undo {
  if (!cwd) return () => {};
  const before = process.cwd();
  process.chdir(cwd);
  return () => process.chdir(before);
}

/** Listeners the run adds (Ctrl-C handling, EPIPE) are removed with it, as its process would have ended. */
function keepListeners(emitter: NodeJS.EventEmitter, event: string): Undo {
  const before = new Set(emitter.listeners(event));
  return () => {
    for (const listener of emitter.listeners(event)) if (!before.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
  };
}
