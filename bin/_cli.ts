import { readFile } from 'node:fs/promises';
import { renderUsage, type CommandDef } from 'citty';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ShadowdeskError, isShadowdeskError } from '../errors.ts';
import type { ImportProgress } from '../pipelines/import.ts';
import type { IndexProgress } from '../pipelines/search-index.ts';

/** Exit codes: 0 done, 1 done but the result is not usable (nothing imported, a CI regression), 2 an error. */
export const EXIT_UNUSABLE = 1;
export const EXIT_ERROR = 2;

/**
 * Runs a command body: an error a user can cause prints its message alone; anything else is our
 * bug and keeps its stack.
 */
export async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isShadowdeskError(error)) {
      process.stderr.write(`shadowdesk: ${error.message}\n`);
    } else {
      process.stderr.write(`shadowdesk: unexpected error (please report it):\n${(error as Error).stack ?? String(error)}\n`);
    }
    process.exitCode = EXIT_ERROR;
  }
}

const EXAMPLES = new WeakMap<CommandDef<any>, string[]>();

/** Attaches examples to a command; `--help` prints them under its usage. */
export function withExamples<T extends CommandDef<any>>(command: T, examples: string[]): T {
  EXAMPLES.set(command, examples);
  return command;
}

/** citty's usage, followed by the command's examples. */
export async function showUsage(command: CommandDef<any>, parent?: CommandDef<any>): Promise<void> {
  const examples = EXAMPLES.get(command);
  const tail = examples ? `\nExamples:\n${examples.map((line) => `  ${line}`).join('\n')}\n` : '';
  process.stdout.write(`${await renderUsage(command, parent)}\n${tail}`);
}

/**
 * An abort signal that fires on Ctrl-C, so a long import stops cleanly and leaves the workspace
 * as it was instead of dying mid-write.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\n');
    controller.abort(new ShadowdeskError('SD_INTERRUPTED', 'interrupted: the workspace was left as it was'));
  });
  return controller.signal;
}

/** A one-line progress display on a terminal; silent in logs and CI. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: ImportProgress) => void {
  if (!stream.isTTY) return () => {};
  return (progress) => {
    const count = progress.read.toLocaleString('en-US');
    stream.write(`\r\x1b[K${progress.done ? 'read' : 'reading'} ${progress.file} (${progress.format}): ${count} records`);
    if (progress.done) stream.write('\n');
  };
}

/** Index progress on a terminal: stage, count, texts/s and time left while embedding. */
export function indexProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: IndexProgress) => void {
  if (!stream.isTTY) return () => {};
  let embedStarted = 0;
  return (progress) => {
    let line = `${progress.stage}: ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')}`;
    if (progress.stage === 'embed') {
      embedStarted ||= performance.now();
      const seconds = (performance.now() - embedStarted) / 1000;
      const rate = seconds > 0 ? progress.done / seconds : 0;
      const left = rate > 0 ? (progress.total - progress.done) / rate : 0;
      line += ` texts, ${Math.round(rate).toLocaleString('en-US')} texts/s, ${Math.ceil(left)} s left`;
    }
    stream.write(`\r\x1b[K${line}`);
    if (progress.stage === 'write' && progress.done === progress.total) stream.write('\n');
  };
}

/** Replay progress on a terminal: tickets done, tickets/s and time left. */
export function replayProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: { done: number; total: number }) => void {
  if (!stream.isTTY) return () => {};
  const started = performance.now();
  return ({ done, total }) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    stream.write(`\r\x1b[Kreplay: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} tickets, ${rate.toFixed(1)} tickets/s, ${left} s left`);
    if (done === total) stream.write('\n');
  };
}

/** Reads a JSON or YAML file given on the command line (a column mapping, later a config). */
export async function readDataFile(path: string, flag: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${flag} ${path}: cannot read the file`, { cause });
  });
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ShadowdeskError('SD_MAPPING_INVALID', `${flag} ${path}: ${(cause as Error).message}`, { cause });
  }
}
