import { startRequestThread } from '../../threads.ts';
import type { Embedder, EmbedderOptions } from './embedder.ts';

/** What the embedding thread is started with: the model to load, as `loadEmbedder` takes it. */
export interface EmbedThreadData {
  model: string;
  options: EmbedderOptions;
}

/**
 * `loadEmbedder` on a worker thread: the same model, vectors and errors, but tokenizing and
 * running the model no longer hold up the caller's thread (a replay's main thread spent a sixth
 * of its time on them). The thread keeps the process alive only while a request waits.
 */
export async function loadEmbedderOnThread(model: string, options: EmbedderOptions = {}): Promise<Embedder> {
  const { ready: dimensions, thread } = await startRequestThread<string[], Float32Array[], number>(new URL('./embed-worker.ts', import.meta.url), { model, options } satisfies EmbedThreadData, `embedding (${model})`);
  return { id: model, dimensions, embed: (texts) => thread.ask(texts), dispose: () => thread.stop() };
}
