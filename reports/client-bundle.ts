import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * The report page's script: reports/client/*.ts and the library code they import (the decision's
 * pricing and metrics, the text formats), bundled by esbuild into one classic script for the page.
 *
 * Built once: `npm run build` writes dist/reports/html-client.js, which the package ships, so an
 * installed shadowdesk needs no bundler. From a clone (tsx, vitest) there is no built file next to
 * this module, and esbuild, a devDependency, bundles the TypeScript on first use instead: the page
 * can never run a script older than its source. That bundle is kept with a hash of every file it
 * was made from, and used again while none of them has changed (bundling took 0.3–0.45 s a command).
 */

/** Where the built script sits next to the compiled html.js in dist/. */
export const BUILT_CLIENT = fileURLToPath(new URL('./html-client.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where a clone keeps the bundle it made, beside its other tools' caches. */
const BUNDLE_CACHE = join(ROOT, 'node_modules', '.cache', 'shadowdesk', 'html-client.json');

const OPTIONS = {
  entryPoints: [ENTRY],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  write: false,
  charset: 'utf8',
} as const satisfies BuildOptions;

/** Bundles the page script now; esbuild is resolved at call time so an installed package never loads it. */
export function bundleClient(): string {
  return bundle().text;
}

/** The bundle, and the files it was made from (relative to the project) with a hash of each. */
function bundle(): CachedBundle {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({ ...OPTIONS, metafile: true, absWorkingDir: ROOT });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [file, contentHash(file)]));
  return { key: bundleKey(esbuild.version), inputs, text: result.outputFiles[0]!.text };
}

interface CachedBundle {
  /** The bundler's version and options. */
  key: string;
  inputs: Record<string, string | undefined>;
  text: string;
}

function bundleKey(version: string): string {
  return JSON.stringify({ version, options: OPTIONS });
}

function contentHash(file: string): string | undefined {
  try {
    return createHash('sha1').update(readFileSync(resolve(ROOT, file))).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * The bundle kept in `cacheFile` while its bundler, options and every input are as they were;
 * else a fresh one, kept for the next command (a cache that cannot be written is only slower).
 */
export function cachedBundle(cacheFile = BUNDLE_CACHE): string {
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedBundle;
    const { version } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')) as { version: string };
    const unchanged = cached.key === bundleKey(version) && Object.entries(cached.inputs).every(([file, hash]) => hash !== undefined && contentHash(file) === hash);
    if (unchanged && typeof cached.text === 'string') return cached.text;
  } catch {
    // No cache yet, or one this version cannot read: bundle.
  }
  const made = bundle();
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(`${cacheFile}.${process.pid}`, JSON.stringify(made));
    renameSync(`${cacheFile}.${process.pid}`, cacheFile);
  } catch {
    // A read-only checkout bundles every time.
  }
  return made.text;
}

let script: string | undefined;

/** The page script: the built file when the package ships one, else the source's bundle. */
export function clientScript(): string {
  script ??= existsSync(BUILT_CLIENT) ? readFileSync(BUILT_CLIENT, 'utf8') : cachedBundle();
  return script;
}

// `tsx reports/client-bundle.ts OUT` (npm run build) writes the bundle to OUT.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx reports/client-bundle.ts OUTPUT_FILE');
  writeFileSync(out, bundleClient());
}
