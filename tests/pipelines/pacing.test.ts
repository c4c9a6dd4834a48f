import { describe, expect, it } from 'vitest';
import { backoffMs, createPacer, retryAfterMs } from '../../pipelines/pacing.ts';

describe('pacing shared by the LLM client and pull', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    const inOneMinute = retryAfterMs(new Date(Date.now() + 60_000).toUTCString())!;
    expect(inOneMinute).toBeGreaterThan(58_000);
    expect(inOneMinute).toBeLessThanOrEqual(60_000);
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });

  it('doubles the backoff ceiling per retry, jittered below it', () => {
    expect(backoffMs(1, 100, () => 0.999)).toBeCloseTo(99.9);
    expect(backoffMs(3, 100, () => 0.999)).toBeCloseTo(399.6);
    expect(backoffMs(3, 100, () => 0)).toBe(0);
  });

  it('spaces starts to the per-minute ceiling', async () => {
    const pace = createPacer(1200);
    const starts: number[] = [];
    for (let turn = 0; turn < 4; turn++) {
      await pace();
      starts.push(performance.now());
    }
    // One start every 50 ms: three intervals at least, give or take when the first one was timed.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(3 * 50 - 10);
  });
});
