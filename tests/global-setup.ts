import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { bundleClient } from '../reports/client-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled shadowdesk's dist/bin/shadowdesk.js, built below (tests/helpers/cli.ts `COMPILED_CLI`). */
    compiledCli: string;
  }
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Compiles shadowdesk once per run, as `npm run build` lays out dist/, into a temporary folder
 * whose node_modules is this checkout's: the tests that start many `shadowdesk` processes (kills
 * at random points, shards) run it, where bin/shadowdesk.js through tsx spends about a second of
 * each process's start-up compiling and loading the TypeScript. Types are checked by `tsc --noEmit`
 * before the suite, so this build only emits.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'shadowdesk-compiled-'));
  const dist = join(folder, 'dist');
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist, '--noCheck', '--declaration', 'false']);
  await symlink(join(ROOT, 'node_modules'), join(folder, 'node_modules'));
  await copyFile(join(ROOT, 'eval/pricing/presets.yaml'), join(dist, 'eval/pricing/presets.yaml'));
  await symlink(join(ROOT, 'datasets/demo/data'), join(dist, 'datasets/demo/data'));
  await writeFile(join(dist, 'reports/html-client.js'), bundleClient());
  project.provide('compiledCli', join(dist, 'bin', 'shadowdesk.js'));
  return () => rm(folder, { recursive: true, force: true });
}
