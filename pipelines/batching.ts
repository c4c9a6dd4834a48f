/**
 * Requests made close together answered by one call: LanceDB charges each query its planning and
 * its round trip from JavaScript whatever it searches, so the queries of the tickets in flight go
 * as one.
 */

export interface BatchingOptions {
  /** A batch goes as soon as this many are waiting. */
  size: number;
  /** …or this long after its first request, whichever comes first; 0: once the requests of this turn of the event loop are made. */
  waitMs: number;
}

interface Waiting<Q, A> {
  request: Q;
  resolve: (answer: A) => void;
  reject: (error: unknown) => void;
}

/**
 * A function answering one request that hands the requests waiting together to `answerAll`, which
 * returns one answer per request, in their order; when it fails, every request of its batch fails.
 */
export function batching<Q, A>(answerAll: (requests: Q[]) => Promise<A[]>, options: BatchingOptions): (request: Q) => Promise<A> {
  let waiting: Array<Waiting<Q, A>> = [];
  let cancel: (() => void) | undefined;
  const send = () => {
    cancel?.();
    cancel = undefined;
    const batch = waiting;
    waiting = [];
    Promise.resolve(batch.map(({ request }) => request))
      .then(answerAll)
      .then(
        (answers) => batch.forEach(({ resolve }, index) => resolve(answers[index]!)),
        (error: unknown) => batch.forEach(({ reject }) => reject(error)),
      );
  };
  return (request) =>
    new Promise<A>((resolve, reject) => {
      waiting.push({ request, resolve, reject });
      if (waiting.length >= options.size) send();
      else cancel ??= later(send, options.waitMs);
    });
}

/** Runs `task` after `waitMs` (0: after this turn's I/O, without a timer's millisecond); the function returned cancels it. */
function later(task: () => void, waitMs: number): () => void {
  if (waitMs === 0) {
    const immediate = setImmediate(task);
    return () => clearImmediate(immediate);
  }
  const timer = setTimeout(task, waitMs);
  return () => clearTimeout(timer);
}

/** A queue that lets `limit` tasks run at once; the others start in turn as those end. */
export function createGate(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
