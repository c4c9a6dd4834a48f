import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { bundleClient } from '../../reports/client-bundle.ts';

/**
 * The compiled `shadowdesk`, for tests that start many processes (kills at random points,
 * shards): bin/shadowdesk.js through tsx spends about a second of CPU starting each one (1.6 s
 * against 0.6 s to load the library). Built on first use, once per run whichever worker asks
 * first, as `npm run build` lays out dist/, into the run's folder (tests/global-setup.ts), whose
 * node_modules is this checkout's. Types are checked by `tsc --noEmit` before the suite, so the
 * build only emits.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WAIT_MS = 100;

let built: Promise<string> | undefined;

/** dist/bin/shadowdesk.js of the compiled CLI, built if no worker has yet. */
export function compiledCli(): Promise<string> {
  built ??= buildOnce(inject('compiledCliFolder'));
  return built;
}

async function buildOnce(folder: string): Promise<string> {
  const dist = join(folder, 'dist');
  const done = join(folder, 'built');
  try {
    // mkdir is atomic: the worker that makes the lock builds, the others wait for its outcome.
    await mkdir(join(folder, 'lock'));
  } catch {
    return waitForBuild(done, join(dist, 'bin', 'shadowdesk.js'));
  }
  try {
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist, '--noCheck', '--declaration', 'false']);
    await symlink(join(ROOT, 'node_modules'), join(folder, 'node_modules'));
    await copyFile(join(ROOT, 'eval/pricing/presets.yaml'), join(dist, 'eval/pricing/presets.yaml'));
    await symlink(join(ROOT, 'datasets/demo/data'), join(dist, 'datasets/demo/data'));
    await writeFile(join(dist, 'reports/html-client.js'), bundleClient());
    await settle(done, 'ok');
  } catch (error) {
    await settle(done, `the compiled CLI did not build: ${(error as Error).message}`);
    throw error;
  }
  return join(dist, 'bin', 'shadowdesk.js');
}

/** Written whole, then renamed: a waiting worker never reads half an outcome. */
async function settle(done: string, outcome: string): Promise<void> {
  await writeFile(`${done}.part`, outcome);
  await rename(`${done}.part`, done);
}

async function waitForBuild(done: string, entry: string): Promise<string> {
  for (;;) {
    const outcome = await readFile(done, 'utf8').catch(() => undefined);
    if (outcome === 'ok') return entry;
    if (outcome !== undefined) throw new Error(outcome);
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  }
}
