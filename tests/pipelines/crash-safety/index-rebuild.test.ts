import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnswers, copyOf, crashWorkspaces, finish, killDelays, ROUNDS, runCli, searchAnswers, STALE, WORK_STARTED } from './_crash.ts';

/**
 * `shadowdesk index` SIGKILLed at seeded random points: a rebuild for a new import (the first build,
 * and a rebuild killed at one exact point, in index.test.ts; see _crash.ts).
 */

const killDelay = killDelays(20_240_810);

describe.sequential('crash safety: index rebuild killed at seeded random points, then the same command again', () => {
  let dir = '';
  /** The workspace whose commands get killed. */
  let workspace = '';
  let workMs = 0;
  let searchA: string[] = [];
  let searchB: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-rebuild-'));
    const reference = await crashWorkspaces();
    ({ searchA, searchB } = reference);
    workMs = reference.workMs.indexB;
    // The second import, as `shadowdesk import` makes it, over the first one's index.
    workspace = await copyOf(reference.importedB, join(dir, 'killed'));
    // The checks below only mean something if the two states can be told apart.
    expect(searchB).not.toEqual(searchA);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a killed index rebuild leaves the previous index whole (refused, being of the first import) or the new one answering; finished, the new one', async () => {
    for (let kill = 0; kill < 3 * ROUNDS; kill++) {
      await runCli(['index', '--workspace', workspace], { killAfterMs: killDelay(workMs, 0, 1.1), workStarted: WORK_STARTED.index });
      const answers = await searchAnswers(workspace).catch((error: Error) => error);
      if (answers instanceof Error) {
        expect(answers.message).toMatch(STALE);
        expect(await buildAnswers(workspace)).toEqual(searchA);
      } else expect(answers).toEqual(searchB);
    }
    await finish(['index', '--workspace', workspace]);
    expect(await searchAnswers(workspace)).toEqual(searchB);
  }, 90_000 * ROUNDS);
});
