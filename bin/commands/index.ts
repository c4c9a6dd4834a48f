import { defineCommand } from 'citty';
import { buildIndex } from '../../index.ts';
import { guarded, withExamples } from '../_cli.ts';
import { allocatorLimitsFor, exitLike, runInChild, stopWithParent } from './_child.ts';
import { indexProgress } from './_progress.ts';

const command = defineCommand({
  meta: { name: 'index', description: "Embed the workspace's knowledge and past tickets into its search index (offline with the built-in model)." },
  args: {
    model: { type: 'string', description: '`builtin` (fitted on your corpus), a Hugging Face model id from the local cache (SHADOWDESK_MODEL_CACHE, else transformers.js\' own), or a model folder', default: 'builtin' },
    'allow-download': { type: 'boolean', description: 'Fetch a hub model that is not in the local cache' },
    'tables-uri': { type: 'string', description: 'Keep the search tables in object storage (s3://bucket/prefix, gs://, az://) instead of the workspace; later builds keep using it' },
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const allocatorLimits = await allocatorLimitsFor(args.workspace);
      if (allocatorLimits) return exitLike(await runInChild(allocatorLimits));
      stopWithParent();
      const summary = await buildIndex({
        workspace: args.workspace,
        model: args.model,
        allowDownload: args['allow-download'],
        ...(args['tables-uri'] && { tablesUri: args['tables-uri'] }),
        onProgress: indexProgress(),
      });
      const fit = summary.modelFit ? (summary.modelFit.refitted ? `built-in model fitted in ${summary.modelFit.seconds.toFixed(1)} s; ` : 'built-in model unchanged; ') : '';
      const rate = summary.embedded > 0 ? `, ${Math.round(summary.embedded / summary.embedSeconds).toLocaleString('en-US')} texts/s` : '';
      if (summary.upToDate) {
        process.stdout.write(`Up to date: the index was built from the current import with ${summary.model}; nothing to embed or write (${summary.knowledgePassages.toLocaleString('en-US')} knowledge passages, ${summary.tickets.toLocaleString('en-US')} answered tickets).\n`);
        return;
      }
      process.stdout.write(
        [
          `Indexed ${summary.knowledgePassages.toLocaleString('en-US')} knowledge passages and ${summary.tickets.toLocaleString('en-US')} answered tickets with ${summary.model} (${summary.dimensions} dimensions) in ${summary.seconds.toFixed(1)} s.`,
          `${fit}${summary.embedded.toLocaleString('en-US')} of ${summary.texts.toLocaleString('en-US')} texts embedded${rate}; the others came from the cache.`,
        ].join('\n') + '\n',
      );
    }),
});

export default withExamples(command, ['shadowdesk index', 'shadowdesk index --model ./models/multilingual-e5-small', 'SHADOWDESK_MODEL_CACHE=~/models shadowdesk index --model Xenova/multilingual-e5-small --workspace .shadowdesk', 'shadowdesk index --tables-uri s3://support-analytics/shadowdesk']);
