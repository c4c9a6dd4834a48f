import type { ImportIssue, ImportReport } from '../pipelines/import.ts';

/** The import report as plain text: a table per file, then each skipped record with its place. */

const LISTED = 20;

function number(value: number): string {
  return value.toLocaleString('en-US');
}

function place(issue: ImportIssue): string {
  const { file, line, record, id } = issue.at;
  const where = line ? `${file}:${line}` : record ? `${file} (record ${record})` : file;
  return id ? `${where} [id ${id}]` : where;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

function listIssues(title: string, total: number, issues: ImportIssue[]): string[] {
  if (total === 0) return [];
  const lines = [``, `${title} (${number(total)}):`];
  for (const issue of issues.slice(0, LISTED)) lines.push(`  ${place(issue)}: ${issue.reason}`);
  if (total > Math.min(issues.length, LISTED)) lines.push(`  … and ${number(total - Math.min(issues.length, LISTED))} more`);
  return lines;
}

export function formatImportReport(report: ImportReport): string {
  const rows = [['file', 'format', 'read', 'imported', 'merged', 'skipped']];
  for (const file of report.files) {
    rows.push([file.file, file.format, number(file.read), number(file.imported), number(file.merged), number(file.skipped)]);
  }
  const { totals } = report;
  rows.push(['total', '', number(totals.read), number(totals.imported), number(totals.merged), number(totals.skipped)]);

  const lines = [
    report.unchanged
      ? `Unchanged since the import of ${report.startedAt} into ${report.workspace}: nothing was read again (--force reads it all again). That import:`
      : report.committed
        ? `Imported into ${report.workspace} in ${report.seconds.toFixed(1)} s`
        : `Nothing usable was read: the workspace ${report.workspace} was left unchanged`,
    '',
    table(rows),
    '',
    `Workspace now holds ${number(totals.records.ticket)} tickets, ${number(totals.records.knowledge)} knowledge documents and ${number(totals.records.order)} orders.`,
    `Every record is accounted for: read = imported + skipped; merged records shared an id with an earlier one and were folded into it.`,
  ];
  for (const file of report.files) {
    if (file.note) lines.push(`${file.file}: ${file.note}`);
  }
  const skips = report.files.flatMap((file) => file.skips);
  const warnings = report.files.flatMap((file) => file.warnings);
  lines.push(...listIssues('Skipped', totals.skipped, skips));
  lines.push(...listIssues('Imported with warnings', report.files.reduce((n, file) => n + file.warned, 0), warnings));
  if (report.ignored.length > 0) {
    lines.push('', `Not imported (not an export shadowdesk reads): ${report.ignored.join(', ')}`);
  }
  if (report.issuesFile && (totals.skipped > 0 || warnings.length > 0)) lines.push('', `Every skip and warning: ${report.issuesFile}`);
  return lines.join('\n');
}
