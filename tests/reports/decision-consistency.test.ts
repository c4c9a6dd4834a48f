import { afterEach, describe, expect, it, vi } from 'vitest';
import { printRunSummary } from '../../bin/commands/_summary.ts';
import { decide, type Decision } from '../../eval/pricing/decision.ts';
import { money, percent } from '../../reports/_format.ts';
import { breakEvenText, cheapestPlan, headlineText, quotedText, savingsText, wrongText } from '../../reports/decision-text.ts';
import { REPORT_WRITERS } from '../../reports/index.ts';
import { makeReport } from './_report-factory.ts';

/** What the terminal summary prints for a report. */
function terminal(report: Parameters<typeof printRunSummary>[0]): string {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    printRunSummary(report, {});
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

afterEach(() => vi.restoreAllMocks());

describe('the decision is the same figure in every output', () => {
  it.each([
    ['judge only', false],
    ['with people’s labels', true],
  ])('prints the same cheapest option, quoted rates, risk and break-even in the terminal, Markdown and JSON (%s)', async (_, labels) => {
    const report = await makeReport({ tickets: 120, candidates: 3, labels });
    const json = JSON.parse(REPORT_WRITERS.json.render(report)) as { decision: Decision };
    const decision = json.decision;
    expect(Object.keys(json)[0]).toBe('decision');
    expect(decision).toEqual(JSON.parse(JSON.stringify(decide(report.pricing.decisionInputs, report.gaps))));
    const markdown = REPORT_WRITERS.markdown.render(report);
    const printed = terminal(report);
    // The decision leads both.
    expect(markdown.indexOf('## Decision')).toBeLessThan(markdown.indexOf('## Candidates'));
    expect(printed.trimStart().startsWith('Decision')).toBe(true);
    expect(printed).toContain(headlineText(decision));
    expect(markdown).toContain(headlineText(decision).replace(/[\\`*_[\]|~#!]/g, '\\$&'));
    for (const candidate of decision.candidates) {
      for (const text of [wrongText(candidate), money(cheapestPlan(candidate)!.monthly, decision.currency), money(cheapestPlan(candidate)!.twelveMonths, decision.currency)]) {
        expect(printed).toContain(text);
        expect(markdown).toContain(text);
      }
      expect(printed).toContain(quotedText(candidate.automation));
      expect(printed).toContain(breakEvenText(candidate, decision));
      // The threshold that meets the target accuracy: the decision's, in the candidates' table.
      const met = candidate.meetsTarget;
      const row = markdown.split('\n').find((line) => line.startsWith(`| ${candidate.candidate} | `) && line.split('|').length === 12)!;
      expect(row.trimEnd().endsWith(`| ${met ? `${met.threshold.toFixed(2)} → ${percent(met.automation)} automated` : 'never reached'} |`)).toBe(true);
    }
    if (labels) for (const candidate of decision.candidates) expect(candidate.automation.basis).toBe('label-corrected');
  });

  it('counts the same wrong answers in the decision, the CSV and JUnit', async () => {
    const report = await makeReport({ tickets: 150, candidates: 2 });
    const decision = decide(report.pricing.decisionInputs, report.gaps);
    const csv = REPORT_WRITERS.csv.render(report).trimEnd().split('\r\n').slice(1);
    const junit = REPORT_WRITERS.junit.render(report);
    for (const candidate of decision.candidates) {
      const rows = csv.filter((row) => row.split(',')[5] === candidate.candidate);
      const wrongRows = rows.filter((row) => row.split(',')[7] === 'true' && row.split(',')[9] === 'wrong').length;
      expect(wrongRows / rows.length).toBeCloseTo(candidate.wrongRate, 10);
      const suite = new RegExp(`<testsuite name="shadowdesk\\.${candidate.candidate}" tests="(\\d+)" failures="(\\d+)"`).exec(junit)!;
      expect(Number(suite[2]) / Number(suite[1])).toBeCloseTo(candidate.wrongRate, 10);
      expect(candidate.wrongPerMonth).toBeCloseTo(candidate.wrongRate * decision.assumptions.monthlyTickets, 10);
    }
  });

  it('prints every amount to the cent', async () => {
    const report = await makeReport({ tickets: 90, candidates: 2 });
    const markdown = REPORT_WRITERS.markdown.render(report);
    const printed = terminal(report);
    for (const text of [markdown, printed]) {
      // Vendors' own notes beside a price ("begin at $1") are quoted as written.
      const ours = text.split('\n').filter((line) => !line.includes(' from https://')).join('\n');
      const amounts = ours.match(/\$[\d,]+(?:\.\d+)?/g) ?? [];
      expect(amounts.length).toBeGreaterThan(5);
      for (const amount of amounts) expect(amount).toMatch(/\.\d\d$/);
    }
    expect(money(1.5, 'USD')).toBe('$1.50');
    expect(money(15673, 'USD')).toBe('$15,673.00');
    expect(money(-0.001, 'USD')).toBe('$0.00');
    expect(money(-2.5, 'EUR')).toBe('-€2.50');
    expect([savingsText(-0.001, 'USD'), savingsText(-0.5, 'USD')]).toEqual(['saves $0.00', 'costs $0.50 more']);
  });

  it('never names the largest saving of a plan measured against its own baseline', async () => {
    const report = await makeReport({ tickets: 60, candidates: 2 });
    expect(terminal(report)).not.toContain('largest saving');
  });
});
