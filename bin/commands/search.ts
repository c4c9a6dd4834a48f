import { defineCommand } from 'citty';
import { ShadowdeskError } from '../../errors.ts';
import { modelLeakReason } from '../../index.ts';
import { openSearcher, readManifest, type SearchMode, type SearchTable } from '../../pipelines/search-tables.ts';
import { guarded, positiveInteger, withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: { name: 'search', description: 'Search the index as a replayed ticket would: only what existed at --as-of.' },
  args: {
    query: { type: 'positional', description: 'What a customer asked', required: true },
    'as-of': { type: 'string', description: 'A date (2025-03-01) or time: knowledge as it was then, tickets answered before it' },
    in: { type: 'enum', options: ['knowledge', 'tickets'], description: 'What to search', default: 'knowledge' },
    mode: { type: 'enum', options: ['hybrid', 'vector', 'fts'], description: 'Retrieval', default: 'hybrid' },
    limit: { type: 'string', description: 'Results', default: '5' },
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const asOf = args['as-of'];
      if (asOf !== undefined && Number.isNaN(Date.parse(asOf))) {
        throw new ShadowdeskError('SD_INPUT_INVALID', `--as-of ${asOf}: not a date (use e.g. 2025-03-01 or 2025-03-01T14:00:00Z)`);
      }
      const limit = positiveInteger(args.limit, '--limit') ?? 5;
      const searcher = await openSearcher(args.workspace);
      try {
        // One model serves the whole index: a search as of an earlier date cannot switch to another.
        const leak = asOf !== undefined && args.mode !== 'fts' ? modelLeakReason(await readManifest(args.workspace), asOf) : undefined;
        if (leak) process.stderr.write(`Note: ${leak}, so vector scores carry what was written after --as-of (full text does not: --mode fts); a simulation replaying from that date refits it before it.\n`);
        const hits = await searcher.search(args.query, {
          table: args.in as SearchTable,
          mode: args.mode as SearchMode,
          limit,
          ...(asOf !== undefined && { asOf }),
        });
        if (hits.length === 0) process.stdout.write('No results.\n');
        hits.forEach((hit, rank) => {
          const body = (hit.answer ?? hit.text).replace(/\s+/g, ' ').slice(0, 240);
          process.stdout.write(`${rank + 1}. ${hit.title}  [${hit.id}, score ${hit.score.toFixed(3)}]\n   ${body}\n${hit.url ? `   ${hit.url}\n` : ''}`);
        });
      } finally {
        await searcher.close();
      }
    }),
});

export default withExamples(command, [
  'shadowdesk search "combien de jours pour retourner un article" --as-of 2025-01-15',
  'shadowdesk search "where is my order" --in tickets --as-of 2025-12-01 --mode vector',
]);
