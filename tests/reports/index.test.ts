import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { defineReportWriter, reportWriterMap } from '../../reports/define.ts';
import { REPORT_FORMATS, REPORT_WRITERS, reportFilesDocList, reportFormatsHelp } from '../../reports/index.ts';

const GUIDE = new URL('../../docs/guide-support-lead.md', import.meta.url).pathname;
const LIST = /(<!-- report files: [^\n]*-->\n)([\s\S]*?)(\n<!-- end of report files -->)/;

/** A report format that exists only in this test: one definition, one entry in a copy of the map. */
const ticketIds = defineReportWriter({
  name: 'ticket-ids',
  summary: 'the replayed tickets’ ids, one a line, to prove a new format needs one definition and one map entry',
  file: 'tickets.txt',
  render: (report) => `${report.tickets.map((ticket) => ticket.ticketId).join('\n')}\n`,
});

describe('the report writers map', () => {
  it('lists the formats in its order, in the --formats help and the guide', () => {
    expect(REPORT_FORMATS).toEqual(Object.values(REPORT_WRITERS).map((writer) => writer.name));
    expect(reportFormatsHelp()).toBe(`Reports to write, comma-separated: ${REPORT_FORMATS.join(', ')}`);
    for (const writer of Object.values(REPORT_WRITERS)) expect(reportFilesDocList()).toContain(`- \`${writer.file}\` — `);
  });

  it('shows a format registered through the same API in the help and the docs list', () => {
    const withTicketIds = reportWriterMap([...Object.values(REPORT_WRITERS), ticketIds]);
    expect(reportFormatsHelp(withTicketIds)).toMatch(/, junit, ticket-ids$/);
    expect(reportFilesDocList(withTicketIds)).toMatch(/- `tickets\.txt` — the replayed tickets’ ids, one a line, [^]*\(`--formats ticket-ids`\)\.$/);
    expect(reportFormatsHelp()).not.toContain('ticket-ids');
  });

  it('refuses two formats under one name or writing one file', () => {
    expect(() => reportWriterMap([ticketIds, ticketIds])).toThrow('two report formats have the name "ticket-ids"');
    expect(() => reportWriterMap([...Object.values(REPORT_WRITERS), { ...ticketIds, file: 'tickets.csv' }])).toThrow('two report formats have the file "tickets.csv"');
  });

  it('the support lead\'s guide lists the report files as the map does (UPDATE_DOCS=1 rewrites it)', async () => {
    const guide = await readFile(GUIDE, 'utf8');
    expect(guide).toMatch(LIST);
    const fresh = guide.replace(LIST, (_, open: string, _list: string, close: string) => `${open}${reportFilesDocList()}${close}`);
    if (process.env.UPDATE_DOCS) await writeFile(GUIDE, fresh);
    expect(guide, 'the report files list in docs/guide-support-lead.md is stale: run UPDATE_DOCS=1 npx vitest run tests/reports/index.test.ts').toBe(fresh);
  });
});
