import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { BRAND_A, BRAND_B, buildAnswers, killDelays, ROUNDS, runCli, runToEnd, searchAnswers, STALE, timedWork, WORK_STARTED } from './_crash.ts';

/**
 * `shadowdesk index` SIGKILLed at seeded random points: a rebuild for a new import (the first build,
 * and a rebuild killed at one exact point, in index.test.ts; see _crash.ts).
 */

const killDelay = killDelays(20_240_810);

describe.sequential('crash safety: index rebuild killed at seeded random points, then the same command again', () => {
  let dir = '';
  let brandB = '';
  /** The uninterrupted reference workspace, and the one whose commands get killed. */
  let reference = '';
  let workspace = '';
  const workMs = { indexB: 0 };
  let searchA: string[] = [];
  let searchB: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-rebuild-'));
    const brandA = join(dir, 'brand-a');
    brandB = join(dir, 'brand-b');
    await generateDemo({ outDir: brandA, ...BRAND_A });
    await generateDemo({ outDir: brandB, ...BRAND_B });
    reference = join(dir, 'reference');
    workspace = join(dir, 'killed');
    await importSources([{ path: brandA }], { workspace: reference });
    await buildIndex({ workspace: reference });
    searchA = await searchAnswers(reference);
    // The first import and its index, where the second import then goes.
    await cp(reference, workspace, { recursive: true });
    await importSources([{ path: brandB }], { workspace: reference });
    workMs.indexB = await timedWork((onProgress) => buildIndex({ workspace: reference, onProgress }));
    searchB = await searchAnswers(reference);
    // The checks below only mean something if the two states can be told apart.
    expect(searchB).not.toEqual(searchA);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a killed index rebuild leaves the previous index whole (refused, being of the first import) or the new one answering; finished, the new one', async () => {
    // The second import, as `shadowdesk import` makes it, over the first one's index.
    await importSources([{ path: brandB }], { workspace });
    for (let kill = 0; kill < 3 * ROUNDS; kill++) {
      await runCli(['index', '--workspace', workspace], { killAfterMs: killDelay(workMs.indexB, 0, 1.1), workStarted: WORK_STARTED.index });
      const answers = await searchAnswers(workspace).catch((error: Error) => error);
      if (answers instanceof Error) {
        expect(answers.message).toMatch(STALE);
        expect(await buildAnswers(workspace)).toEqual(searchA);
      } else expect(answers).toEqual(searchB);
    }
    await runToEnd(['index', '--workspace', workspace]);
    expect(await searchAnswers(workspace)).toEqual(searchB);
  }, 90_000 * ROUNDS);
});
