import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordKind } from '../../../datasets/records.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { buildAnswers, crashWorkspaces, type CrashWorkspaces, finish, importedRecords, killDelays, ROUNDS, runCli, searchAnswers, STALE, WORK_STARTED } from './_crash.ts';

/** `shadowdesk import` SIGKILLed at seeded random points: a first import, then a second that replaces it (see _crash.ts). */

const killDelay = killDelays(20_240_808);

describe.sequential('crash safety: import killed at seeded random points, then the same command again', () => {
  let dir = '';
  /** The uninterrupted imports (read-only), and the workspace whose commands get killed. */
  let reference: CrashWorkspaces;
  let workspace = '';
  let recordsA: Record<RecordKind, string[]>;
  let recordsB: Record<RecordKind, string[]>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-import-'));
    reference = await crashWorkspaces();
    workspace = join(dir, 'killed');
    recordsA = await importedRecords(reference.importedA);
    recordsB = await importedRecords(reference.importedB);
    // The checks below only mean something if the two states can be told apart.
    expect(recordsB).not.toEqual(recordsA);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a killed first import leaves nothing imported; finished, it holds the same records', async () => {
    let committed = false;
    for (let kill = 0; kill < 2 * ROUNDS; kill++) {
      await runCli(['import', reference.brandA, '--workspace', workspace], { killAfterMs: killDelay(reference.workMs.importA, 0, 1.2), workStarted: WORK_STARTED.import });
      // A kill can land after the commit, before the process exits: all of A is in, then, never part.
      const records = await importedRecords(workspace).catch((error: Error) => error);
      if (!(records instanceof Error)) committed = true;
      if (committed) expect(records).toEqual(recordsA);
      else expect((records as Error).message).toMatch(/nothing imported yet/);
    }
    await finish(['import', reference.brandA, '--workspace', workspace]);
    expect(await importedRecords(workspace)).toEqual(recordsA);
  }, 60_000 * ROUNDS);

  it('a killed second import leaves the first import readable and searchable; finished, it holds the new records', async () => {
    // The first import, finished above after its kills, indexed as `shadowdesk index` would.
    await buildIndex({ workspace });
    expect(await searchAnswers(workspace)).toEqual(reference.searchA);
    let committed = false;
    for (let kill = 0; kill < 3 * ROUNDS; kill++) {
      await runCli(['import', reference.brandB, '--workspace', workspace], { killAfterMs: killDelay(reference.workMs.importB, 0, 1.2), workStarted: WORK_STARTED.import });
      // A kill can land after the commit, before the process exits: then B is in, and stays in.
      const records = await importedRecords(workspace);
      committed ||= JSON.stringify(records) === JSON.stringify(recordsB);
      expect(records).toEqual(committed ? recordsB : recordsA);
      // The index was built from the first import: it answers while that import is current, is
      // refused once the second is committed, and is whole either way.
      if (committed) await expect(searchAnswers(workspace)).rejects.toThrow(STALE);
      else expect(await searchAnswers(workspace)).toEqual(reference.searchA);
      expect(await buildAnswers(workspace)).toEqual(reference.searchA);
    }
    await finish(['import', reference.brandB, '--workspace', workspace]);
    expect(await importedRecords(workspace)).toEqual(recordsB);
  }, 60_000 * ROUNDS);
});
