import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, type Transferable } from 'node:worker_threads';
import { ShadowdeskError, type ShadowdeskErrorCode } from './errors.ts';

/**
 * Starts the worker thread whose module is `url` (written `./name.ts` beside its caller, as
 * `new URL('./name.ts', import.meta.url)`). Compiled, the worker is the JavaScript file of that
 * name; from the TypeScript sources (tsx, vitest) it is loaded through tsx's require hook, since
 * Node 20 applies no import loader to a worker.
 */
export function startThread(url: URL, workerData: unknown): Worker {
  const compiled = extname(fileURLToPath(import.meta.url)) === '.js';
  const entry = fileURLToPath(url).replace(/\.ts$/, compiled ? '.js' : '.ts');
  if (compiled) return new Worker(entry, { workerData });
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true, workerData });
}

/** An error as a thread posts it: what the thread receiving it needs to throw it again. */
export interface ThreadFailure {
  name: string;
  message: string;
  code: string | undefined;
}

export function failureOf(error: unknown): ThreadFailure {
  const { name, message, code } = error as Error & { code?: string };
  return { name, message, code };
}

/** The error a thread stopped on, as this thread would have thrown it. */
export function errorOf(failure: ThreadFailure): Error {
  if (failure.name === 'ShadowdeskError') return new ShadowdeskError(failure.code as ShadowdeskErrorCode, failure.message);
  return Object.assign(new Error(failure.message), { code: failure.code });
}

/** What a request thread posts: that it is set up (and what it says of itself), then each answer, or why not. */
type RequestThreadMessage<Answer, Ready> = { type: 'ready'; ready: Ready } | { type: 'answer'; request: number; answer: Answer } | ({ type: 'failed'; request?: number } & ThreadFailure);

/** A worker thread that answers requests; it keeps the process alive only while one waits. */
export interface RequestThread<Question, Answer> {
  ask(question: Question, transfer?: readonly Transferable[]): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * Starts the request thread of module `url` (which calls `serveRequests`) and waits until it is
 * set up: what it said of itself then, or the error it failed with, thrown here.
 */
export async function startRequestThread<Question, Answer, Ready>(url: URL, workerData: unknown, name: string): Promise<{ ready: Ready; thread: RequestThread<Question, Answer> }> {
  const worker = startThread(url, workerData);
  const waiting = new Map<number, { resolve(answer: Answer): void; reject(error: Error): void }>();
  let requests = 0;
  const failAll = (error: Error) => {
    for (const request of waiting.values()) request.reject(error);
    waiting.clear();
  };
  const ready = new Promise<Ready>((resolve, reject) => {
    worker.on('message', (message: RequestThreadMessage<Answer, Ready>) => {
      if (message.type === 'ready') return resolve(message.ready);
      if (message.request === undefined) return reject(errorOf(message as ThreadFailure));
      const request = waiting.get(message.request);
      waiting.delete(message.request);
      if (waiting.size === 0) worker.unref();
      if (message.type === 'answer') request?.resolve(message.answer);
      else request?.reject(errorOf(message));
    });
    worker.on('error', (error) => {
      reject(error);
      failAll(error);
    });
    worker.on('exit', (code) => {
      const stopped = new Error(`the ${name} thread stopped (exit code ${code})`);
      reject(stopped);
      failAll(stopped);
    });
  });
  try {
    const said = await ready;
    worker.unref();
    return {
      ready: said,
      thread: {
        ask: (question, transfer = []) =>
          new Promise<Answer>((resolve, reject) => {
            const request = requests++;
            waiting.set(request, { resolve, reject });
            worker.ref();
            worker.postMessage({ request, question }, transfer);
          }),
        async stop() {
          worker.removeAllListeners('exit');
          await worker.terminate();
        },
      },
    };
  } catch (error) {
    await worker.terminate();
    throw error;
  }
}

/** A request thread's side: `setUp` once (its failure is what `startRequestThread` throws), then each request answered as it comes. */
export function serveRequests<Question, Answer, Ready>(setUp: () => Promise<{ ready: Ready; answer(question: Question): Promise<{ answer: Answer; transfer?: Transferable[] }> }>): void {
  const port = parentPort!;
  const post = (message: RequestThreadMessage<Answer, Ready>, transfer: readonly Transferable[] = []) => port.postMessage(message, transfer);
  setUp().then(
    ({ ready, answer }) => {
      port.on('message', ({ request, question }: { request: number; question: Question }) => {
        answer(question).then(
          (answered) => post({ type: 'answer', request, answer: answered.answer }, answered.transfer),
          (error: unknown) => post({ type: 'failed', request, ...failureOf(error) }),
        );
      });
      post({ type: 'ready', ready });
    },
    (error: unknown) => post({ type: 'failed', ...failureOf(error) }),
  );
}
