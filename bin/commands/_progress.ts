import type { ImportProgress } from '../../pipelines/import.ts';
import type { IndexProgress } from '../../pipelines/search-index.ts';
import { indexProgressPrinter, progressPrinter, replayProgressPrinter } from '../_cli.ts';

/**
 * Progress wherever the command runs: the one-line display on a terminal, and plain lines in a CI
 * log or a pipe, where a rewritten line shows as nothing for minutes. A plain line is written at
 * each tenth of the work, at most every few seconds otherwise, and when a stage ends.
 */

export interface PlainProgressOptions {
  /** Seconds between two lines when the tenths come slower. @default 5 */
  everySeconds?: number;
  /** @default performance.now */
  now?: () => number;
}

/** One step of some work: what to print, how far it is (null when the total is unknown), whether this stage just ended. */
export interface ProgressStep {
  line: string;
  fraction: number | null;
  /** Progress is per stage (fit, embed, write): a new key starts the counting again. */
  stage: string;
  done: boolean;
}

/** A printer of plain lines for `describe`d progress events. */
export function plainProgress<P>(stream: NodeJS.WritableStream, describe: (progress: P) => ProgressStep, options: PlainProgressOptions = {}): (progress: P) => void {
  const now = options.now ?? (() => performance.now());
  const interval = (options.everySeconds ?? 5) * 1000;
  let stage: string | undefined;
  let lastAt = 0;
  let lastTenth = -1;
  let lastLine = '';
  return (progress) => {
    const step = describe(progress);
    const at = now();
    if (step.stage !== stage) {
      stage = step.stage;
      lastAt = at;
      lastTenth = -1;
    }
    const tenth = step.fraction === null ? lastTenth : Math.floor(step.fraction * 10);
    // The end of a stage can be reported more than once (once per candidate); a log needs it once.
    if (step.line === lastLine || (!step.done && tenth <= lastTenth && at - lastAt < interval)) return;
    lastAt = at;
    lastTenth = tenth;
    lastLine = step.line;
    stream.write(`${step.line}\n`);
  };
}

const count = (value: number) => value.toLocaleString('en-US');
const share = (done: number, total: number) => (total > 0 ? done / total : 1);

/** Records read per export file. */
export function importProgress(stream: NodeJS.WriteStream = process.stderr, options?: PlainProgressOptions): (progress: ImportProgress) => void {
  if (stream.isTTY) return progressPrinter(stream);
  return plainProgress<ImportProgress>(
    stream,
    (progress) => ({ line: `${progress.done ? 'read' : 'reading'} ${progress.file} (${progress.format}): ${count(progress.read)} records`, fraction: null, stage: progress.file, done: progress.done }),
    options,
  );
}

/** Fitting, embedding and writing the search index. */
export function indexProgress(stream: NodeJS.WriteStream = process.stderr, options?: PlainProgressOptions): (progress: IndexProgress) => void {
  if (stream.isTTY) return indexProgressPrinter(stream);
  return plainProgress<IndexProgress>(
    stream,
    (progress) => ({
      line: `index ${progress.stage}: ${count(progress.done)}/${count(progress.total)} (${Math.floor(share(progress.done, progress.total) * 100)}%)`,
      fraction: share(progress.done, progress.total),
      stage: progress.stage,
      done: progress.done === progress.total,
    }),
    options,
  );
}

/** Tickets replayed. */
export function replayProgress(stream: NodeJS.WriteStream = process.stderr, options?: PlainProgressOptions): (progress: { done: number; total: number }) => void {
  if (stream.isTTY) return replayProgressPrinter(stream);
  return plainProgress<{ done: number; total: number }>(
    stream,
    ({ done, total }) => ({ line: `replay: ${count(done)}/${count(total)} tickets (${Math.floor(share(done, total) * 100)}%)`, fraction: share(done, total), stage: 'replay', done: done === total }),
    options,
  );
}
