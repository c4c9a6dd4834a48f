import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOf, crashWorkspaces, finish, killDelays, ROUNDS, runCli, runToEnd, WORK_STARTED } from './_crash.ts';

/** `shadowdesk simulate` SIGKILLed at seeded random points, then resumed (see _crash.ts). */

const killDelay = killDelays(20_240_811);

/** Drops what legitimately differs between two runs: timings and cache hits. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'latencyMs' && key !== 'cached').map(([key, inner]) => [key, stable(inner)]));
  }
  return value;
}

async function replayResults(runDir: string): Promise<unknown[]> {
  const lines = (await readFile(join(runDir, 'results.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const results = lines.map((line) => JSON.parse(line) as { candidate: string; ticketId: string });
  results.sort((a, b) => a.ticketId.localeCompare(b.ticketId) || a.candidate.localeCompare(b.candidate));
  return results.map(stable);
}

async function reportMetrics(runDir: string): Promise<unknown> {
  const report = JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as { metrics: unknown; pricing: unknown };
  return stable({ metrics: report.metrics, pricing: report.pricing });
}

describe.sequential('crash safety: simulate killed at seeded random points, then the same command again', () => {
  let dir = '';
  /** The uninterrupted reference workspace, and the one whose commands get killed. */
  let reference = '';
  let workspace = '';
  let replayMs = 0;
  const simulateArgs = (ws: string) => ['simulate', '--candidates', 'past-ticket,knowledge-base', '--sample', '60', '--concurrency', '2', '--formats', 'json', '--run', join(ws, 'runs', 'crash'), '--workspace', ws];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-simulate-'));
    // The second demo export alone, imported.
    reference = await copyOf((await crashWorkspaces()).onlyB, join(dir, 'reference'));
    workspace = join(dir, 'killed');
    replayMs = (await runToEnd(simulateArgs(reference))).workMs;
    // The reference with the index the run built (fitted before the replayed window), without the run.
    const runs = join(reference, 'runs');
    await cp(reference, workspace, { recursive: true, filter: (path) => path !== runs });
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a killed simulate keeps a readable results.jsonl, resumes, and ends with the same results and metrics', async () => {
    const runDir = join(workspace, 'runs', 'crash');
    for (let kill = 0; kill < 2 * ROUNDS; kill++) {
      // Counted from the replay's first progress line: a kill before it leaves nothing to resume.
      await runCli(simulateArgs(workspace), { killAfterMs: killDelay(replayMs, 0, 0.6), workStarted: WORK_STARTED.simulate });
      // Every line but a torn last one parses: the checkpoint is still usable.
      const text = await readFile(join(runDir, 'results.jsonl'), 'utf8').catch(() => '');
      const lines = text.split('\n');
      const complete = text.endsWith('\n') || text === '' ? lines.slice(0, -1) : lines.slice(0, -2);
      for (const line of complete) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    const finished = await finish(simulateArgs(workspace));
    expect(finished.stdout).toMatch(/\(\d+ results resumed from an earlier run\)/);
    expect(await replayResults(runDir)).toEqual(await replayResults(join(reference, 'runs', 'crash')));
    expect(await reportMetrics(runDir)).toEqual(await reportMetrics(join(reference, 'runs', 'crash')));
  }, 90_000 * ROUNDS);
});
