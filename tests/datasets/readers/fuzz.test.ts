/**
 * Property-based fuzzing of the text readers: valid fixtures, randomly mutated, must never make a
 * reader throw anything but a ShadowdeskError before its first item, and every item must be
 * accounted for. Runs are few and the seed fixed so CI stays fast and reproducible; to dig deeper:
 *
 *   FUZZ_RUNS=2000 FUZZ_SEED=$RANDOM npx vitest run tests/datasets/readers/fuzz   (this file and fuzz-import.test.ts)
 *
 * A failure prints the shrunk list of mutations (plain objects, no huge strings) and the seed/path
 * fast-check needs to replay it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp.ts';
import { label, mutate, mutations, RUN_TIMEOUT_MS, RUNS, SEED, TEST_TIMEOUT_MS } from './_fuzz.ts';
import { expectAccounted, readAll, SAMPLES, sampleContent, writeInput } from './_samples.ts';

const tempDir = useTempDir();

describe('reader fuzzing', () => {
  // The unmutated fixtures must pass too, or a failure below says nothing about mutations.
  it.each(SAMPLES)('reads the unmutated sample of $format ($name) with every item accounted', async (target) => {
    const content = await sampleContent(target);
    const outcome = await readAll(target, await writeInput(await tempDir(), target, content), content);
    expect('items' in outcome).toBe(true);
    if ('items' in outcome) expectAccounted(target, outcome.items, content);
  });

  SAMPLES.forEach((target, index) => {
    it(`${label(target)}: mutated input never throws but a ShadowdeskError, every item accounted`, async () => {
      const original = await sampleContent(target);
      const dir = await tempDir();
      await fc.assert(
        fc.asyncProperty(mutations, async (recipe) => {
          const content = mutate(original, recipe);
          const outcome = await readAll(target, await writeInput(dir, target, content), content);
          if ('items' in outcome) expectAccounted(target, outcome.items, content);
        }),
        { numRuns: RUNS, seed: SEED + index, timeout: RUN_TIMEOUT_MS },
      );
    }, TEST_TIMEOUT_MS);
  });
});
