import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { currentImportDir, DEFAULT_MAX_MESSAGE_CHARS, encodingWarning, formatImportReport, importAdvice, importSources, readJsonlLines, RECORD_FILES, type ImportReport, type RecordKind } from '../../index.ts';
import { EXIT_UNUSABLE, guarded, interruptSignal, positiveInteger, readDataFile, repeatable, withExamples } from '../_cli.ts';
import { importProgress } from './_progress.ts';

/** Records of each kind in the workspace's current import, counted from its files. */
async function workspaceRecords(workspace: string): Promise<Record<RecordKind, number>> {
  const records: Record<RecordKind, number> = { ticket: 0, knowledge: 0, order: 0 };
  const dir = await currentImportDir(workspace);
  if (!dir) return records;
  for (const kind of Object.keys(records) as RecordKind[]) {
    for await (const _ of readJsonlLines(join(dir, RECORD_FILES[kind]))) records[kind]++;
  }
  return records;
}

/**
 * A failed import leaves the previous one in place, yet its report counts only what it read
 * itself (nothing): the totals it gives as the workspace's must be the ones still there.
 */
async function withWorkspaceTotals(report: ImportReport): Promise<ImportReport> {
  if (report.committed) return report;
  return { ...report, totals: { ...report.totals, records: await workspaceRecords(report.workspace) } };
}

/** Warnings for the files read whose text looks garbled; folders and files since moved are not looked at. */
async function garbledFiles(report: ImportReport, encoding: string | undefined): Promise<string[]> {
  const warnings: string[] = [];
  for (const { file } of report.files) {
    const isFile = await stat(file).then((info) => info.isFile(), () => false);
    const warning = isFile ? await encodingWarning(file, encoding) : undefined;
    if (warning) warnings.push(warning);
  }
  return warnings;
}

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
    'max-message-chars': { type: 'string', description: 'Cut longer message bodies (with a warning)', default: String(DEFAULT_MAX_MESSAGE_CHARS) },
    force: { type: 'boolean', description: 'Read the sources again even when they are unchanged since the current import' },
    json: { type: 'boolean', description: 'Print the import report as JSON' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const mapping = args.mapping ? await readDataFile(args.mapping, '--mapping') : undefined;
      const maxMessageChars = positiveInteger(args['max-message-chars'], '--max-message-chars');
      const report = await withWorkspaceTotals(await importSources(
        args._.map((path) => ({ path, format: args.format, mapping, encoding: args.encoding, delimiter: args.delimiter })),
        {
          workspace: args.workspace,
          maxMessageChars,
          force: args.force,
          onProgress: args.json ? undefined : importProgress(),
          signal: interruptSignal(),
        },
      ));
      for (const warning of await garbledFiles(report, args.encoding)) process.stderr.write(`shadowdesk: warning: ${warning}\n`);
      process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : [formatImportReport(report), '', ...importAdvice(report)].join('\n')}\n`);
      if (!report.committed) process.exitCode = EXIT_UNUSABLE;
    }),
});

export default withExamples(command, [
  'shadowdesk import gorgias-tickets.json help-center/ gorgias-macros.json orders_export.csv',
  'shadowdesk import export.csv --format generic-csv --mapping mapping.yaml --encoding win1252',
  'shadowdesk import exports/          (a folder of exports, read file by file)',
]);
