import { contextRecallLine, CORRECTED_MEANING, correctedText, costBasisText, decide, decisionTerminalLines, errorRateExceeded, failedAnswers, failureText, kappaReading, noiseFloor, noiseFloorLine, PASS_K_MEANING, precisionText, rateText, repeatabilityRows, type LabelsInRun, type ReportFormat, type RunPricing, type RunReport } from '../../index.ts';
import { EXIT_UNUSABLE } from '../_cli.ts';

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

/** pass^1 and pass^k beside the first try's automation, one candidate per line. */
function repeatabilityLines(report: RunReport): string[] {
  const k = report.repeatability!.repeat;
  const columns = ['automation', 'pass^1', `pass^${k}`];
  return [
    `\nRepeatability over ${k} tries per ticket (each a fresh call to the model):`,
    `${'candidate'.padEnd(18)}${columns.map((column) => column.padEnd(18)).join('')}flaky tickets`,
    ...repeatabilityRows(report).map((row) => `${row.candidate.padEnd(18)}${[row.automation, row.passOne, row.passK].map((cell) => cell.padEnd(18)).join('')}${row.flaky}`),
    PASS_K_MEANING,
  ];
}

/**
 * Failed answers first: they count as escalated, so an endpoint that was down reads "0% wrong
 * answers" in the table below. Returns the candidates whose every answer failed.
 */
function failureLines(report: RunReport): { lines: string[]; allFailed: Set<string> } {
  const failing = failedAnswers(report).filter((entry) => entry.failed > 0);
  const allFailed = new Set(failing.filter((entry) => entry.failed === entry.answers).map((entry) => entry.candidate));
  if (failing.length === 0) return { lines: [], allFailed };
  return {
    lines: [
      `\nFAILED ANSWERS (the AI was not reached or answered nothing usable; these tickets count as escalated):`,
      ...failing.map((entry) => `  ${failureText(entry)}`),
      ...(allFailed.size > 0 ? [`  ${[...allFailed].join(', ')}: every answer failed, so no rate below says anything about ${allFailed.size === 1 ? 'its' : 'their'} answers.`] : []),
    ],
    allFailed,
  };
}

export const MAX_ERROR_RATE_ARG = {
  type: 'string',
  description: 'Exit 1 when a candidate’s share of failed answers (endpoint down, timeouts, unreadable replies) is above this, e.g. 0.05 or 5%',
} as const;

/** With `--max-error-rate`: says which candidates are past it and makes the command exit 1. */
export function failPastErrorRate(report: RunReport, limit: number | undefined): void {
  if (limit === undefined) return;
  const problem = errorRateExceeded(failedAnswers(report), limit, '--max-error-rate');
  if (!problem) return;
  process.stderr.write(`shadowdesk: ${problem}\n`);
  process.exitCode = EXIT_UNUSABLE;
}

/** The few lines a person reads after a run: failed answers, each candidate's headline rates and where the reports are. */
export function printRunSummary(report: RunReport, written: Partial<Record<ReportFormat, string>>): void {
  const out = process.stdout;
  const failures = failureLines(report);
  if (failures.lines.length > 0) out.write(`${failures.lines.join('\n')}\n`);
  out.write(`\n${decisionTerminalLines(decide(report.pricing.decisionInputs, report.gaps)).join('\n')}\n`);
  const columns = ['sent', 'automation', 'unverified', 'needs action', 'accuracy', 'wrong answers'];
  out.write(`\n${'candidate'.padEnd(18)}${columns.map((column) => column.padEnd(18)).join('')}\n`);
  for (const candidate of report.metrics.candidates) {
    const rates = [candidate.sendRate, candidate.automation.verified, candidate.unverifiedRate, candidate.needsActionRate, candidate.accuracy, candidate.wrongRate]
      .map((rate) => rateText(rate).padEnd(18))
      .join('');
    out.write(`${candidate.candidate.padEnd(18)}${failures.allFailed.has(candidate.candidate) ? 'every answer failed: no rate to show' : rates}\n`);
  }
  out.write(`\nAutomation = ${report.strictness} resolutions over all tickets, as the judge counts them; 95% intervals in brackets.\n`);
  if (report.pricing.automation) out.write("Costs bill the label-corrected automation rate wherever people's labels give one (see below).\n");
  out.write('Unverified = one-reply tickets whose answer no judge could check (only its closeness of meaning): not counted as automated.\n');
  out.write('Needs action = answers that claim a refund, replacement, code, label or change the candidate did not make: a human has to act.\n');
  if (report.contextRecall) {
    const lines = Object.entries(report.contextRecall).map(([candidate, recall]) => `  ${contextRecallLine(candidate, recall)}`);
    out.write(`\nContext recall (what the agent's reply rested on: its macro, linked articles, the order it named, an earlier answer it repeated; found in each candidate's context):\n${lines.join('\n')}\n`);
  }
  if (report.repeatability) out.write(`${repeatabilityLines(report).join('\n')}\n`);
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
