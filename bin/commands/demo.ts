import { relative } from 'node:path';
import { defineCommand } from 'citty';
import { DEMO_DATA_DIR } from '../../datasets/demo/location.ts';
import { importSources } from '../../pipelines/import.ts';
import { formatImportReport } from '../../reports/import-report.ts';
import { EXIT_UNUSABLE, guarded, interruptSignal, progressPrinter, withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: {
    name: 'demo',
    description: 'Run shadowdesk on the bundled demo brand (2,400 tickets over 24 months, offline).',
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
      if (!report.committed) process.exitCode = EXIT_UNUSABLE;
    }),
});

export default withExamples(command, ['shadowdesk demo', 'shadowdesk demo --workspace /tmp/demo-workspace']);
