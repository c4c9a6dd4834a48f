import { plainProgress } from '../progress.ts';
import type { PullProgress } from './run.ts';

const BAR_WIDTH = 24;

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/**
 * One progress line: records, records/s and, when the API lets the position be told (by the
 * date reached in the window), a bar and the time left for the current stream.
 */
export function progressLine(progress: PullProgress, recordsPerSecond: number, streamSeconds: number, bar: boolean): string {
  const parts = [`${progress.stream} (${progress.streamsDone}/${progress.streams} streams done)`, `${progress.records.toLocaleString('en-US')} records`, `${Math.round(recordsPerSecond).toLocaleString('en-US')} records/s`];
  const share = progress.progress;
  if (share !== undefined) {
    const left = share > 0 ? (streamSeconds * (1 - share)) / share : undefined;
    const filled = Math.round(share * BAR_WIDTH);
    const shown = bar ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
    parts.push(`${shown}${Math.floor(share * 100)} %${left !== undefined ? `, ${duration(left)} left` : ''}`);
  }
  return parts.join(', ');
}

/**
 * On a terminal a bar redrawn in place; elsewhere (CI, a log file) plain lines as every long
 * command writes them: each stream's first, each tenth of a stream whose position is known,
 * at least `everyMs` apart otherwise, and the end.
 */
export function pullProgressPrinter(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): (progress: PullProgress) => void {
  const started = performance.now();
  let firstRecords: number | undefined;
  let streamName = '';
  let streamStarted = started;
  let finished = false;
  const plain = plainProgress<{ line: string; progress: PullProgress }>(
    stream,
    ({ line, progress }) => ({ line: `pull: ${line}`, fraction: progress.progress ?? 0, stage: progress.stream, done: progress.streamsDone === progress.streams }),
    { everySeconds: everyMs / 1000 },
  );
  return (progress) => {
    if (finished) return;
    finished = progress.streamsDone === progress.streams;
    const now = performance.now();
    firstRecords ??= progress.records;
    if (progress.stream !== streamName) {
      streamName = progress.stream;
      streamStarted = now;
    }
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? (progress.records - firstRecords) / seconds : 0;
    const line = progressLine(progress, rate, (now - streamStarted) / 1000, Boolean(stream.isTTY));
    if (stream.isTTY) {
      stream.write(`\r\x1b[K${line}`);
      if (finished) stream.write('\n');
    } else plain({ line, progress });
  };
}
