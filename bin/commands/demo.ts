import { relative } from 'node:path';
import { defineCommand } from 'citty';
import { DEMO_DATA_DIR } from '../../datasets/demo/location.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex } from '../../pipelines/search-index.ts';
import { formatImportReport } from '../../reports/import-report.ts';
import { EXIT_UNUSABLE, guarded, indexProgressPrinter, interruptSignal, progressPrinter, withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: {
    name: 'demo',
    description: 'Import and index the bundled demo brand (2,400 tickets over 24 months), offline.',
  },
  args: {
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const data = relative(process.cwd(), DEMO_DATA_DIR) || '.';
      process.stdout.write(`Demo brand: Maison Lune, exports in ${data}\n\n`);
      const report = await importSources([{ path: data }], { workspace: args.workspace, onProgress: progressPrinter(), signal: interruptSignal() });
      process.stdout.write(`${formatImportReport(report)}\n`);
      if (!report.committed) {
        process.exitCode = EXIT_UNUSABLE;
        return;
      }
      const index = await buildIndex({ workspace: args.workspace, onProgress: indexProgressPrinter() });
      process.stdout.write(
        [
          '',
          `Search index: ${index.knowledgePassages} knowledge passages and ${index.tickets.toLocaleString('en-US')} answered tickets, built-in model fitted on this corpus, in ${index.seconds.toFixed(1)} s.`,
          'Try how a ticket of January 2025 would have seen the returns policy (14 days then, 30 days from March 2025):',
          `  npx shadowdesk search "combien de jours pour retourner un article" --as-of 2025-01-15${args.workspace === '.shadowdesk' ? '' : ` --workspace ${args.workspace}`}`,
        ].join('\n') + '\n',
      );
    }),
});

export default withExamples(command, ['shadowdesk demo', 'shadowdesk demo --workspace /tmp/demo-workspace']);
