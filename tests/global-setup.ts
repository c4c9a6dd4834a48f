import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's compiled shadowdesk goes, built on first use (tests/helpers/compiled-cli.ts). */
    compiledCliFolder: string;
  }
}

/** One folder per run for the compiled CLI, removed after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'shadowdesk-compiled-'));
  project.provide('compiledCliFolder', folder);
  return () => rm(folder, { recursive: true, force: true });
}
