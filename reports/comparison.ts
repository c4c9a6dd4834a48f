import type { GatePlan, MetricChange, RunComparison } from '../eval/metrics/compare.ts';
import { percent } from './_format.ts';
import type { GateCase } from './junit.ts';

/** A comparison as a person reads it in a terminal or a CI step summary, and as JUnit gate cases. */

/** Signed points with a real minus sign: "−4.1". */
function points(share: number): string {
  const text = Math.abs(share * 100).toFixed(1);
  return `${share < -0.0005 ? '−' : share > 0.0005 ? '+' : ''}${text}`;
}

function pText(value: number): string {
  return value < 0.001 ? 'p < 0.001' : `p = ${value.toFixed(3)}`;
}

/** "−4.1 points, 95 % CI −6.0 to −2.2, p = 0.003" */
function changeText(change: MetricChange): string {
  if (change.delta === null) return 'not comparable (no ticket counts in one of the runs)';
  const interval = change.low === null || change.high === null ? '' : `, 95 % CI ${points(change.low)} to ${points(change.high)}`;
  return `${points(change.delta)} points${interval}, ${pText(change.pValue)}${change.adjustedPValue > change.pValue ? ` (${change.adjustedPValue < 0.001 ? '< 0.001' : change.adjustedPValue.toFixed(3)} over all checks)` : ''}`;
}

/** "accuracy −4.1 points, 95 % CI −6.0 to −2.2, p = 0.003" */
export function changeSentence(change: MetricChange): string {
  return `${change.metric} ${changeText(change)}`;
}

function verdictOf(change: MetricChange, comparison: RunComparison): string {
  if (change.regressed) return '❌ regressed';
  return change.worse > change.better && change.adjustedPValue < comparison.alpha ? '✅ significant, within tolerance' : '✅';
}

export function renderComparisonMarkdown(comparison: RunComparison, labels: { baseline: string; current: string }): string {
  const lines = [
    `# shadowdesk: ${comparison.passed ? 'no regression' : 'REGRESSION'} (${labels.current} vs ${labels.baseline})`,
    '',
    `A rate regresses when its drop is larger than ${(comparison.tolerance * 100).toFixed(1)} points AND significant on the tickets that changed (McNemar's exact one-sided test, p < ${comparison.alpha} once adjusted over all ${comparison.metrics.length} checks). Both runs are paired ticket by ticket; the interval is a paired bootstrap.`,
    '',
    '| candidate | metric | baseline | current | change | tickets worse / better | |',
    '|---|---|---|---|---|---|---|',
    ...comparison.metrics.map(
      (change) =>
        `| ${change.candidate} | ${change.metric} | ${percent(change.baseline, 1)} | ${percent(change.current, 1)} | ${changeText(change)} | ${change.worse} / ${change.better} | ${verdictOf(change, comparison)} |`,
    ),
  ];
  for (const change of comparison.metrics.filter((entry) => entry.regressed)) lines.push('', `❌ ${change.candidate}: ${changeSentence(change)}`);
  for (const flips of comparison.flips) {
    lines.push('', `${flips.candidate}: ${flips.lost} correct answers lost, ${flips.gained} gained, net ${flips.gained - flips.lost} (${pText(flips.pValue)} for a drop)`);
  }
  for (const pairing of comparison.pairing.filter((entry) => entry.onlyBaseline + entry.onlyCurrent > 0)) {
    lines.push('', `⚠️ ${pairing.candidate}: compared on the ${pairing.paired} tickets both runs answered; left out ${pairing.onlyBaseline} only in the baseline and ${pairing.onlyCurrent} only in this run`);
  }
  for (const missing of comparison.missingCandidates) lines.push('', `❌ candidate ${missing} is in the baseline but not in this run`);
  if (comparison.changed.length > 0) {
    lines.push('', `## Tickets whose verdict changed (${comparison.changed.length})`, '', '| candidate | ticket | before | after |', '|---|---|---|---|');
    for (const change of comparison.changed.slice(0, 50)) lines.push(`| ${change.candidate} | ${change.ticketId} | ${change.from} | ${change.to} |`);
    if (comparison.changed.length > 50) lines.push(`| … | ${comparison.changed.length - 50} more | | |`);
  }
  return `${lines.join('\n')}\n`;
}

export function gateCases(comparison: RunComparison): GateCase[] {
  return [
    ...comparison.metrics.map((change) => ({
      name: `${change.candidate}: ${change.metric}`,
      ...(change.regressed && { failure: changeSentence(change) }),
    })),
    ...comparison.missingCandidates.map((candidate) => ({ name: `${candidate}: present`, failure: 'in the baseline but not in this run' })),
  ];
}

function ticketsText(tickets: number | null): string {
  return tickets === null ? 'more than 1,000,000' : tickets.toLocaleString('en-US');
}

/** What the gate can detect on a baseline, for `shadowdesk ci --plan`. */
export function renderPlanMarkdown(plan: GatePlan, baseline: string): string {
  const wanted = plan.drop === null ? [] : [`tickets to catch ${(plan.drop * 100).toFixed(1)} points`];
  const lines = [
    `# shadowdesk: what the gate can detect on ${baseline}`,
    '',
    `Simulated ${plan.simulations} reruns per drop from the baseline's per-ticket outcomes: ${percent(plan.churn, 1)} of each rate's tickets change outcome between two runs of an unchanged candidate (half each way), and a drop moves more good tickets to bad. The gate fails a drop larger than ${(plan.tolerance * 100).toFixed(1)} points with p < ${plan.alpha} over all its checks, taken here as p < ${plan.alpha} / checks (strict: the real gate counts correlated checks once, so it catches somewhat smaller drops); "smallest drop" is the one it fails in ${percent(plan.power)} of reruns.`,
    '',
    `| candidate | metric | tickets | baseline | smallest drop caught |${wanted.map((title) => ` ${title} |`).join('')}`,
    `|---|---|---|---|---|${wanted.map(() => '---|').join('')}`,
    ...plan.rows.map(
      (row) =>
        `| ${row.candidate} | ${row.metric} | ${row.tickets} | ${percent(row.rate, 1)} | ${row.smallestDrop === null ? 'none, even losing every good ticket' : `${(row.smallestDrop * 100).toFixed(1)} points`} |${plan.drop === null ? '' : ` ${ticketsText(row.ticketsForDrop)} |`}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
