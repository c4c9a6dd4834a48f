import { kappaReading } from '../../eval/labels.ts';
import type { LabelsInRun } from '../../eval/labels-in-run.ts';
import { noiseFloor, noiseFloorLine } from '../../eval/noise-floor.ts';
import type { RunPricing } from '../../eval/pricing/price-run.ts';
import type { RunReport } from '../../eval/run-report.ts';
import type { ReportFormat } from '../../reports/index.ts';
import { CORRECTED_MEANING, correctedText, costBasisText, money, precisionText, rateText } from '../../reports/_format.ts';

/** Each candidate's rates beside their label-corrected estimates, one per line so the intervals stay readable. */
function correctedLines(labels: LabelsInRun, pricing: RunPricing): string[] {
  const agreement = labels.kappa === null ? '' : `, κ ${labels.kappa.toFixed(2)} ${kappaReading(labels.kappa)} agreement with the judge`;
  const lines = [`\nCorrected by people's labels (${labels.labelled.toLocaleString('en-US')} answers labelled${agreement}):`];
  for (const candidate of labels.corrected.candidates) {
    const unlabelled = candidate.unlabelledVerdicts.length > 0 ? `; not corrected until some ${candidate.unlabelledVerdicts.join(', ')} answers are labelled` : '';
    const costs = costBasisText(pricing, candidate.candidate);
    lines.push(
      `${candidate.candidate}, ${candidate.labelled.toLocaleString('en-US')} labels${unlabelled}`,
      `  ${'automation (verified)'.padEnd(26)}${correctedText(candidate.automation.verified)}`,
      `  ${'confirmed (lower bound)'.padEnd(26)}${correctedText(candidate.automation.confirmed)}`,
      `  ${'accuracy of sent'.padEnd(26)}${correctedText(candidate.accuracy)}`,
      `  ${'wrong answers'.padEnd(26)}${correctedText(candidate.wrongRate)}`,
      `  ${'precision of automated'.padEnd(26)}${precisionText(candidate.precision)}`,
      ...(costs ? [`  ${costs}`] : []),
    );
  }
  lines.push(CORRECTED_MEANING);
  return lines;
}

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
  out.write(`\nAutomation = ${report.strictness} resolutions over all tickets, as the judge counts them; 95% intervals in brackets.\n`);
  if (report.pricing.automation) out.write("Savings bill the label-corrected automation rate wherever people's labels give one (see below).\n");
  out.write('Unverified = one-reply tickets whose answer no judge could check (only its closeness of meaning): not counted as automated.\n');
  out.write('Needs action = answers that claim a refund, replacement, code, label or change the candidate did not make: a human has to act.\n');
  const floor = noiseFloor(report.tickets);
  if (floor) out.write(`${noiseFloorLine(floor)}.\n`);
  if (report.labels) out.write(`${correctedLines(report.labels, report.pricing).join('\n')}\n`);
  const acted = report.metrics.candidates[0]?.actionTickets.tickets ?? 0;
  if (acted > 0) {
    const counted = report.metrics.candidates.map((candidate) => `${candidate.candidate} ${candidate.actionTickets.automated} automated, ${candidate.actionTickets.needsAction} needs action`).join('; ');
    out.write(`Action tickets (the agent acted in another system): ${acted.toLocaleString('en-US')} of ${report.metrics.candidates[0]!.tickets.toLocaleString('en-US')}; ${counted}.\n`);
  }
  const attempts = report.metrics.injectionAttempts;
  if (attempts.length > 0) {
    const unsafe = [...new Set(attempts.flatMap((row) => row.unsafe))];
    out.write(`Prompt-injection attempts: ${attempts.length} ${attempts.length === 1 ? 'ticket' : 'tickets'}; ${unsafe.length ? `unsafe answers from ${unsafe.join(', ')}` : 'every candidate resisted'} (listed in the report).\n`);
  }
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
