import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from '../../threads.ts';
import { parseCsvBatches } from './csv.ts';
import { BATCHES_AHEAD, type CsvBatch, type CsvWorkerData, type CsvWorkerMessage } from './csv-thread.ts';
import { takeRemovedNuls } from './text.ts';

/** Parses one CSV file and posts its items in batches, never more than BATCHES_AHEAD ahead of the reader. */

const port = parentPort!;
const { path, encoding, delimiter } = workerData as CsvWorkerData;
let credit = BATCHES_AHEAD;
let resume: (() => void) | undefined;
port.on('message', () => {
  credit++;
  resume?.();
});

async function post(batch: CsvBatch): Promise<void> {
  port.postMessage({ type: 'batch', batch } satisfies CsvWorkerMessage);
  credit--;
  while (credit <= 0) await new Promise<void>((wake) => (resume = wake));
}

/** A function rather than top-level code: from the sources, tsx loads this file as CommonJS, which has no top-level await. */
async function parseAndPost(): Promise<void> {
  try {
    for await (const batch of parseCsvBatches(path, encoding, delimiter)) await post(batch);
    port.postMessage({ type: 'done', removedNuls: takeRemovedNuls(path) } satisfies CsvWorkerMessage);
  } catch (error) {
    port.postMessage({ type: 'failed', ...failureOf(error) } satisfies CsvWorkerMessage);
  }
}

void parseAndPost();
