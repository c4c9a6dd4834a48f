import { parentPort, workerData } from 'node:worker_threads';
import { failureOf } from '../../threads.ts';
import type { EmbedThreadData, EmbedThreadMessage } from './embed-thread.ts';
import { loadEmbedder, type Embedder } from './embedder.ts';

/** Loads one model and embeds the texts of each request it is sent, in the order they come. */

const port = parentPort!;
const { model, options } = workerData as EmbedThreadData;

const post = (message: EmbedThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** A function rather than top-level code: from the sources, tsx loads this file as CommonJS, which has no top-level await. */
async function serve(): Promise<void> {
  let embedder: Embedder;
  try {
    embedder = await loadEmbedder(model, options);
  } catch (error) {
    return post({ type: 'failed', ...failureOf(error) });
  }
  port.on('message', async ({ request, texts }: { request: number; texts: string[] }) => {
    try {
      const vectors = await embedder.embed(texts);
      post({ type: 'vectors', request, vectors }, vectors.map((vector) => vector.buffer as ArrayBuffer));
    } catch (error) {
      post({ type: 'failed', request, ...failureOf(error) });
    }
  });
  post({ type: 'ready', dimensions: embedder.dimensions });
}

void serve();
