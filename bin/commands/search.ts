import { defineCommand } from 'citty';
import { searchAsOf, type IndexRebuild, type SearchMode, type SearchTable } from '../../index.ts';
import { guarded, positiveInteger, withExamples } from '../_cli.ts';
import { indexProgress } from './_progress.ts';

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
      const limit = positiveInteger(args.limit, '--limit') ?? 5;
      const { hits, rebuilt } = await searchAsOf(args.query, {
        workspace: args.workspace,
        table: args.in as SearchTable,
        mode: args.mode as SearchMode,
        limit,
        ...(args['as-of'] !== undefined && { asOf: args['as-of'] }),
        onIndexProgress: indexProgress(),
      });
      if (rebuilt) process.stderr.write(`${describeRebuild(rebuilt)}\n`);
      if (hits.length === 0) process.stdout.write('No results.\n');
      hits.forEach((hit, rank) => {
        const body = (hit.answer ?? hit.text).replace(/\s+/g, ' ').slice(0, 240);
        process.stdout.write(`${rank + 1}. ${hit.title}  [${hit.id}, score ${hit.score.toFixed(3)}]\n   ${body}\n${hit.url ? `   ${hit.url}\n` : ''}`);
      });
    }),
});

/** What a search as of a date changed in the workspace, and what it cost. */
function describeRebuild({ reason, cutoff, summary }: IndexRebuild): string {
  const fit = summary.modelFit;
  const model = fit ? (fit.refitted ? `model refitted in ${fit.seconds.toFixed(1)} s` : 'model taken from the cache') : 'model unchanged';
  return `Rebuilt the index for --as-of${reason ? ` (${reason})` : ''}: its built-in model is now fitted on what existed before ${cutoff} (${model}; ${summary.seconds.toFixed(1)} s in all). Later replays of windows from that date on keep it.`;
}

export default withExamples(command, [
  'shadowdesk search "combien de jours pour retourner un article" --as-of 2025-01-15',
  'shadowdesk search "where is my order" --in tickets --as-of 2025-12-01 --mode vector     (vectors from a model fitted before that date: the index is rebuilt for it when its model is later)',
  'shadowdesk search "where is my order" --in tickets --as-of 2025-12-01 --mode fts     (full text only: never rebuilds the index)',
]);
