import { parentPort } from 'node:worker_threads';
import { computeShare, type FitShare } from './fit-threads.ts';

/** A worker of the built-in model's fit: computes each share it is sent, in the shared memory, and says when it is done. */

const port = parentPort!;
port.on('message', (share: FitShare) => {
  computeShare(share);
  port.postMessage('done');
});
