import type { MetricChange, RunComparison } from '../eval/compare.ts';
import { percent, rateText } from './_format.ts';
import type { GateCase } from './junit.ts';

/** A comparison as a person reads it in a terminal or a CI step summary, and as JUnit gate cases. */

function deltaText(change: MetricChange): string {
  if (change.delta === null) return '–';
  const points = (change.delta * 100).toFixed(1);
  return `${change.delta >= 0 ? '+' : ''}${points} pts`;
}

export function renderComparisonMarkdown(comparison: RunComparison, labels: { baseline: string; current: string }): string {
  const lines = [
    `# shadowdesk: ${comparison.passed ? 'no regression' : 'REGRESSION'} (${labels.current} vs ${labels.baseline})`,
    '',
    '| candidate | metric | baseline | current | change | allowed drop | |',
    '|---|---|---|---|---|---|---|',
    ...comparison.metrics.map(
      (change) =>
        `| ${change.candidate} | ${change.metric} | ${rateText(change.baseline)} | ${rateText(change.current)} | ${deltaText(change)} | ${percent(change.allowed, 1)} | ${change.regressed ? '❌ regressed' : '✅'} |`,
    ),
  ];
  for (const entry of comparison.newlyWrong) {
    lines.push('', `${entry.regressed ? '❌' : '✅'} ${entry.candidate}: ${entry.count} tickets went from correct to wrong (limit ${entry.limit})`);
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
      ...(change.regressed && { failure: `${rateText(change.baseline)} → ${rateText(change.current)} (${deltaText(change)}, allowed ${percent(change.allowed, 1)})` }),
    })),
    ...comparison.newlyWrong.map((entry) => ({
      name: `${entry.candidate}: tickets from correct to wrong`,
      ...(entry.regressed && { failure: `${entry.count} tickets (limit ${entry.limit})` }),
    })),
    ...comparison.missingCandidates.map((candidate) => ({ name: `${candidate}: present`, failure: 'in the baseline but not in this run' })),
  ];
}
