/**
 * Property-based fuzzing of the import: every reader's valid sample, randomly mutated (see
 * _fuzz.ts and fuzz.test.ts), imported into a workspace: read = imported + skipped, and only valid
 * records written. `FUZZ_RUNS` and `FUZZ_SEED` as in fuzz.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadItem } from '../../../datasets/reader.ts';
import { SCHEMA_OF, type RecordKind } from '../../../datasets/records.ts';
import { importSources } from '../../../pipelines/import.ts';
import { RECORD_FILES, readJsonl, readRecords } from '../../../pipelines/workspace.ts';
import { collect, useTempDir } from '../../helpers/temp.ts';
import { IMPORT_RUNS, label, mutate, mutations, RUN_TIMEOUT_MS, SEED, TEST_TIMEOUT_MS } from './_fuzz.ts';
import { preview, readAll, SAMPLES, sampleContent, writeInput, type Sample } from './_samples.ts';

const tempDir = useTempDir();

describe('reader fuzzing', () => {
  SAMPLES.forEach((target, index) => {
    it(`${label(target)}: importing mutated input keeps read = imported + skipped and writes only valid records`, async () => {
      const original = await sampleContent(target);
      const dir = await tempDir();
      await fc.assert(
        fc.asyncProperty(mutations, async (recipe) => {
          const content = mutate(original, recipe);
          const path = await writeInput(dir, target, content);
          const outcome = await readAll(target, path, content);
          if ('refused' in outcome) return;
          const workspace = await mkdtemp(join(dir, 'workspace-'));
          try {
            await expectImportAccounted(target, path, workspace, outcome.items, content);
          } finally {
            await rm(workspace, { recursive: true, force: true });
          }
        }),
        { numRuns: IMPORT_RUNS, seed: SEED + 100 + index, timeout: RUN_TIMEOUT_MS },
      );
    }, TEST_TIMEOUT_MS);
  });
});

async function expectImportAccounted(target: Sample, path: string, workspace: string, items: ReadItem[], content: Buffer): Promise<void> {
  const where = `import of ${preview(content)}`;
  const report = await importSources([{ path, format: target.format, mapping: target.mapping }], { workspace });
  expect(report.files, where).toHaveLength(1);
  const file = report.files[0]!;
  // The report's own contract: merged ones are a part of the imported, not a third bucket.
  expect(file.read, where).toBe(items.length);
  expect(file.read, where).toBe(file.imported + file.skipped);
  expect(file.merged, where).toBeLessThanOrEqual(file.imported);
  expect(file.skipped, where).toBeGreaterThanOrEqual(items.filter((item) => item.type === 'skip').length);
  expect(report.totals, where).toMatchObject({ read: file.read, imported: file.imported, merged: file.merged, skipped: file.skipped });
  const distinct = Object.values(file.records).reduce((total, count) => total + count, 0);
  expect(distinct + file.merged, where).toBe(file.imported);
  expect(report.committed, where).toBe(distinct > 0);
  if (!report.committed) return;

  const issues = await collect(readJsonl<{ type: string }>(report.issuesFile));
  expect(issues.filter((issue) => issue.type === 'skip').length, where).toBe(file.skipped);
  expect(issues.filter((issue) => issue.type === 'merged').length, where).toBe(file.merged);
  for (const kind of Object.keys(RECORD_FILES) as RecordKind[]) {
    const written = await collect(readRecords(workspace, kind));
    expect(written.length, `${where}: ${kind} records`).toBe(report.totals.records[kind]);
    for (const record of written) {
      const parsed = SCHEMA_OF[kind].safeParse(record);
      expect(parsed.success, `${where}: written ${kind} ${JSON.stringify(record).slice(0, 300)} ${parsed.error?.message ?? ''}`).toBe(true);
    }
  }
}
