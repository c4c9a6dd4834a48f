import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { openSearcher } from '../../../pipelines/search-tables.ts';
import { readManifest } from '../../../pipelines/index-manifest.ts';
import { runCli } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { ADDED, CARD_NUMBER, REMOVED, writeTwoExports } from '../../helpers/two-exports.ts';

const tempDir = useTempDir();

/** Words only the tickets of days 20 and 21 use (ask-en, ask-fr), and words only the return tickets of days 6 and 7 use. */
const LATE_WORDS = ['duplicate', 'debit'];
const RETURN_WORDS = ['retourner', 'days'];

async function vocabulary(modelDir: string): Promise<string[]> {
  const tokenizer = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  return Object.keys(tokenizer.model.vocab);
}

describe('shadowdesk search', () => {
  it('refuses an index built from an earlier import, naming the command that rebuilds it; rebuilt, it no longer finds dropped tickets', async () => {
    const dir = await tempDir();
    const { a, b } = await writeTwoExports(dir);
    // A folder name with a space: the command to run must still be one a shell reads back.
    const workspace = join(dir, 'support ws');
    // Imported and indexed in-process: only the searches need the command line.
    await importSources([{ path: a }], { workspace });
    await buildIndex({ workspace });
    const searcher = await openSearcher(workspace);
    const before = await searcher.search(`card ${CARD_NUMBER} charged twice`, { table: 'tickets', limit: 50 });
    await searcher.close();
    expect(before.map((hit) => hit.id)).toEqual(expect.arrayContaining(REMOVED));
    await importSources([{ path: b }], { workspace });

    for (const query of [`card ${CARD_NUMBER} charged twice`, `carte ${CARD_NUMBER} débitée deux fois`]) {
      const stale = await runCli(['search', query, '--in', 'tickets', '--workspace', workspace]);
      expect(stale.code).toBe(2);
      expect(stale.stdout).toBe('');
      expect(stale.stderr).toMatch(new RegExp(`^shadowdesk: ${workspace}: the search index is out of date: it was built from an earlier import \\(\\S+\\), not from the current one \\(\\S+\\); `));
      expect(stale.stderr).toContain(`run \`shadowdesk index --workspace '${workspace}'\` before searching or replaying\n`);
    }

    await buildIndex({ workspace });
    for (const query of [`card ${CARD_NUMBER} charged twice`, `carte ${CARD_NUMBER} débitée deux fois`]) {
      const fresh = await runCli(['search', query, '--in', 'tickets', '--limit', '50', '--workspace', workspace]);
      expect(fresh.code).toBe(0);
      expect(fresh.stdout).toContain('[refund-b,');
      for (const removed of REMOVED) expect(fresh.stdout).not.toContain(`[${removed},`);
    }
  }, 60_000);

  it('rebuilds the index for --as-of when its model was fitted later, so no vector carries a later ticket\'s words; full text never rebuilds (English and French)', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace });
    const leaky = await readManifest(workspace);
    for (const word of [...LATE_WORDS, ...RETURN_WORDS]) expect(await vocabulary(leaky.modelPath)).toContain(word);

    const fts = await runCli(['search', 'charged twice', '--in', 'tickets', '--as-of', '2025-01-20', '--mode', 'fts', '--workspace', workspace]);
    expect(fts).toMatchObject({ code: 0, stderr: '' });
    expect(await readManifest(workspace)).toEqual(leaky);

    const english = await runCli(['search', 'charged twice on my card', '--in', 'tickets', '--as-of', '2025-01-20', '--mode', 'vector', '--workspace', workspace]);
    expect(english.code).toBe(0);
    expect(english.stderr).toMatch(
      /Rebuilt the index for --as-of \(the index's built-in model was fitted on the whole import, after 2025-01-20T00:00:00\.000Z\): its built-in model is now fitted on what existed before 2025-01-20T00:00:00\.000Z \(model refitted in \d+\.\d s; \d+\.\d s in all\)/,
    );
    expect(english.stdout).toContain(`[${ADDED},`);
    const late = await readManifest(workspace);
    expect(late.modelCutoff).toBe('2025-01-20T00:00:00.000Z');
    // Only the tickets of days 20 and 21 said "duplicate" and "débit": the model of the 20th has no token for them.
    for (const word of LATE_WORDS) expect(await vocabulary(late.modelPath)).not.toContain(word);
    for (const word of RETURN_WORDS) expect(await vocabulary(late.modelPath)).toContain(word);

    const french = await runCli(['search', 'carte débitée deux fois', '--in', 'tickets', '--as-of', '2025-01-06', '--workspace', workspace]);
    expect(french.code).toBe(0);
    expect(french.stderr).toContain("(the index's built-in model was fitted on what existed before 2025-01-20T00:00:00.000Z, after 2025-01-06T00:00:00.000Z)");
    const early = await readManifest(workspace);
    expect(early.modelCutoff).toBe('2025-01-06T00:00:00.000Z');
    for (const word of RETURN_WORDS) expect(await vocabulary(early.modelPath)).not.toContain(word);

    // A model fitted before the 6th saw nothing after the 20th either: kept, nothing rebuilt.
    for (const query of ['charged twice on my card', 'carte débitée deux fois']) {
      expect(await runCli(['search', query, '--in', 'tickets', '--as-of', '2025-01-20', '--workspace', workspace])).toMatchObject({ code: 0, stderr: '' });
    }
    expect(await readManifest(workspace)).toEqual(early);
  }, 120_000);

  it('refuses an --as-of that is no date, or before anything was written, without touching the index', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace });
    const built = await readManifest(workspace);
    for (const [date, mode] of [['vingt janvier', 'vector'], ['next tuesday', 'fts']] as const) {
      const refused = await runCli(['search', 'charged twice', '--as-of', date, '--mode', mode, '--workspace', workspace]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--as-of ${date}: not a date`);
    }
    expect(await readManifest(workspace)).toEqual(built);
    for (const [date, query] of [['2024-12-01', 'charged twice'], ['2024-12-02', 'débitée deux fois']]) {
      const before = await runCli(['search', query!, '--as-of', date!, '--workspace', workspace]);
      expect(before.code).toBe(2);
      expect(before.stderr).toContain(`--as-of ${date}: nothing in ${workspace} was written before it to fit the built-in model on; search as of a later date, or with --mode fts`);
    }
    expect(await readManifest(workspace)).toEqual(built);
  }, 60_000);
});
