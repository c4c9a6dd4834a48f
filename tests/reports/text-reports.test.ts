import { describe, expect, it } from 'vitest';
import { renderCsv } from '../../reports/csv.ts';
import { renderJunit } from '../../reports/junit.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { correctedText } from '../../reports/_format.ts';
import { makeReport, RULE_XSS_NAME, XSS_PAYLOADS } from './_report-factory.ts';

describe('text reports', () => {
  it('summarises every candidate in Markdown with intervals', async () => {
    const report = await makeReport({ tickets: 60, candidates: 3 });
    const markdown = renderMarkdown(report);
    for (const candidate of report.metrics.candidates) expect(markdown).toMatch(new RegExp(`^\\| ${candidate.candidate} \\| \\d+% \\(\\d+%–\\d+%\\)`, 'm'));
    expect(markdown).toContain('| failed calls |');
    expect(markdown).not.toContain('## Rules');
  });

  it('states the judges’ noise floor only when the oracle is among the candidates', async () => {
    const report = await makeReport({ tickets: 20, candidates: 2 });
    expect(renderMarkdown(report)).not.toContain('noise floor');
    const [first] = report.metrics.candidates;
    const asOracle = report.tickets.map((ticket) => ({ ...ticket, answers: ticket.answers.map((answer) => (answer.candidate === first!.candidate ? { ...answer, candidate: 'oracle' } : answer)) }));
    const sent = asOracle.flatMap((ticket) => ticket.answers.filter((answer) => answer.candidate === 'oracle' && answer.sent));
    const correct = sent.filter((answer) => answer.verdict === 'correct').length;
    expect(renderMarkdown({ ...report, tickets: asOracle })).toContain(`**judge noise floor: the agent's own replies are judged correct on ${Math.round((100 * correct) / sent.length)} % (${correct}/${sent.length})`);
  });

  it('counts action tickets per candidate and lists every injection attempt, the customer’s words kept in one cell', async () => {
    const report = await makeReport({ tickets: 40, candidates: 2 });
    const markdown = renderMarkdown(report);
    const actions = markdown.slice(markdown.indexOf('## Action tickets'), markdown.indexOf('## Prompt-injection attempts'));
    const [first] = report.metrics.candidates;
    expect(actions).toContain(`| ${first!.candidate} | ${first!.actionTickets.tickets} (`);
    const attempts = markdown.slice(markdown.indexOf('## Prompt-injection attempts'));
    expect(attempts).toContain(`## Prompt-injection attempts: ${report.metrics.injectionAttempts.length}`);
    expect(report.metrics.injectionAttempts.length).toBe(4);
    const rows = attempts.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ticket'));
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.split(/(?<!\\)\|/).length - 2)).toEqual([3, 3, 3, 3]);
    expect(attempts).not.toContain('<script');
  });

  it('adds a Rules table and the conflicts, rule names escaped so they stay one cell', async () => {
    const report = await makeReport({ tickets: 20, candidates: 2, rules: true });
    const markdown = renderMarkdown(report);
    const section = markdown.slice(markdown.indexOf('## Rules'));
    const name = 'refunds \\| urgent &lt;img src=x onerror="window.\\_\\_xss=1"&gt;';
    expect(section).toBe(
      [
        '## Rules: rules/&lt;b&gt;helpdesk&lt;/b&gt;.yaml over 8 tickets',
        '',
        '| rule | fired | tag P / R | assign P / R | auto-replies / answered anyway (≤ 15 min) |',
        '|---|---|---|---|---|',
        `| ${name} | 2 (25%) | 100% / 67% | – | – |`,
        '| where is my order | 4 (50%) | 100% / 100% | 50% / 50% | – |',
        '| parcel auto-reply | 4 (50%) | – | – | 4 / 1 |',
        '| vip to billing | 2 (25%) | – | team — not comparable | – |',
        '| close thanks | 1 (13%) | – | – | – |',
        '| legacy (disabled) | – | – | – | – |',
        '',
        '| conflict | rules | tickets |',
        '|---|---|---|',
        `| priority | ${name} vs vip to billing | 1 |`,
        '| assignee | where is my order vs vip to billing | 1 |',
        '',
        'Auto-reply and AI answer both sent: composite 4 tickets, past-ticket 3 tickets.',
        '',
      ].join('\n'),
    );
    expect(report.rules!.result.rules[0]!.name).toBe(RULE_XSS_NAME);
    // Every row splits into exactly its table's columns on unescaped pipes: 8 rows of 5, then 4 of 3.
    const columns = (row: string) => row.split(/(?<!\\)\|/).length - 2;
    const rows = section.split('\n').filter((line) => line.startsWith('|'));
    expect(rows.map(columns)).toEqual([...Array<number>(8).fill(5), ...Array<number>(4).fill(3)]);
    expect(section).not.toMatch(/<img|<b>/);
  });

  it('adds the label-corrected figures beside the judge’s, one row per candidate, names escaped', async () => {
    const report = await makeReport({ tickets: 60, candidates: 3, labels: true });
    const corrected = report.labels!.corrected.candidates;
    corrected[0]!.candidate = `evil | ${XSS_PAYLOADS[1]}`;
    const markdown = renderMarkdown(report);
    const section = markdown.slice(markdown.indexOf("## Corrected by people's labels"), markdown.indexOf('## Cost'));
    expect(section).toContain(`${report.labels!.labelled} answers labelled by people`);
    expect(section).toContain('prediction-powered inference');
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| candidate'));
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.split(/(?<!\\)\|/).length - 2)).toEqual([7, 7, 7]);
    expect(rows[0]).toMatch(/^\| evil \\\| &lt;img src=x onerror="window\.\\_\\_xss=1"&gt; \| /);
    corrected.slice(1).forEach((candidate, index) => expect(rows[index + 1]).toContain(`| ${candidate.candidate} | ${candidate.labelled} | ${correctedText(candidate.automation.verified)} |`));
    expect(markdown).toMatch(/## Cost over 6 months of history with \S+\n\nCosts use the label-corrected verified automation rate, \d+% instead of the judge's \d+%\./);
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
