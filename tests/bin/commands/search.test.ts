import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSources } from '../../../pipelines/import.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { openSearcher } from '../../../pipelines/search-tables.ts';
import { runCli } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { CARD_NUMBER, REMOVED, writeTwoExports } from '../../helpers/two-exports.ts';

const tempDir = useTempDir();

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

  it('says when the index\'s built-in model was fitted after --as-of, and not once it was fitted before it (English and French queries)', async () => {
    const dir = await tempDir();
    const { b } = await writeTwoExports(dir);
    const workspace = join(dir, 'ws');
    await importSources([{ path: b }], { workspace });
    await buildIndex({ workspace });
    const note = "Note: the index's built-in model was fitted on the whole import, after 2025-01-20, so vector scores carry what was written after --as-of";
    for (const query of ['charged twice on my card', 'carte débitée deux fois']) {
      const leaky = await runCli(['search', query, '--in', 'tickets', '--as-of', '2025-01-20', '--workspace', workspace]);
      expect(leaky.code).toBe(0);
      expect(leaky.stderr).toContain(note);
    }
    expect((await runCli(['search', 'charged twice', '--in', 'tickets', '--as-of', '2025-01-20', '--mode', 'fts', '--workspace', workspace])).stderr).toBe('');

    await buildIndex({ workspace, cutoff: '2025-01-20T00:00:00.000Z' });
    const inTime = await runCli(['search', 'carte débitée deux fois', '--in', 'tickets', '--as-of', '2025-01-20', '--workspace', workspace]);
    expect(inTime).toMatchObject({ code: 0, stderr: '' });
  }, 90_000);
});
