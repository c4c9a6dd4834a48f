import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { ShadowdeskError } from '../../errors.ts';
import { initProject, type InitResult } from '../../index.ts';
import { EXIT_UNUSABLE, guarded, repeatable, withExamples } from '../_cli.ts';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}`).join('\n');
}

/** What each count is, one and many. */
const KIND_WORDS: Record<string, [string, string]> = {
  ticket: ['ticket', 'tickets'],
  knowledge: ['knowledge record', 'knowledge records'],
  order: ['order', 'orders'],
  messages: ['message to join to its ticket', 'messages to join to their tickets'],
  waiting: ['ticket waiting for its messages', 'tickets waiting for their messages'],
};

function summary(result: InitResult): string {
  const at = (path: string) => relative(result.dir, path) || '.';
  const lines: string[] = [];
  if (result.recognised.length > 0) {
    const rows = result.recognised.map((source) => {
      const counts = source.counts;
      const records = counts
        ? Object.entries(counts)
            .filter(([kind]) => kind !== 'skipped')
            .map(([kind, count]) => `${count.toLocaleString('en-US')} ${KIND_WORDS[kind]?.[count === 1 ? 0 : 1] ?? kind}`)
            .join(', ') + (counts.skipped ? `, ${counts.skipped} to skip` : '')
        : 'not counted (large file)';
      return [at(source.path), source.format, records];
    });
    lines.push('Recognised:', table([['path', 'format', 'records'], ...rows]), '');
  } else {
    lines.push(
      'No export shadowdesk reads was found.',
      'Export your tickets (and help-center articles, macros, Shopify orders) from the helpdesk into a folder, then run',
      `\`${result.cli} init that-folder/\`; \`${result.cli} formats\` lists what shadowdesk reads.`,
      '',
    );
  }
  if (result.rules.length > 0) {
    lines.push('Gorgias rules (not imported; `shadowdesk rules --gorgias-rules` tries them on the imported history):', ...result.rules.map((path) => `  ${at(path)}`), '');
  }
  if (result.unreadable.length > 0) {
    lines.push('Cannot read:', ...result.unreadable.map((file) => `  ${at(file.path)}: ${file.reason}`), '');
  }
  for (const proposal of result.mappings) {
    lines.push(`Proposed column mapping for ${at(proposal.file)} (check it against the first rows):`);
    const keys = Object.entries(proposal.mapping).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    const rows = keys.map(([key, column]) => [key, column, ...proposal.rows.map((row) => (row[column] ?? '').replace(/\s+/g, ' ').slice(0, 40))]);
    lines.push(table([['key', 'column', ...proposal.rows.map((_, index) => `row ${index + 1}`)], ...rows]), '');
  }
  if (result.written.length > 0) lines.push('Wrote:', ...result.written.map((path) => `  ${at(path)}`), '');
  if (result.kept.length > 0) lines.push('Left as they were (use --force to overwrite):', ...result.kept.map((path) => `  ${at(path)}`), '');
  if (result.next.length > 0) {
    const from = relative(process.cwd(), result.dir);
    lines.push(`Next${from ? `, from ${from}` : ''}:`, ...result.next.map((command) => `  ${command}`));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const command = defineCommand({
  meta: { name: 'init', description: 'Look at your helpdesk exports, say what shadowdesk can read, and write a commented shadowdesk.yaml.' },
  args: {
    paths: repeatable({ type: 'positional', description: 'A folder to search (default: the current one), or export files and folders', required: false }),
    force: { type: 'boolean', description: 'Overwrite shadowdesk.yaml, shadowdesk.schema.json and mapping.yaml when they exist' },
    workspace: { type: 'string', description: 'Workspace folder for the suggested commands (default: .shadowdesk)' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const given = args._.map(String);
      // A mistyped path is an error before anything is written, not a line under "Cannot read".
      for (const path of given) {
        if (!existsSync(path)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${path}: no such file or folder; name the folder your helpdesk exports are in, e.g. \`shadowdesk init exports/\``);
      }
      // One folder is the project to search and write into; files or several paths are exports for a project here.
      const folder = given.length === 1 && (await stat(given[0]!).catch(() => undefined))?.isDirectory() ? resolve(given[0]!) : undefined;
      const dir = folder ?? process.cwd();
      const paths = folder || given.length === 0 ? undefined : given;
      const result = await initProject({ dir, ...(paths && { paths }), ...(args.workspace && { workspace: args.workspace }), ...(args.force && { force: true }) });
      process.stdout.write(summary(result));
      if (result.recognised.length === 0) process.exitCode = EXIT_UNUSABLE;
    }),
});

export default withExamples(command, [
  'shadowdesk init                       (search the current folder)',
  'shadowdesk init exports/',
  'shadowdesk init tickets.csv help-center/ --force',
]);
