import { describeFailure } from '../eval/failure-kind.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';

/**
 * JUnit XML, the format every CI system displays: one suite per candidate, one test case per
 * ticket; a sent answer judged wrong is a failure, an unsent one is skipped. Gate checks from
 * `shadowdesk ci` come as an extra suite.
 */

export interface GateCase {
  name: string;
  failure?: string;
}

function xml(text: string): string {
  // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function suite(name: string, cases: Array<{ name: string; failure?: string; skipped?: string }>): string {
  const failures = cases.filter((entry) => entry.failure !== undefined).length;
  const skipped = cases.filter((entry) => entry.skipped !== undefined).length;
  const body = cases
    .map((entry) => {
      const inner = entry.failure !== undefined ? `<failure message="${xml(entry.failure)}"/>` : entry.skipped !== undefined ? `<skipped message="${xml(entry.skipped)}"/>` : '';
      return `    <testcase classname="${xml(name)}" name="${xml(entry.name)}">${inner}</testcase>`;
    })
    .join('\n');
  return `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${body}\n  </testsuite>`;
}

export function renderJunit(report: RunReport, gate: GateCase[] = []): string {
  const suites = report.run.candidates.map((candidate) =>
    suite(
      `shadowdesk.${candidate}`,
      report.tickets.flatMap((ticket) => {
        const answer = ticket.answers.find((entry) => entry.candidate === candidate);
        if (!answer) return [];
        const name = `ticket ${ticket.ticketId}`;
        if (!answer.sent) return [{ name, skipped: answer.failure ? describeFailure(answer.failure) : (answer.reason ?? 'escalated') }];
        if (answer.verdict !== 'wrong') return [{ name }];
        return [{ name, failure: answer.judges.filter((judge) => judge.score === 0).map((judge) => `${judge.judge}: ${judge.reason}`).join('; ') || 'judged wrong' }];
      }),
    ),
  );
  if (gate.length > 0) suites.unshift(suite('shadowdesk.gate', gate));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="shadowdesk">\n${suites.join('\n')}\n</testsuites>\n`;
}
