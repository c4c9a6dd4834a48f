import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The README shows docs/examples/library.ts; it must run as written. */
describe('README library example', () => {
  const example = fileURLToPath(new URL('../docs/examples/library.ts', import.meta.url));

  it('is the file the README shows, and runs offline to the end', async () => {
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain((await readFile(example, 'utf8')).trim());
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
    // It imports 'shadowdesk' as a user would; in a checkout the shadowdesk-source export condition
    // resolves that to the TypeScript sources (installed, the package resolves to its compiled dist/).
    const { stdout } = await promisify(execFile)(tsx, ['--conditions=shadowdesk-source', example], { env: { ...process.env, LANCEDB_LOG: 'error' } });
    expect(stdout).toMatch(/^past-ticket: \d+ of \d+ tickets automated$/m);
    expect(stdout).toMatch(/^knowledge-base: \d+ of \d+ tickets automated$/m);
    expect(stdout).toMatch(/^summary: .*summary\.md$/m);
  }, 120_000);
});
