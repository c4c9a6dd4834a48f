import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnswers, compiledKillHook, copyOf, crashWorkspaces, type CrashWorkspaces, finish, killDelays, ROUNDS, runCli, searchAnswers, STALE, WORK_STARTED } from './_crash.ts';

/**
 * `shadowdesk index` SIGKILLed at seeded random points: the first build; then a rebuild killed at
 * one exact point, on the first build's index (rebuilds killed at random points:
 * index-rebuild.test.ts; see _crash.ts).
 */

const killDelay = killDelays(20_240_809);

let dir = '';
/** The uninterrupted imports and index builds (read-only). */
let reference: CrashWorkspaces;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-index-'));
  reference = await crashWorkspaces();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.sequential('crash safety: first index killed at seeded random points, then the same command again', () => {
  it('a killed first index leaves no index (a clean error) or a whole one; finished, it answers the same searches', async () => {
    const workspace = await copyOf(reference.importedA, join(dir, 'killed'));
    const searchA = reference.searchA;
    let built = false;
    for (let kill = 0; kill < 2 * ROUNDS; kill++) {
      const run = await runCli(['index', '--workspace', workspace], { killAfterMs: killDelay(reference.workMs.indexA, 0, 1.1), workStarted: WORK_STARTED.index });
      built ||= run.signal !== 'SIGKILL';
      if (built) expect(await searchAnswers(workspace)).toEqual(searchA);
      else await searchAnswers(workspace).then((answers) => expect(answers).toEqual(searchA), (error: Error) => expect(error.message).toMatch(/no search index yet/));
    }
    await finish(['index', '--workspace', workspace]);
    expect(await searchAnswers(workspace)).toEqual(searchA);
  }, 60_000 * ROUNDS);
});

describe.sequential('crash safety: an index rebuild killed between its new tickets table and its full-text index', () => {
  /** The first import's index with the second import beside it, not indexed yet. */
  let beforeRebuild = '';

  beforeAll(async () => {
    beforeRebuild = await copyOf(reference.importedB, join(dir, 'before-rebuild'));
    // The checks below only mean something if the two states can be told apart.
    expect(reference.searchB).not.toEqual(reference.searchA);
  }, 120_000);

  // A rebuild once refitted the model in place and overwrote the tables before indexing them: a
  // kill in between left search answering as neither index. This kill lands in that window.
  it('a kill after the refit and the new tickets table, before its full-text index, leaves the previous index whole', async () => {
    const run = await runCli(['index', '--workspace', beforeRebuild], { nodeArgs: ['--import', await compiledKillHook()], env: { SHADOWDESK_TEST_KILL_AT: 'tickets-fts' } });
    expect(run.signal).toBe('SIGKILL');
    await expect(searchAnswers(beforeRebuild)).rejects.toThrow(STALE);
    expect(await buildAnswers(beforeRebuild)).toEqual(reference.searchA);
    await finish(['index', '--workspace', beforeRebuild]);
    expect(await searchAnswers(beforeRebuild)).toEqual(reference.searchB);
  }, 60_000 * ROUNDS);
});
