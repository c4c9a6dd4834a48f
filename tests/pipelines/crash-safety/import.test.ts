import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import type { RecordKind } from '../../../datasets/records.ts';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { BRAND_A, BRAND_B, buildAnswers, importedRecords, killDelays, ROUNDS, runCli, runToEnd, searchAnswers, STALE, timedWork, WORK_STARTED } from './_crash.ts';

/** `shadowdesk import` SIGKILLed at seeded random points: a first import, then a second that replaces it (see _crash.ts). */

/** As the command imports: its --max-message-chars default. */
const MAX_MESSAGE_CHARS = 100_000;
const killDelay = killDelays(20_240_808);

describe.sequential('crash safety: import killed at seeded random points, then the same command again', () => {
  let dir = '';
  let brandA = '';
  let brandB = '';
  /** The uninterrupted reference workspace, and the one whose commands get killed. */
  let reference = '';
  let workspace = '';
  const workMs = { importA: 0, importB: 0 };
  let recordsA: Record<RecordKind, string[]>;
  let recordsB: Record<RecordKind, string[]>;
  let searchA: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-crash-import-'));
    brandA = join(dir, 'brand-a');
    brandB = join(dir, 'brand-b');
    await generateDemo({ outDir: brandA, ...BRAND_A });
    await generateDemo({ outDir: brandB, ...BRAND_B });
    reference = join(dir, 'reference');
    workspace = join(dir, 'killed');
    const importInto = (brand: string, onProgress: () => void) => importSources([{ path: brand }], { workspace: reference, maxMessageChars: MAX_MESSAGE_CHARS, onProgress });
    workMs.importA = await timedWork((onProgress) => importInto(brandA, onProgress));
    recordsA = await importedRecords(reference);
    await buildIndex({ workspace: reference });
    searchA = await searchAnswers(reference);
    workMs.importB = await timedWork((onProgress) => importInto(brandB, onProgress));
    recordsB = await importedRecords(reference);
    // The checks below only mean something if the two states can be told apart.
    expect(recordsB).not.toEqual(recordsA);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a killed first import leaves nothing imported; finished, it holds the same records', async () => {
    let committed = false;
    for (let kill = 0; kill < 2 * ROUNDS; kill++) {
      await runCli(['import', brandA, '--workspace', workspace], { killAfterMs: killDelay(workMs.importA, 0, 1.2), workStarted: WORK_STARTED.import });
      // A kill can land after the commit, before the process exits: all of A is in, then, never part.
      const records = await importedRecords(workspace).catch((error: Error) => error);
      if (!(records instanceof Error)) committed = true;
      if (committed) expect(records).toEqual(recordsA);
      else expect((records as Error).message).toMatch(/nothing imported yet/);
    }
    await runToEnd(['import', brandA, '--workspace', workspace]);
    expect(await importedRecords(workspace)).toEqual(recordsA);
  }, 60_000 * ROUNDS);

  it('a killed second import leaves the first import readable and searchable; finished, it holds the new records', async () => {
    // The first import, finished above after its kills, indexed as `shadowdesk index` would.
    await buildIndex({ workspace });
    expect(await searchAnswers(workspace)).toEqual(searchA);
    let committed = false;
    for (let kill = 0; kill < 3 * ROUNDS; kill++) {
      await runCli(['import', brandB, '--workspace', workspace], { killAfterMs: killDelay(workMs.importB, 0, 1.2), workStarted: WORK_STARTED.import });
      // A kill can land after the commit, before the process exits: then B is in, and stays in.
      const records = await importedRecords(workspace);
      committed ||= JSON.stringify(records) === JSON.stringify(recordsB);
      expect(records).toEqual(committed ? recordsB : recordsA);
      // The index was built from the first import: it answers while that import is current, is
      // refused once the second is committed, and is whole either way.
      if (committed) await expect(searchAnswers(workspace)).rejects.toThrow(STALE);
      else expect(await searchAnswers(workspace)).toEqual(searchA);
      expect(await buildAnswers(workspace)).toEqual(searchA);
    }
    await runToEnd(['import', brandB, '--workspace', workspace]);
    expect(await importedRecords(workspace)).toEqual(recordsB);
  }, 60_000 * ROUNDS);
});
