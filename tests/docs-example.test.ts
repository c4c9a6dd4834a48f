import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compiledPackage } from './helpers/compiled-cli.ts';

/** The README shows docs/examples/library.ts; it must run as written. */
describe('README library example', () => {
  const example = fileURLToPath(new URL('../docs/examples/library.ts', import.meta.url));

  it('is the file the README shows, and runs offline to the end', async () => {
    const source = await readFile(example, 'utf8');
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain(source.trim());
    // It imports 'shadowdesk' as a user would, who has the package installed: its types stripped
    // (`tsc --noEmit` checks them), it runs inside the compiled package (tests/helpers/compiled-cli.ts),
    // where that name resolves through our package.json's exports to the compiled dist/. Through
    // tsx on the sources, the run spent 2.5 s more of CPU.
    const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' });
    const script = join(await compiledPackage(), `library-example-${process.pid}.mjs`);
    await writeFile(script, code);
    const { stdout } = await promisify(execFile)(process.execPath, [script], { env: { ...process.env, LANCEDB_LOG: 'error' } });
    expect(stdout).toMatch(/^past-ticket: \d+ of \d+ tickets automated$/m);
    expect(stdout).toMatch(/^knowledge-base: \d+ of \d+ tickets automated$/m);
    expect(stdout).toMatch(/^summary: .*summary\.md$/m);
  }, 120_000);
});
