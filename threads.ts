import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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
