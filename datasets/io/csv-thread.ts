import { on } from 'node:events';
import { errorOf, startThread, type ThreadFailure } from '../../threads.ts';
import { countRemovedNuls } from './text.ts';

/**
 * A large CSV file is parsed on a worker thread, so parsing runs on one core while the import
 * maps, checks and writes the rows on another. Rows cross in batches of plain arrays, with the
 * header's names once per batch rather than once per row.
 */

/** A row of a CSV file with its line, or why the line could not be read. */
export type CsvItem =
  | { type: 'row'; row: Record<string, string>; line: number }
  | { type: 'error'; line: number; reason: string };

/** What csv-parse reads, before rows become objects: the header's names once, then each row's fields in their order. */
export type CsvFields =
  | { type: 'header'; names: string[] }
  | { type: 'row'; cells: string[]; line: number }
  | { type: 'error'; line: number; reason: string };

export interface CsvWorkerData {
  path: string;
  encoding: string | undefined;
  delimiter: string;
}

/** Consecutive items of a file, rows and errors, as the worker posts them. */
export interface CsvBatch {
  /** The header's names, in their order (a name written twice is there twice). */
  keys: string[];
  /** Each item's line, in file order. */
  lines: number[];
  /** The rows' fields, row after row, one for each of `keys`. */
  cells: string[];
  /** Which items are errors (indexes into `lines`, ascending), and why. */
  errorAt: number[];
  reasons: string[];
}

/** What the worker posts: batches, then the NUL characters it removed, or what stopped it. */
export type CsvWorkerMessage =
  | { type: 'batch'; batch: CsvBatch }
  | { type: 'done'; removedNuls: number }
  | ({ type: 'failed' } & ThreadFailure);

/**
 * Rows per batch; batches the worker may parse ahead of the reader (this bounds the memory it
 * takes). The reader sees the worker's batches only between bursts of its own work, so with 4 ahead
 * each thread waited on the other about a third of a 100,000-row import (main 0.9–1.1 s, worker
 * 0.7–0.8 s of 2.6–3.1 s). 8 ahead import it in 2.30–2.34 s, as fast as 16, and keep a million
 * rows' peak RSS where 4 did (421–430 MB, against 498–541 MB with 16).
 */
export const ROWS_PER_BATCH = 250;
export const BATCHES_AHEAD = 8;

export function emptyBatch(keys: string[]): CsvBatch {
  return { keys, lines: [], cells: [], errorAt: [], reasons: [] };
}

/** Adds a row's fields (as many as the header has: csv-parse skips a row with another count) or an error. */
export function addToBatch(batch: CsvBatch, item: Exclude<CsvFields, { type: 'header' }>): void {
  if (item.type === 'error') {
    batch.errorAt.push(batch.lines.length);
    batch.reasons.push(item.reason);
  } else {
    for (const cell of item.cells) batch.cells.push(cell);
  }
  batch.lines.push(item.line);
}

/**
 * A row as an object keyed by the header's names, from its fields at `start`: built as csv-parse
 * builds it with `columns`, a name written twice keeping its first place and its last value, and
 * `__proto__` an ordinary key.
 */
export function rowOf(names: readonly string[], cells: readonly string[], start: number): Record<string, string> {
  const row: Record<string, string> = {};
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    const value = cells[start + index]!;
    if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    else row[name] = value;
  }
  return row;
}

/** The items of a batch, each row an object built as csv-parse builds it. */
export function* itemsOf(batch: CsvBatch): Generator<CsvItem> {
  for (const item of fieldsOf(batch)) yield item.type === 'row' ? { type: 'row', row: rowOf(batch.keys, item.cells, 0), line: item.line } : item;
}

/** The items of a batch with each row's fields in the header's order, as `parseCsvFields` read them. */
export function* fieldsOf(batch: CsvBatch): Generator<Exclude<CsvFields, { type: 'header' }>> {
  const width = batch.keys.length;
  let cell = 0;
  let error = 0;
  for (let index = 0; index < batch.lines.length; index++) {
    const line = batch.lines[index]!;
    if (batch.errorAt[error] === index) {
      yield { type: 'error', line, reason: batch.reasons[error++]! };
      continue;
    }
    yield { type: 'row', cells: batch.cells.slice(cell, cell + width), line };
    cell += width;
  }
}

/**
 * A file parsed on a worker thread, a batch at a time as the worker posts them: one step of a
 * generator a batch rather than one a row. Stopping early (a break, an error) stops the worker.
 */
export async function* parseCsvBatchesOnWorker(data: CsvWorkerData): AsyncGenerator<CsvBatch> {
  const worker = startThread(new URL('./csv-worker.ts', import.meta.url), data);
  try {
    for await (const [message] of on(worker, 'message', { close: ['exit'] }) as AsyncIterable<[CsvWorkerMessage]>) {
      if (message.type === 'failed') throw errorOf(message);
      if (message.type === 'done') {
        countRemovedNuls(data.path, message.removedNuls);
        return;
      }
      // Handing the credit back first keeps the worker parsing while these rows are read.
      worker.postMessage('more');
      yield message.batch;
    }
    throw new Error(`the thread parsing ${data.path} stopped before the end of the file`);
  } finally {
    await worker.terminate();
  }
}
