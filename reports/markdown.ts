import type { RunReport } from '../eval/run-report.ts';
import { money, percent, rateText } from './_format.ts';

/**
 * The summary a CI step shows (GitHub's step summary takes Markdown): headline rates with their
 * intervals per candidate, and what the cheapest pricing model would have cost.
 */
export function renderMarkdown(report: RunReport): string {
  const { metrics, pricing } = report;
  const lines = [
    `# shadowdesk run: ${metrics.candidates[0]?.tickets.toLocaleString('en-US') ?? 0} past tickets replayed`,
    '',
    `Automation counts a ticket as resolved when it was **${report.strictness}**; intervals are 95% bootstrap (${metrics.resamples} resamples, seed ${metrics.seed}).`,
    '',
    '| candidate | automation (verified) | contained | accuracy of sent | sent | wrong answers | failed calls | threshold for target |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const candidate of metrics.candidates) {
    const sweep = metrics.sweeps.find((entry) => entry.candidate === candidate.candidate);
    const threshold = sweep?.thresholdForTarget === null || sweep === undefined ? 'none' : `${sweep.thresholdForTarget.toFixed(2)} → ${percent(sweep.atTarget?.automation)} automated`;
    lines.push(
      `| ${candidate.candidate} | ${rateText(candidate.automation.verified)} | ${rateText(candidate.automation.contained)} | ${rateText(candidate.accuracy)} | ${rateText(candidate.sendRate)} | ${rateText(candidate.wrongRate)} | ${rateText(candidate.errorRate)} | ${threshold} |`,
    );
  }
  const best = [...metrics.candidates].sort((a, b) => (b.automation.verified.value ?? 0) - (a.automation.verified.value ?? 0))[0];
  const projection = best && pricing.byCandidate[best.candidate];
  if (best && projection) {
    const months = projection.months;
    lines.push('', `## Cost over ${months.length} months of history with ${best.candidate}`, '', '| pricing model | total | per automated resolution | savings vs all-human |', '|---|---|---|---|');
    for (const model of [...projection.models].sort((a, b) => a.totals.total - b.totals.total)) {
      const perResolution = model.costPerAutomatedResolution === null ? '–' : money(model.costPerAutomatedResolution, pricing.currency).replace(/\.00$/, '');
      lines.push(`| ${model.label} | ${money(model.totals.total, pricing.currency)} | ${perResolution} | ${money(model.savings, pricing.currency)} (${percent(model.savingsShare)}) |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
