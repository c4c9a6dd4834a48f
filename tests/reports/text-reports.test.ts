import { describe, expect, it } from 'vitest';
import { renderCsv } from '../../reports/csv.ts';
import { renderJunit } from '../../reports/junit.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { makeReport } from './_report-factory.ts';

describe('text reports', () => {
  it('summarises every candidate in Markdown with intervals', async () => {
    const report = await makeReport({ tickets: 60, candidates: 3 });
    const markdown = renderMarkdown(report);
    for (const candidate of report.metrics.candidates) expect(markdown).toMatch(new RegExp(`^\\| ${candidate.candidate} \\| \\d+% \\(\\d+%–\\d+%\\)`, 'm'));
    expect(markdown).toContain('| failed calls |');
  });

  it('writes one CSV row per ticket and candidate, defusing formulas', async () => {
    const report = await makeReport({ tickets: 30, candidates: 2 });
    report.tickets[0]!.subject = '=HYPERLINK("http://evil.example","click")';
    const lines = renderCsv(report).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + report.tickets.reduce((sum, ticket) => sum + ticket.answers.length, 0));
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
  });

  it('fails a JUnit case for each sent answer judged wrong and skips unsent ones', async () => {
    const report = await makeReport({ tickets: 50, candidates: 2 });
    const xml = renderJunit(report);
    for (const candidate of report.run.candidates) {
      const answers = report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.candidate === candidate));
      const failures = answers.filter((answer) => answer.sent && answer.verdict === 'wrong').length;
      const skipped = answers.filter((answer) => !answer.sent).length;
      expect(xml).toContain(`<testsuite name="shadowdesk.${candidate}" tests="${answers.length}" failures="${failures}" skipped="${skipped}">`);
    }
    expect(xml).not.toMatch(/<(?!\/?(testsuites|testsuite|testcase|failure|skipped|\?xml)\b)/);
  });
});
