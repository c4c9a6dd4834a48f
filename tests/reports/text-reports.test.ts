import { describe, expect, it } from 'vitest';
import { computeMetrics, computeRepeatability } from '../../eval/metrics/metrics.ts';
import { renderCsv } from '../../reports/csv.ts';
import { renderJunit } from '../../reports/junit.ts';
import { COMMENT_LIMIT, fitComment, renderMarkdown } from '../../reports/markdown.ts';
import { correctedText } from '../../reports/_format.ts';
import { judged } from '../helpers/judged.ts';
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

  it('adds repeatability beside automation for a repeated run only, names and flaky French and English tickets escaped', async () => {
    const report = await makeReport({ tickets: 12, candidates: 1 });
    expect(renderMarkdown(report)).not.toContain('Repeatability');
    const candidate = report.metrics.candidates[0]!.candidate;
    // fr-1 and en-1 change verdict between tries; fr-2 is right every time.
    const tries = (ticketId: string, language: 'fr' | 'en', verdicts: Array<'correct' | 'wrong'>) =>
      verdicts.map((verdict, repeat) => ({ judged: judged(ticketId, { candidate, language, sent: true, verdict }), repeat, answeredOnce: false }));
    const repeatability = computeRepeatability([...tries('fr-1', 'fr', ['correct', 'wrong']), ...tries('en-1', 'en', ['wrong', 'correct']), ...tries('fr-2', 'fr', ['correct', 'correct'])], 2, { resamples: 50 });
    repeatability.candidates[0]!.candidate = `evil | ${candidate}`;
    repeatability.candidates[0]!.flaky.push('t|x');
    const markdown = renderMarkdown({ ...report, repeatability });
    const section = markdown.slice(markdown.indexOf('## Repeatability'));
    expect(section).toContain('| candidate | automation (verified, first try) | pass^1 | pass^2 | flaky tickets |');
    // pass^1 = (1/2 + 1/2 + 1)/3; pass^2 = (0 + 0 + 1)/3.
    expect(section).toMatch(/\| evil \\\| \S+ \| – \| 67% \(\d+%–\d+%\) \| 33% \(\d+%–\d+%\) \| 3 of 3 \|/);
    expect(section).toContain('*evil \\| ');
    expect(section).toContain('flaky tickets: en-1, fr-1, t\\|x');
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

  it('names a failed answer’s kind in the CSV and the JUnit XML, apart from its message (French and English)', async () => {
    const report = await makeReport({ tickets: 30, candidates: 2 });
    const unsent = report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => !answer.sent).map((answer) => ({ ticket, answer })));
    const failures = [
      { kind: 'timeout' as const, message: 'http://127.0.0.1:9/v1: timed out after 5000 ms waiting for the reply, after 5 attempts' },
      { kind: 'invalid-output' as const, message: 'the model did not answer with the expected JSON: Bien sûr, votre colis arrive' },
    ];
    failures.forEach((failure, index) => (unsent[index]!.answer.failure = failure));

    const header = renderCsv(report).split('\r\n')[0]!.split(',');
    const rows = renderCsv(report).trimEnd().split('\r\n').slice(1);
    for (const [index, failure] of failures.entries()) {
      const { ticket, answer } = unsent[index]!;
      const row = rows.find((line) => line.startsWith(`${ticket.ticketId},`) && line.split(',')[header.indexOf('candidate')] === answer.candidate)!;
      expect(row).toContain(`,${failure.kind},${failure.message.includes(',') ? `"${failure.message}"` : failure.message},`);
    }
    expect(rows.filter((line) => line.includes(',timeout,') || line.includes(',invalid-output,'))).toHaveLength(2);

    const xml = renderJunit(report);
    expect(xml).toContain('<skipped message="timeout: http://127.0.0.1:9/v1: timed out after 5000 ms waiting for the reply, after 5 attempts"');
    expect(xml).toContain('<skipped message="invalid-output: the model did not answer with the expected JSON: Bien sûr, votre colis arrive"');
  });

  it('says once in Markdown what the history does not record, instead of "unknown" rows (French and English tickets)', async () => {
    const report = await makeReport({ tickets: 10, candidates: 1 });
    const tickets = [
      judged('n1', { candidate: report.run.candidates[0]!, channel: 'unknown', language: 'fr', tags: [] }),
      judged('n2', { candidate: report.run.candidates[0]!, channel: 'unknown', language: 'en', tags: [] }),
      judged('n3', { candidate: report.run.candidates[0]!, channel: 'unknown', language: 'unknown', tags: [] }),
    ];
    report.metrics = computeMetrics(tickets, { resamples: 20 });
    const markdown = renderMarkdown(report);
    expect(markdown.match(/no breakdown by tag/g)).toHaveLength(1);
    expect(markdown.match(/no breakdown by channel/g)).toHaveLength(1);
    expect(markdown).toContain('1 ticket has no language and is in no row of the breakdown by language.');
    // No "unknown" row in any table (a plan's price note may say what its vendor leaves unknown).
    expect(markdown).not.toMatch(/^\| unknown \|/m);
  });

  it('shows an answer that was never sent as "not-sent" in the CSV, with what its verdict would have been beside it', async () => {
    const report = await makeReport({ tickets: 30, candidates: 2 });
    const header = renderCsv(report).split('\r\n')[0]!.split(',');
    const column = (name: string) => header.indexOf(name);
    const rows = renderCsv(report).trimEnd().split('\r\n').slice(1).map((line) => line.split(','));
    const unsent = rows.filter((row) => row[column('sent')] === 'false');
    expect(unsent.length).toBeGreaterThan(0);
    for (const row of unsent) expect([row[column('verdict')], row[column('verdict_if_sent')]]).toEqual(['not-sent', expect.stringMatching(/^(correct|partial|wrong|unverified|needs-action|cannot-judge)$/)]);
    for (const row of rows.filter((entry) => entry[column('sent')] === 'true')) expect([row[column('verdict')], row[column('verdict_if_sent')]]).toEqual([expect.not.stringMatching(/not-sent/), '']);
    // A report written before "not-sent" existed still shows no verdict for an answer nobody received.
    const answer = report.tickets.flatMap((ticket) => ticket.answers).find((entry) => !entry.sent)!;
    Object.assign(answer, { verdict: 'correct', verdictIfSent: undefined });
    expect(renderCsv(report)).not.toMatch(/,false,[\d.]+,correct,/);
  });

  it('fits a 10,000-ticket summary in a pull-request comment, headline first, with a pointer to the full report', async () => {
    const report = await makeReport({ tickets: 10_000, candidates: 4, resamples: 20 });
    const started = performance.now();
    const markdown = renderMarkdown(report);
    console.log(`10,000-ticket Markdown summary: ${markdown.length.toLocaleString('en-US')} characters in ${Math.round(performance.now() - started)} ms`);
    expect(report.metrics.injectionAttempts.length).toBeGreaterThan(500);
    expect(markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    for (const candidate of report.metrics.candidates) expect(markdown).toMatch(new RegExp(`^\\| ${candidate.candidate} \\| \\d+%`, 'm'));
    expect(markdown).toMatch(/\n\n\*Cut here to fit a pull-request comment \(65,536 characters\): [\d,]+ more lines\. The full report is report\.html \(and report\.json\) in the run folder\.\*\n$/);
  }, 120_000);

  it('cuts a long summary at a whole line, French or English, and leaves a short one alone', () => {
    const rows = Array.from({ length: 400 }, (_, index) => (index % 2 ? `| ${index} | Où est mon colis ? Je l’attends depuis une semaine |` : `| ${index} | Where is my parcel? I have waited a week |`));
    const full = `# Summary\n\n${rows.join('\n')}\n`;
    const cut = fitComment(full, 5_000);
    expect(cut.length).toBeLessThanOrEqual(5_000);
    const kept = cut.slice(0, cut.indexOf('\n\n*Cut here'));
    expect(full.startsWith(`${kept}\n`)).toBe(true);
    const more = Number(/: ([\d,]+) more lines/.exec(cut)![1]!.replace(/,/g, ''));
    expect(kept.split('\n').length + more).toBe(full.split('\n').length);
    expect(fitComment(full)).toBe(full);
  });
});
