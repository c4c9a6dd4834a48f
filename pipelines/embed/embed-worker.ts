import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../threads.ts';
import type { EmbedThreadData } from './embed-thread.ts';
import { loadEmbedder } from './embedder.ts';

/** Loads one model, then embeds the texts of each request it is sent. */

const { model, options } = workerData as EmbedThreadData;
serveRequests(async () => {
  const embedder = await loadEmbedder(model, options);
  return {
    ready: embedder.dimensions,
    answer: async (texts: string[]) => {
      const vectors = await embedder.embed(texts);
      return { answer: vectors, transfer: vectors.map((vector) => vector.buffer as ArrayBuffer) };
    },
  };
});
