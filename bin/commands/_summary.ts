import type { RunReport } from '../../eval/run-report.ts';
import type { ReportFormat } from '../../reports/index.ts';
import { money, rateText } from '../../reports/_format.ts';

/** The few lines a person reads after a run: each candidate's headline rates and where the reports are. */
export function printRunSummary(report: RunReport, written: Partial<Record<ReportFormat, string>>): void {
  const out = process.stdout;
  const columns = ['sent', 'automation', 'unverified', 'needs action', 'accuracy', 'wrong answers'];
  out.write(`\n${'candidate'.padEnd(18)}${columns.map((column) => column.padEnd(18)).join('')}largest saving vs all-human\n`);
  for (const candidate of report.metrics.candidates) {
    // Savings compare each model with its own all-human baseline, so AI-only and helpdesk bundles rank fairly.
    const best = [...(report.pricing.byCandidate[candidate.candidate]?.models ?? [])].sort((a, b) => b.savings - a.savings)[0];
    const saving = best ? `${money(best.savings, report.pricing.currency)} (${best.label})` : '–';
    const rates = [candidate.sendRate, candidate.automation.verified, candidate.unverifiedRate, candidate.needsActionRate, candidate.accuracy, candidate.wrongRate]
      .map((rate) => rateText(rate).padEnd(18))
      .join('');
    out.write(`${candidate.candidate.padEnd(18)}${rates}${saving}\n`);
  }
  out.write(`\nAutomation = ${report.strictness} resolutions over all tickets; 95% intervals in brackets.\n`);
  out.write('Unverified = one-reply tickets whose answer no judge could check (only its closeness of meaning): not counted as automated.\n');
  out.write('Needs action = answers that claim a refund, replacement, code, label or change the candidate did not make: a human has to act.\n');
  if (report.rules) {
    const { result, billing, bothSent } = report.rules;
    const fired = result.rules.filter((rule) => rule.fired.tickets > 0).length;
    const both = Object.entries(bothSent).map(([candidate, sent]) => `${candidate} ${sent.tickets.toLocaleString('en-US')}`).join(', ');
    out.write(`\nRules (${report.rules.file}): ${fired} of ${result.rules.length} fired on these ${result.tickets.toLocaleString('en-US')} tickets; ${result.conflicts.length} conflicts.\n`);
    out.write(`Over the whole history they send ${billing.autoReplies.toLocaleString('en-US')} auto-replies and make ${billing.addedBillable.toLocaleString('en-US')} more tickets billable.\n`);
    if (both) out.write(`Auto-reply and AI answer both sent: ${both}.\n`);
  }
  if (written.html) out.write(`\nOpen the report: ${written.html}\n`);
  const others = Object.entries(written).filter(([format]) => format !== 'html');
  if (others.length > 0) out.write(`Also written: ${others.map(([, path]) => path).join(', ')}\n`);
}
