import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { BRAND_A, BRAND_B, buildAnswers, compiledKillHook, killDelays, ROUNDS, runCli, runToEnd, searchAnswers, STALE, timedWork, WORK_STARTED } from './_crash.ts';

/**
 * `shadowdesk index` SIGKILLed at seeded random points: the first build; then a rebuild killed at
 * one exact point, on the first build's index (rebuilds killed at random points:
 * index-rebuild.test.ts; see _crash.ts).
 */

const killDelay = killDelays(20_240_809);

let dir = '';
/** The uninterrupted reference workspace (indexed by beforeAll), and the one whose commands get killed. */
let reference = '';
let workspace = '';
const workMs = { indexA: 0 };
let searchA: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-index-'));
  const brandA = join(dir, 'brand-a');
  await generateDemo({ outDir: brandA, ...BRAND_A });
  reference = join(dir, 'reference');
  workspace = join(dir, 'killed');
  await importSources([{ path: brandA }], { workspace: reference });
  await cp(reference, workspace, { recursive: true });
  workMs.indexA = await timedWork((onProgress) => buildIndex({ workspace: reference, onProgress }));
  searchA = await searchAnswers(reference);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.sequential('crash safety: first index killed at seeded random points, then the same command again', () => {
  it('a killed first index leaves no index (a clean error) or a whole one; finished, it answers the same searches', async () => {
    let built = false;
    for (let kill = 0; kill < 2 * ROUNDS; kill++) {
      const run = await runCli(['index', '--workspace', workspace], { killAfterMs: killDelay(workMs.indexA, 0, 1.1), workStarted: WORK_STARTED.index });
      built ||= run.signal !== 'SIGKILL';
      if (built) expect(await searchAnswers(workspace)).toEqual(searchA);
      else await searchAnswers(workspace).then((answers) => expect(answers).toEqual(searchA), (error: Error) => expect(error.message).toMatch(/no search index yet/));
    }
    await runToEnd(['index', '--workspace', workspace]);
    expect(await searchAnswers(workspace)).toEqual(searchA);
  }, 60_000 * ROUNDS);
});

describe.sequential('crash safety: an index rebuild killed between its new tickets table and its full-text index', () => {
  /** The first import's index with the second import beside it, not indexed yet; and what the second's index answers. */
  let beforeRebuild = '';
  let searchB: string[] = [];

  beforeAll(async () => {
    const brandB = join(dir, 'brand-b');
    await generateDemo({ outDir: brandB, ...BRAND_B });
    beforeRebuild = join(dir, 'before-rebuild');
    await cp(reference, beforeRebuild, { recursive: true });
    await importSources([{ path: brandB }], { workspace: beforeRebuild });
    const rebuilt = join(dir, 'rebuilt');
    await cp(beforeRebuild, rebuilt, { recursive: true });
    await buildIndex({ workspace: rebuilt });
    searchB = await searchAnswers(rebuilt);
    // The checks below only mean something if the two states can be told apart.
    expect(searchB).not.toEqual(searchA);
  }, 120_000);

  // A rebuild once refitted the model in place and overwrote the tables before indexing them: a
  // kill in between left search answering as neither index. This kill lands in that window.
  it('a kill after the refit and the new tickets table, before its full-text index, leaves the previous index whole', async () => {
    const run = await runCli(['index', '--workspace', beforeRebuild], { nodeArgs: ['--import', await compiledKillHook()], env: { SHADOWDESK_TEST_KILL_AT: 'tickets-fts' } });
    expect(run.signal).toBe('SIGKILL');
    await expect(searchAnswers(beforeRebuild)).rejects.toThrow(STALE);
    expect(await buildAnswers(beforeRebuild)).toEqual(searchA);
    await runToEnd(['index', '--workspace', beforeRebuild]);
    expect(await searchAnswers(beforeRebuild)).toEqual(searchB);
  }, 60_000 * ROUNDS);
});
