import { execFile } from 'node:child_process';
import { copyFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleClient } from '../../reports/client-bundle.ts';
import { builtOnce } from './built-once.ts';

/**
 * The compiled `shadowdesk`, for tests that start many processes (kills at random points,
 * shards): bin/shadowdesk.js through tsx spends about a second of CPU starting each one (1.6 s
 * against 0.6 s to load the library). Built on first use, once per run whichever worker asks
 * first (built-once.ts), as `npm run build` lays out dist/, in a folder whose node_modules is this
 * checkout's. Types are checked by `tsc --noEmit` before the suite, so the build only emits.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** dist/bin/shadowdesk.js of the compiled CLI, built if no worker has yet. */
export async function compiledCli(): Promise<string> {
  return join(await compiledPackage(), 'dist', 'bin', 'shadowdesk.js');
}

/** The folder of the compiled package, with our package.json: a script in it imports 'shadowdesk' as an installed package resolves. */
export async function compiledPackage(): Promise<string> {
  return (await builtOnce('compiled-cli', build)).folder;
}

async function build(folder: string): Promise<null> {
  const dist = join(folder, 'dist');
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist, '--noCheck', '--declaration', 'false']);
  await symlink(join(ROOT, 'node_modules'), join(folder, 'node_modules'));
  await copyFile(join(ROOT, 'package.json'), join(folder, 'package.json'));
  await copyFile(join(ROOT, 'eval/pricing/presets.yaml'), join(dist, 'eval/pricing/presets.yaml'));
  await symlink(join(ROOT, 'datasets/demo/data'), join(dist, 'datasets/demo/data'));
  await writeFile(join(dist, 'reports/html-client.js'), bundleClient());
  return null;
}
