import { defineCommand } from 'citty';
import { importSources } from '../../pipelines/import.ts';
import { formatImportReport } from '../../reports/import-report.ts';
import { EXIT_UNUSABLE, guarded, interruptSignal, positiveInteger, progressPrinter, readDataFile, repeatable, withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: {
    name: 'import',
    description: 'Read helpdesk exports and knowledge into the workspace, reporting every skipped record.',
  },
  args: {
    paths: repeatable({ type: 'positional', description: 'Export files or folders (a folder of exports is read file by file)', required: true }),
    format: { type: 'string', description: 'Format of every path (detected from the content when absent); see `shadowdesk formats`' },
    mapping: { type: 'string', description: 'Column mapping (JSON or YAML) for generic CSV files' },
    encoding: { type: 'string', description: 'Text encoding such as utf8, win1252, latin1 (detected when absent)' },
    delimiter: { type: 'string', description: 'CSV delimiter (detected from the header when absent)' },
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
    'max-message-chars': { type: 'string', description: 'Cut longer message bodies (with a warning)', default: '100000' },
    force: { type: 'boolean', description: 'Read the sources again even when they are unchanged since the current import' },
    json: { type: 'boolean', description: 'Print the import report as JSON' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const mapping = args.mapping ? await readDataFile(args.mapping, '--mapping') : undefined;
      const maxMessageChars = positiveInteger(args['max-message-chars'], '--max-message-chars');
      const report = await importSources(
        args._.map((path) => ({ path, format: args.format, mapping, encoding: args.encoding, delimiter: args.delimiter })),
        {
          workspace: args.workspace,
          maxMessageChars,
          force: args.force,
          onProgress: args.json ? undefined : progressPrinter(),
          signal: interruptSignal(),
        },
      );
      process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatImportReport(report)}\n`);
      if (!report.committed) process.exitCode = EXIT_UNUSABLE;
    }),
});

export default withExamples(command, [
  'shadowdesk import gorgias-tickets.json help-center/ gorgias-macros.json orders_export.csv',
  'shadowdesk import export.csv --format generic-csv --mapping mapping.yaml --encoding win1252',
  'shadowdesk import exports/          (a folder of exports, read file by file)',
]);
