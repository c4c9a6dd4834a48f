import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { expect } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { DEFAULT_MAX_MESSAGE_CHARS } from '../../../datasets/reader.ts';
import { Random } from '../../../datasets/text/random.ts';
import type { RecordKind } from '../../../datasets/records.ts';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { openSearcher } from '../../../pipelines/search-tables.ts';
import { readManifest } from '../../../pipelines/index-manifest.ts';
import { RECORD_FILES, readRecords } from '../../../pipelines/workspace.ts';
import { builtOnce } from '../../helpers/built-once.ts';
import { runCli as runInThisProcess } from '../../helpers/cli.ts';
import { compiledCli } from '../../helpers/compiled-cli.ts';
import { collect } from '../../helpers/temp.ts';

/**
 * Issue 8 item 2, shared by the crash-safety files (one per command, so they run side by side):
 * SIGKILL `import`, `index` and `simulate` at seeded random points, check that the last committed
 * state is still readable right after each kill, then finish the command and compare everything
 * with an uninterrupted run on a separate workspace. The uninterrupted runs go through the library
 * in the test process (the same functions the commands call); every killed command is a real
 * `shadowdesk` process, the compiled one npm users run (tests/helpers/compiled-cli.ts): a
 * command's start-up through tsx would cost a second of CPU per kill. The command that finishes
 * the work after the kills runs in the test process (`finish`).
 */

/** `npm run test:stress` raises it: each kill loop runs ROUNDS times as long. */
export const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 1);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KILL_HOOK = join(ROOT, 'tests', 'helpers', 'kill-hook.ts');

/**
 * tests/helpers/kill-hook.ts as plain JavaScript beside the compiled CLI, for `--import`: loaded
 * through tsx instead, the hook cost its child 2 s more CPU (tsx then hooks every module the
 * compiled CLI loads). Its `@lancedb/lancedb` resolves through the compiled CLI's node_modules.
 */
export async function compiledKillHook(): Promise<string> {
  const folder = dirname(dirname(dirname(await compiledCli())));
  const hook = join(folder, `kill-hook-${process.pid}.mjs`);
  const { code } = transformSync(await readFile(KILL_HOOK, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
  await writeFile(hook, code);
  return hook;
}

/** The demo exports: a first import, then a larger second one that replaces it. */
export const BRAND_A = { seed: 7, tickets: 120 };
export const BRAND_B = { seed: 8, tickets: 180 };

/**
 * The uninterrupted runs the four crash-safety files compare with, made once per run
 * (built-once.ts): each file made its own, the same imports and index builds four times over.
 * Read-only: a file copies the workspace it runs commands on.
 */
export interface CrashWorkspaces {
  /** The two demo exports. */
  brandA: string;
  brandB: string;
  /** A imported, not indexed. */
  importedA: string;
  /** A imported and indexed. */
  indexedA: string;
  /** A's index, with B imported over A since (the index is of the earlier import). */
  importedB: string;
  /** B imported over A, then indexed again. */
  indexedB: string;
  /** B alone, imported: the simulate that runs on it builds the index it needs (fitted before its window). */
  onlyB: string;
  /** How long each step's work took, from its first progress report: kills are spread over it. */
  workMs: { importA: number; importB: number; indexA: number; indexB: number };
  /** What the index of A, and the index of B over A, answer (searchAnswers). */
  searchA: string[];
  searchB: string[];
}

export async function crashWorkspaces(): Promise<CrashWorkspaces> {
  const { folder, value } = await builtOnce('crash-safety', buildCrashWorkspaces);
  const at = (name: string) => join(folder, name);
  return { brandA: at('brand-a'), brandB: at('brand-b'), importedA: at('imported-a'), indexedA: at('indexed-a'), importedB: at('imported-b'), indexedB: at('indexed-b'), onlyB: at('only-b'), ...value };
}

async function buildCrashWorkspaces(folder: string): Promise<Pick<CrashWorkspaces, 'workMs' | 'searchA' | 'searchB'>> {
  const at = (name: string) => join(folder, name);
  await generateDemo({ outDir: at('brand-a'), ...BRAND_A });
  await generateDemo({ outDir: at('brand-b'), ...BRAND_B });
  // As the import command imports: its --max-message-chars default.
  const importInto = (brand: string, workspace: string, onProgress: () => void) => importSources([{ path: at(brand) }], { workspace, maxMessageChars: DEFAULT_MAX_MESSAGE_CHARS, onProgress });
  const importA = await timedWork((onProgress) => importInto('brand-a', at('imported-a'), onProgress));
  await cp(at('imported-a'), at('indexed-a'), { recursive: true });
  const indexA = await timedWork((onProgress) => buildIndex({ workspace: at('indexed-a'), onProgress }));
  const searchA = await searchAnswers(at('indexed-a'));
  await cp(at('indexed-a'), at('imported-b'), { recursive: true });
  const importB = await timedWork((onProgress) => importInto('brand-b', at('imported-b'), onProgress));
  await cp(at('imported-b'), at('indexed-b'), { recursive: true });
  const indexB = await timedWork((onProgress) => buildIndex({ workspace: at('indexed-b'), onProgress }));
  const searchB = await searchAnswers(at('indexed-b'));
  // Not indexed here: an index fitted on all of B would be refitted by the first simulate anyway.
  await importSources([{ path: at('brand-b') }], { workspace: at('only-b'), maxMessageChars: DEFAULT_MAX_MESSAGE_CHARS });
  return { workMs: { importA, importB, indexA, indexB }, searchA, searchB };
}

/** A copy of a workspace of `crashWorkspaces`, for commands to run on. */
export async function copyOf(workspace: string, to: string): Promise<string> {
  await cp(workspace, to, { recursive: true });
  return to;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From the first stderr line matching `workStarted` (else from the spawn) to the exit. */
  workMs: number;
}

/** The first stderr line of each command's work, after start-up: kills are timed from it. */
export const WORK_STARTED = { import: /^read(ing)? /m, index: /^index /m, simulate: /^replay: /m } as const;

/**
 * Runs the CLI as a child; with `killAfterMs`, SIGKILLs it then (unless it finished first),
 * counted from the first stderr line matching `workStarted`: start-up (a second or more of
 * module loading) holds nothing to kill, so the delays are spread over the command's own work.
 */
export async function runCli(args: string[], options: { killAfterMs?: number; workStarted?: RegExp; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const cli = await compiledCli();
  let started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
  let stdout = '';
  let stderr = '';
  let working = !options.workStarted;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let timer: NodeJS.Timeout | undefined;
  const armKill = () => {
    if (options.killAfterMs !== undefined) timer ??= setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  };
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!working && options.workStarted?.test(stderr)) {
      working = true;
      started = performance.now();
      armKill();
    }
  });
  if (working) armKill();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, workMs: performance.now() - started });
    });
  });
}

export async function runToEnd(args: string[]): Promise<CliRun> {
  const run = await runCli(args);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/**
 * The same command again after the kills, to its end, in the test process (tests/helpers/cli.ts):
 * the same command code on what the kills left, without a process's start-up and module loading
 * (0.6-0.8 CPU-s each), which only the kills need.
 */
export async function finish(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = await runInThisProcess(args);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

/** Seeded kill delays: each a random fraction, between `from` and `to`, of the work's duration. */
export function killDelays(seed: number): (workMs: number, from: number, to: number) => number {
  const random = new Random(seed);
  return (workMs, from, to) => Math.round(workMs * (from + (to - from) * random.next()));
}

/**
 * Runs a library step as the command would, timing its work from its first progress report (what
 * the child's first progress line marks) to its end.
 */
export async function timedWork(work: (onProgress: () => void) => Promise<unknown>): Promise<number> {
  let started: number | undefined;
  await work(() => (started ??= performance.now()));
  return performance.now() - (started ?? performance.now());
}

/** Every record of the current import, by kind, as sorted JSON lines (read through the library). */
export async function importedRecords(workspace: string): Promise<Record<RecordKind, string[]>> {
  const kinds = Object.keys(RECORD_FILES) as RecordKind[];
  const entries = await Promise.all(kinds.map(async (kind) => [kind, (await collect(readRecords(workspace, kind))).map((record) => JSON.stringify(record)).sort()] as const));
  return Object.fromEntries(entries) as Record<RecordKind, string[]>;
}

const QUERIES: Array<[string, string]> = [
  ['where is my order', '2025-06-01'],
  ['return policy how many days', '2025-12-15'],
  ['remboursement colis abîmé', '2026-03-01'],
  ['discount code refused at checkout', '2025-02-01'],
  ['changer mon adresse de livraison', '2026-09-01'],
];

/** What the index answers (search has no --json flag, so the searcher is opened in-process). */
export async function searchAnswers(workspace: string): Promise<string[]> {
  const searcher = await openSearcher(workspace);
  try {
    const answers: string[] = [];
    for (const [query, asOf] of QUERIES) {
      for (const table of ['knowledge', 'tickets'] as const) {
        const hits = await searcher.search(query, { table, asOf, limit: 5 });
        answers.push(`${table} ${query} @${asOf}: ${hits.map((hit) => `${hit.id}=${hit.score.toFixed(4)}`).join(' ')}`);
      }
    }
    return answers;
  } finally {
    await searcher.close();
  }
}

/**
 * What the committed build answers, whichever import is current: searches refuse an index of an
 * earlier import, yet a killed command must still have left that build whole. Its import is made
 * current for the searches, then the pointer is put back.
 */
export async function buildAnswers(workspace: string): Promise<string[]> {
  const pointer = join(workspace, 'current.json');
  const current = await readFile(pointer, 'utf8');
  await writeFile(pointer, JSON.stringify({ import: (await readManifest(workspace)).importId }));
  try {
    return await searchAnswers(workspace);
  } finally {
    await writeFile(pointer, current);
  }
}

export const STALE = /the search index is out of date: it was built from an earlier import/;
