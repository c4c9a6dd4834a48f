import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * The report page's script: reports/client/*.ts and the library code they import (the decision's
 * pricing and metrics, the text formats), bundled by esbuild into one classic script for the page.
 *
 * Built once: `npm run build` writes dist/reports/html-client.js, which the package ships, so an
 * installed shadowdesk needs no bundler. From a clone (tsx, vitest) there is no built file next to
 * this module, and esbuild, a devDependency, bundles the TypeScript on first use instead: the page
 * can never run a script older than its source.
 */

/** Where the built script sits next to the compiled html.js in dist/. */
export const BUILT_CLIENT = fileURLToPath(new URL('./html-client.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

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
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const [output] = esbuild.buildSync(OPTIONS).outputFiles;
  return output!.text;
}

let script: string | undefined;

/** The page script: the built file when the package ships one, else bundled from source once per process. */
export function clientScript(): string {
  script ??= existsSync(BUILT_CLIENT) ? readFileSync(BUILT_CLIENT, 'utf8') : bundleClient();
  return script;
}

// `tsx reports/client-bundle.ts OUT` (npm run build) writes the bundle to OUT.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx reports/client-bundle.ts OUTPUT_FILE');
  writeFileSync(out, bundleClient());
}
