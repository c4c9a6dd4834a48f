import { workerData } from 'node:worker_threads';
import { serveRequests } from '../threads.ts';
import { rowProducts, type ScanThreadData } from './vector-scan.ts';

/** Multiplies each batch of queries it is sent with the rows it was started with. */

const { vectors, dimensions } = workerData as ScanThreadData;
serveRequests(async () => {
  const products = await rowProducts(vectors, dimensions);
  return { ready: null, answer: async (queries: Float32Array) => ({ answer: await products.of(queries, queries.length / dimensions) }) };
});
