import { plainProgress, type ImportProgress, type IndexProgress, type PlainProgressOptions } from '../../index.ts';
import { countedProgressPrinter, indexProgressPrinter, progressPrinter } from '../_cli.ts';

/** Progress wherever the command runs: the one-line display on a terminal, plain lines elsewhere. */

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

/** Counted work: `replay: 120/1,200 tickets (10%)`. */
function countedProgress(stage: string, unit: string, stream: NodeJS.WriteStream, options?: PlainProgressOptions): (progress: { done: number; total: number }) => void {
  if (stream.isTTY) return countedProgressPrinter(stage, unit, stream);
  return plainProgress<{ done: number; total: number }>(
    stream,
    ({ done, total }) => ({ line: `${stage}: ${count(done)}/${count(total)} ${unit} (${Math.floor(share(done, total) * 100)}%)`, fraction: share(done, total), stage, done: done === total }),
    options,
  );
}

/** Tickets replayed. */
export function replayProgress(stream: NodeJS.WriteStream = process.stderr, options?: PlainProgressOptions): (progress: { done: number; total: number }) => void {
  return countedProgress('replay', 'tickets', stream, options);
}

/** Distinct answers judged: an answer two candidates gave the same ticket is judged once. */
export function judgeProgress(stream: NodeJS.WriteStream = process.stderr, options?: PlainProgressOptions): (progress: { done: number; total: number }) => void {
  return countedProgress('judging', 'answers', stream, options);
}
