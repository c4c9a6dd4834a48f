import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Being polite to a remote API: the LLM client and `pull` both pace their requests, obey
 * `Retry-After` and back off between retries the same way.
 */

/** `Retry-After` as seconds or an HTTP date, in ms from now. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Full-jitter exponential backoff before retry number `retry` (1 = the first retry). */
export function backoffMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  return random() * baseMs * 2 ** (retry - 1);
}

/**
 * Waits for the next start, spaced so that at most `perMinute` start in a minute. Every attempt
 * waits its turn, retries too: the endpoint counts them all against its limit. Turns are taken in
 * order and spaced from the previous actual start, so a late timer never lets two start at once.
 */
export function createPacer(perMinute: number | undefined): () => Promise<void> {
  const interval = perMinute ? 60_000 / perMinute : 0;
  let nextStart = 0;
  let lastTurn = Promise.resolve();
  return () => {
    lastTurn = lastTurn.then(async () => {
      const wait = nextStart - performance.now();
      if (wait > 0) await sleep(wait);
      nextStart = performance.now() + interval;
    });
    return lastTurn;
  };
}
