import { startFakeEndpoint } from '../tests/helpers/llm-server.ts';

/**
 * The fake endpoint of bench/llm.bench.ts in a process of its own, as a real endpoint is: in the
 * harness's process its HTTP server took the main thread's time from the replay it measured.
 * Tells its URL once listening; on `mark`, forgets its first request; on `first`, tells when the
 * first request since came (ms since the epoch, to compare across processes).
 */
const [delayMs, reply] = process.argv.slice(2);
let firstAt = 0;
const endpoint = await startFakeEndpoint(
  () => {
    firstAt ||= performance.timeOrigin + performance.now();
    return { reply: reply! };
  },
  { delayMs: Number(delayMs) },
);
process.on('message', (message: 'mark' | 'first' | 'close') => {
  if (message === 'mark') firstAt = 0;
  if (message === 'first') process.send!({ firstAt });
  if (message === 'close') void endpoint.close().then(() => process.disconnect());
});
process.send!({ baseUrl: endpoint.baseUrl });
