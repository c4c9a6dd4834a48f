import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, roughly slowest first (the CPU each took in whole runs, issue 23). vitest
 * orders a run by the durations it cached last time, which a fresh clone (CI) does not have: it
 * then starts the largest files first, and these short ones (a 2,000-ticket pull is a few lines)
 * started last, one worker finishing them while the other had nothing left. Started first, the
 * other files fill in around them. The pulls and the fuzzing come first: they run in the worker's
 * own process, so the two workers share the cores evenly while they run; the files that start
 * child processes (kills, shards, the packed package) after them.
 */
export const SLOWEST_FIRST = [
  'tests/pipelines/pull/accounts-freshdesk-shopify.test.ts',
  'tests/pipelines/pull/cli-zendesk.test.ts',
  'tests/pipelines/pull/cli-gorgias.test.ts',
  'tests/datasets/readers/fuzz.test.ts',
  'tests/datasets/readers/fuzz-import.test.ts',
  'tests/pipelines/crash-safety/index-rebuild.test.ts',
  'tests/bin/commands/simulate.test.ts',
  'tests/bin/commands/simulate-modes.test.ts',
  'tests/pipelines/crash-safety/simulate.test.ts',
  'tests/bin/cli.test.ts',
  'tests/bin/cli-process.test.ts',
  'tests/docs-example.test.ts',
  'tests/eval/responders/oracle.test.ts',
  'tests/pipelines/search-scan.test.ts',
  'tests/pipelines/crash-safety/import.test.ts',
  'tests/package.test.ts',
  'tests/eval/shards-e2e.test.ts',
  'tests/bin/init-config.test.ts',
  'tests/eval/rules/in-run.test.ts',
  'tests/eval/simulate.test.ts',
  'tests/eval/repeat-e2e.test.ts',
];

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The files of SLOWEST_FIRST in that order, then the others in vitest's own order. */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // A renamed file would silently lose its place, and the run its balance.
    const missing = SLOWEST_FIRST.filter((file) => !existsSync(resolve(ROOT, file)));
    if (missing.length > 0) throw new Error(`tests/sequencer.ts lists test files that do not exist: ${missing.join(', ')}`);
    const rank = (file: TestSpecification) => SLOWEST_FIRST.indexOf(relative(ROOT, file.moduleId).replaceAll('\\', '/'));
    const listed = files.filter((file) => rank(file) >= 0).sort((a, b) => rank(a) - rank(b));
    return [...listed, ...(await super.sort(files.filter((file) => rank(file) < 0)))];
  }
}
