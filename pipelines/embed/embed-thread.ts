import { errorOf, startThread, type ThreadFailure } from '../../threads.ts';
import type { Embedder, EmbedderOptions } from './embedder.ts';

/** What the embedding thread is started with: the model to load, as `loadEmbedder` takes it. */
export interface EmbedThreadData {
  model: string;
  options: EmbedderOptions;
}

/** What it posts: that its model is loaded, or why not; then each request's vectors, or why not. */
export type EmbedThreadMessage = { type: 'ready'; dimensions: number } | { type: 'vectors'; request: number; vectors: Float32Array[] } | ({ type: 'failed'; request?: number } & ThreadFailure);

/** A request the thread has not answered yet. */
interface Waiting {
  resolve(vectors: Float32Array[]): void;
  reject(error: Error): void;
}

/**
 * `loadEmbedder` on a worker thread: the same model, vectors and errors, but tokenizing and
 * running the model no longer hold up the caller's thread (a replay's main thread spent a sixth
 * of its time on them). The thread keeps the process alive only while a request is waiting.
 */
export async function loadEmbedderOnThread(model: string, options: EmbedderOptions = {}): Promise<Embedder> {
  const worker = startThread(new URL('./embed-worker.ts', import.meta.url), { model, options } satisfies EmbedThreadData);
  const waiting = new Map<number, Waiting>();
  let requests = 0;
  const failAll = (error: Error) => {
    for (const request of waiting.values()) request.reject(error);
    waiting.clear();
  };
  const ready = new Promise<number>((resolve, reject) => {
    worker.on('message', (message: EmbedThreadMessage) => {
      if (message.type === 'ready') return resolve(message.dimensions);
      if (message.request === undefined) return reject(errorOf(message as ThreadFailure));
      const request = waiting.get(message.request);
      waiting.delete(message.request);
      if (waiting.size === 0) worker.unref();
      if (message.type === 'vectors') request?.resolve(message.vectors);
      else request?.reject(errorOf(message));
    });
    worker.on('error', (error) => {
      reject(error);
      failAll(error);
    });
    worker.on('exit', (code) => {
      const stopped = new Error(`the embedding thread of ${model} stopped (exit code ${code})`);
      reject(stopped);
      failAll(stopped);
    });
  });
  let dimensions: number;
  try {
    dimensions = await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.unref();
  return {
    id: model,
    dimensions,
    embed: (texts) =>
      new Promise((resolve, reject) => {
        const request = requests++;
        waiting.set(request, { resolve, reject });
        worker.ref();
        worker.postMessage({ request, texts });
      }),
    async dispose() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
