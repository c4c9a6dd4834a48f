import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decide } from '../eval/pricing/decision.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';
import { markdownList } from '../datasets/text/docs-list.ts';
import { renderCsv } from './csv.ts';
import { defineReportWriter, reportWriterMap, type ReportWriterMap } from './define.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

/** Every format a run is written in, in the order `--formats` lists them; adding one is a new writer and one entry here. */
export const REPORT_WRITERS = reportWriterMap([
  defineReportWriter({
    name: 'json',
    summary: 'the machine-readable truth, with a schema version',
    file: 'report.json',
    // The decision first, as every other format shows it; readReport reads the rest back.
    render: (report) => `${JSON.stringify({ decision: decide(report.pricing.decisionInputs, report.gaps), ...report })}\n`,
  }),
  defineReportWriter({
    name: 'html',
    summary: 'one page with no network access: open it in a browser, attach it to an e-mail',
    file: 'report.html',
    render: (report) => renderHtml(report),
  }),
  defineReportWriter({
    name: 'csv',
    summary: 'one row per ticket and candidate, for a spreadsheet; an answer that was never sent reads `not-sent`, with what the judge would have said in `verdict_if_sent`',
    file: 'tickets.csv',
    render: renderCsv,
  }),
  defineReportWriter({
    name: 'markdown',
    summary: 'cut to fit a pull-request comment (65,536 characters), with a pointer to the full report',
    file: 'summary.md',
    render: renderMarkdown,
  }),
  defineReportWriter({
    name: 'junit',
    summary: 'for a CI system: one suite per candidate, one test case per ticket, an answer judged wrong a failure',
    file: 'junit.xml',
    render: (report) => renderJunit(report),
  }),
]);

export type ReportFormat = keyof typeof REPORT_WRITERS;
export const REPORT_FORMATS = Object.keys(REPORT_WRITERS) as ReportFormat[];

/** The `--formats` help of `simulate` and `report`. */
export function reportFormatsHelp(map: ReportWriterMap = REPORT_WRITERS): string {
  return `Reports to write, comma-separated: ${Object.keys(map).join(', ')}`;
}

/** The files of a run as the support lead's guide lists them (generated: see its test). */
export function reportFilesDocList(map: ReportWriterMap = REPORT_WRITERS): string {
  return markdownList(Object.values(map).map((writer) => ({ name: writer.file, summary: `${writer.summary} (\`--formats ${writer.name}\`)` })));
}

/** Writes the report in each format into `dir`; returns the path of each file. */
export async function writeReports(report: RunReport, dir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<Record<ReportFormat, string>> {
  // Each file is written while the next renders (rendering is this thread's work, writing the
  // disk's): a 3,354-answer run's five files in 350–445 ms against 365–592 one after another.
  const written = await Promise.all(
    formats.map(async (format) => {
      const writer = REPORT_WRITERS[format];
      const path = join(dir, writer.file);
      await writeFile(path, writer.render(report));
      return [format, path] as const;
    }),
  );
  return Object.fromEntries(written) as Record<ReportFormat, string>;
}
