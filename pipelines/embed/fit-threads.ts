import { availableParallelism } from 'node:os';
import { startThread } from '../../threads.ts';
import { multiplyRows, solveRows, tokenVectorRows, upperGramRows, type Cholesky, type SparseRows } from './fit-kernels.ts';

/**
 * The fit's large products shared between this thread and worker threads, each computing a range
 * of the result's rows in memory they all see (SharedArrayBuffer). On two cores a 10k-ticket fit's
 * products (2.4 of its 3.6 s) were done on one while the other waited; shared, they took 1.2–1.5×
 * less time on two vCPUs that behave as hyperthreads of one core.
 */

/** One product of the fit, over whole matrices; `run` splits it into ranges of result rows. */
export type FitProduct =
  | { kernel: 'multiply'; matrix: SparseRows; rows: number; dense: Float64Array; l: number; out: Float64Array }
  | { kernel: 'upperGram'; matrix: Float64Array; rows: number; l: number; gram: Float64Array }
  | { kernel: 'solve'; matrix: Float64Array; rows: number; l: number; factor: Cholesky }
  | { kernel: 'tokenVectors'; byTokenBasis: Float64Array; weights: Float64Array; components: Float64Array; l: number; dimensions: number; tokens: Int32Array; out: Float64Array };

/** A product's share for one thread: result rows [from, to). */
export interface FitShare {
  product: FitProduct;
  from: number;
  to: number;
}

/** Computes one thread's share, on whichever thread calls it. */
export function computeShare({ product, from, to }: FitShare): void {
  switch (product.kernel) {
    case 'multiply':
      return multiplyRows(product.matrix, product.dense, product.l, product.out, from, to);
    case 'upperGram':
      return upperGramRows(product.matrix, product.rows, product.l, product.gram, from, to);
    case 'solve':
      return solveRows(product.matrix, product.l, product.factor, from, to);
    case 'tokenVectors':
      return tokenVectorRows(product.byTokenBasis, product.weights, product.components, product.l, product.dimensions, product.tokens, product.out, from, to);
  }
}

/** Below this many sampled documents a worker's start costs more than it saves. */
const THREADED_MIN_ROWS = 2_000;
/** Each worker loads its own module and copies nothing, but the shares shrink with every thread; more than 3 were never measured. */
const MAX_THREADS = 4;

/** Threads for a fit of `rows` sampled documents on this machine. */
export function fitThreadCount(rows: number): number {
  return rows < THREADED_MIN_ROWS ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

/** The first result row of each of `parts` shares, then the end: shares of about equal work, each start a multiple of `step`. */
function boundaries(end: number, parts: number, step: number, workBefore: (row: number) => number): number[] {
  const total = workBefore(end);
  const starts = [0];
  for (let part = 1; part < parts; part++) {
    const wanted = (total * part) / parts;
    let low = starts[part - 1]!;
    let high = end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (workBefore(middle) < wanted) low = middle + 1;
      else high = middle;
    }
    starts.push(Math.min(end, Math.max(starts[part - 1]!, low - (low % step))));
  }
  return [...starts, end];
}

/** Where each thread's share of a product starts and ends, by the work of its rows. */
function sharesOf(product: FitProduct, parts: number): FitShare[] {
  let cuts: number[];
  switch (product.kernel) {
    case 'multiply': {
      const { offsets } = product.matrix;
      // A row costs its entries and the writing of its l results.
      cuts = boundaries(product.rows, parts, 1, (row) => offsets[row]! + row);
      break;
    }
    case 'upperGram': {
      const { l } = product;
      // Row a of the upper triangle has l − a entries; shares start on a pair (even a).
      cuts = boundaries(l, parts, 2, (a) => a * l - (a * (a - 1)) / 2);
      break;
    }
    case 'solve':
      cuts = boundaries(product.rows, parts, 4, (row) => row);
      break;
    case 'tokenVectors':
      cuts = boundaries(product.tokens.length, parts, 4, (index) => index);
      break;
  }
  return cuts.slice(0, -1).map((from, part) => ({ product, from, to: cuts[part + 1]! })).filter(({ from, to }) => to > from);
}

/** A worker thread computing one share at a time; a share sent to a worker that has failed or stopped is refused, never left waiting. */
function startFitWorker(): { compute(share: FitShare): Promise<void>; terminate(): Promise<number> } {
  const worker = startThread(new URL('./fit-worker.ts', import.meta.url), undefined);
  let failure: Error | undefined;
  let waiting: { resolve(): void; reject(error: Error): void } | undefined;
  worker.on('message', () => waiting?.resolve());
  worker.on('error', (error) => {
    failure = error;
    waiting?.reject(error);
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`a worker thread of the built-in model's fit stopped (exit code ${code})`);
    waiting?.reject(failure);
  });
  return {
    compute: (share) =>
      failure
        ? Promise.reject(failure)
        : new Promise<void>((resolve, reject) => {
            waiting = { resolve, reject };
            worker.postMessage(share);
          }),
    terminate: () => worker.terminate(),
  };
}

export interface FitThreads {
  /** Zeroed arrays the workers can see. */
  float64(length: number): Float64Array;
  int32(length: number): Int32Array;
  /** The whole product, this thread's share computed while the workers compute theirs. */
  run(product: FitProduct): Promise<void>;
  close(): Promise<void>;
}

/** `threads` threads for the fit: this one and `threads − 1` workers (none for one). */
export function openFitThreads(threads: number): FitThreads {
  const workers = Array.from({ length: Math.max(0, threads - 1) }, startFitWorker);
  const shared = workers.length > 0;
  return {
    float64: (length) => (shared ? new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT)) : new Float64Array(length)),
    int32: (length) => (shared ? new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT)) : new Int32Array(length)),
    async run(product) {
      const [mine, ...theirs] = sharesOf(product, workers.length + 1);
      const done = Promise.all(theirs.map((share, index) => workers[index]!.compute(share)));
      try {
        if (mine) computeShare(mine);
      } finally {
        await done;
      }
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
