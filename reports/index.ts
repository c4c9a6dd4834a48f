import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decide } from '../eval/pricing/decision.ts';
import type { RunReport } from '../eval/run-report.ts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

/** Every format a run is written in, by the name `--formats` uses, with the file it goes to. */
export interface ReportWriter {
  file: string;
  render(report: RunReport): string;
}

export const REPORT_WRITERS = {
  // The decision first, as every other format shows it; readReport reads the rest back.
  json: { file: 'report.json', render: (report) => `${JSON.stringify({ decision: decide(report.pricing.decisionInputs, report.gaps), ...report })}\n` },
  html: { file: 'report.html', render: (report) => renderHtml(report) },
  csv: { file: 'tickets.csv', render: renderCsv },
  markdown: { file: 'summary.md', render: renderMarkdown },
  junit: { file: 'junit.xml', render: (report) => renderJunit(report) },
} as const satisfies Record<string, ReportWriter>;

export type ReportFormat = keyof typeof REPORT_WRITERS;
export const REPORT_FORMATS = Object.keys(REPORT_WRITERS) as ReportFormat[];

/** Writes the report in each format into `dir`; returns the path of each file. */
export async function writeReports(report: RunReport, dir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<Record<ReportFormat, string>> {
  const written = {} as Record<ReportFormat, string>;
  for (const format of formats) {
    const writer = REPORT_WRITERS[format];
    const path = join(dir, writer.file);
    await writeFile(path, writer.render(report));
    written[format] = path;
  }
  return written;
}
