import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { BRAND_A, killDelays, ROUNDS, runCli, runToEnd, searchAnswers, timedWork, WORK_STARTED } from './_crash.ts';

/** `shadowdesk index` SIGKILLed at seeded random points: the first build (a rebuild: index-rebuild.test.ts; see _crash.ts). */

const killDelay = killDelays(20_240_809);

describe.sequential('crash safety: first index killed at seeded random points, then the same command again', () => {
  let dir = '';
  /** The uninterrupted reference workspace, and the one whose commands get killed. */
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
