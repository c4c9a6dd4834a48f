import { kappaReading } from '../eval/labels.ts';
import type { LabelsInRun } from '../eval/labels-in-run.ts';
import { noiseFloor, noiseFloorLine } from '../eval/noise-floor.ts';
import type { RulesInRun } from '../eval/rules/in-run.ts';
import type { RunReport } from '../eval/run-report.ts';
import { CORRECTED_MEANING, correctedText, costBasisText, markdownCell, money, percent, precisionText, rateText } from './_format.ts';

/**
 * The summary a CI step shows (GitHub's step summary takes Markdown): headline rates with their
 * intervals per candidate, what the cheapest pricing model would have cost and, when the run replayed
 * helpdesk rules, what each rule did.
 */
export function renderMarkdown(report: RunReport): string {
  const { metrics, pricing } = report;
  const lines = [
    `# shadowdesk run: ${metrics.candidates[0]?.tickets.toLocaleString('en-US') ?? 0} past tickets replayed`,
    '',
    `Automation counts a ticket as resolved when it was **${report.strictness}**; intervals are 95% bootstrap (${metrics.resamples} resamples, seed ${metrics.seed}).`,
    '',
    '| candidate | automation (verified) | unverified (not counted) | needs an action | contained | accuracy of sent | sent | wrong answers | failed calls | threshold for target |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const candidate of metrics.candidates) {
    const sweep = metrics.sweeps.find((entry) => entry.candidate === candidate.candidate);
    const threshold = sweep?.thresholdForTarget === null || sweep === undefined ? 'none' : `${sweep.thresholdForTarget.toFixed(2)} → ${percent(sweep.atTarget?.automation)} automated`;
    lines.push(
      `| ${candidate.candidate} | ${rateText(candidate.automation.verified)} | ${rateText(candidate.unverifiedRate)} | ${rateText(candidate.needsActionRate)} | ${rateText(candidate.automation.contained)} | ${rateText(candidate.accuracy)} | ${rateText(candidate.sendRate)} | ${rateText(candidate.wrongRate)} | ${rateText(candidate.errorRate)} | ${threshold} |`,
    );
  }
  lines.push(
    '',
    '*Unverified*: one-reply tickets whose answer no judge could check — only its closeness of meaning to the agent\'s reply — so they are not counted as automated. *Needs an action*: answers that claim a refund, replacement, code, label or change the candidate did not make.',
  );
  const floor = noiseFloor(report.tickets);
  if (floor) lines.push('', `**${noiseFloorLine(floor)}.**`);
  if (report.labels) lines.push('', ..._correctedSection(report.labels));
  const best = [...metrics.candidates].sort((a, b) => (b.automation.verified.value ?? 0) - (a.automation.verified.value ?? 0))[0];
  const projection = best && pricing.byCandidate[best.candidate];
  if (best && projection) {
    const months = projection.months;
    const basis = costBasisText(pricing, best.candidate);
    lines.push('', `## Cost over ${months.length} months of history with ${best.candidate}`, '');
    if (basis) lines.push(`${basis[0]!.toUpperCase()}${basis.slice(1)}.`, '');
    lines.push('| pricing model | total | per automated resolution | savings vs all-human |', '|---|---|---|---|');
    for (const model of [...projection.models].sort((a, b) => a.totals.total - b.totals.total)) {
      const perResolution = model.costPerAutomatedResolution === null ? '–' : money(model.costPerAutomatedResolution, pricing.currency).replace(/\.00$/, '');
      lines.push(`| ${model.label} | ${money(model.totals.total, pricing.currency)} | ${perResolution} | ${money(model.savings, pricing.currency)} (${percent(model.savingsShare)}) |`);
    }
  }
  lines.push('', ..._trustSection(report));
  if (report.rules) lines.push('', ..._rulesSection(report.rules));
  return `${lines.join('\n')}\n`;
}

// --- internal ---

/** Action tickets per candidate, then every injection attempt: the customer's words are untrusted, so every cell is escaped. */
function _trustSection({ metrics }: RunReport): string[] {
  const lines = [
    '## Action tickets',
    '',
    'Tickets whose agent acted in another system (a refund, a replacement, a code, an invoice…): a text-only candidate cannot close them alone.',
    '',
    '| candidate | action tickets | automated | needs an action | sent otherwise | not sent |',
    '|---|---|---|---|---|---|',
    ...metrics.candidates.map(({ candidate, tickets, actionTickets: a }) => `| ${markdownCell(candidate)} | ${a.tickets} (${percent(tickets ? a.tickets / tickets : null)}) | ${a.automated} | ${a.needsAction} | ${a.otherSent} | ${a.notSent} |`),
    '',
    `## Prompt-injection attempts: ${metrics.injectionAttempts.length}`,
  ];
  if (metrics.injectionAttempts.length === 0) return [...lines, '', 'No customer message tried to take over the AI.'];
  return [
    ...lines,
    '',
    '| ticket | attempt | unsafe answer from |',
    '|---|---|---|',
    ...metrics.injectionAttempts.map((row) => `| ${markdownCell(row.ticketId)} | ${markdownCell(row.excerpt)} | ${row.unsafe.length ? row.unsafe.map(markdownCell).join(', ') : 'every candidate resisted'} |`),
  ];
}

/** Each candidate's judge figures beside their label-corrected estimates; names come from a file, so they are escaped. */
function _correctedSection(labels: LabelsInRun): string[] {
  const agreement = labels.kappa === null ? '' : ` (κ ${labels.kappa.toFixed(2)}, ${kappaReading(labels.kappa)} agreement with the judge)`;
  const lines = [
    "## Corrected by people's labels",
    '',
    `${labels.labelled.toLocaleString('en-US')} answers labelled by people${agreement}. ${CORRECTED_MEANING}`,
    '',
    '| candidate | labels | automation (verified) | confirmed (lower bound) | accuracy of sent | wrong answers | precision of automated |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const candidate of labels.corrected.candidates) {
    const figures = [candidate.automation.verified, candidate.automation.confirmed, candidate.accuracy, candidate.wrongRate].map(correctedText);
    lines.push(`| ${markdownCell(candidate.candidate)} | ${candidate.labelled.toLocaleString('en-US')} | ${figures.join(' | ')} | ${precisionText(candidate.precision)} |`);
  }
  const unlabelled = labels.corrected.candidates.filter((candidate) => candidate.unlabelledVerdicts.length > 0);
  if (unlabelled.length > 0) {
    lines.push('', `*Not corrected* until some answers of each verdict are labelled: ${unlabelled.map((candidate) => `${markdownCell(candidate.candidate)} (${candidate.unlabelledVerdicts.join(', ')})`).join(', ')}.`);
  }
  return lines;
}

/** Rules (issue 10): one row per rule, then the conflicts; names are untrusted, so every cell is escaped. */
function _rulesSection(rules: RulesInRun): string[] {
  const { result } = rules;
  const lines = [
    `## Rules: ${markdownCell(rules.file)} over ${result.tickets.toLocaleString('en-US')} tickets`,
    '',
    `| rule | fired | tag P / R | assign P / R | auto-replies / answered anyway (≤ ${result.replyWithinMinutes} min) |`,
    '|---|---|---|---|---|',
  ];
  for (const rule of result.rules) {
    const name = `${markdownCell(rule.name)}${rule.enabled ? '' : ' (disabled)'}`;
    if (!rule.enabled) {
      lines.push(`| ${name} | – | – | – | – |`);
      continue;
    }
    const fired = `${rule.fired.tickets.toLocaleString('en-US')} (${percent(rule.fired.share.value)})`;
    const tags = rule.tags ? `${percent(rule.tags.precision.value)} / ${percent(rule.tags.recall.value)}` : '–';
    const assignment = rule.assignment === null ? '–' : rule.assignment.comparable ? `${percent(rule.assignment.precision.value)} / ${percent(rule.assignment.recall.value)}` : 'team — not comparable';
    const replies = rule.autoReply ? `${rule.autoReply.tickets.toLocaleString('en-US')} / ${rule.autoReply.answeredWithin.toLocaleString('en-US')}` : '–';
    lines.push(`| ${name} | ${fired} | ${tags} | ${assignment} | ${replies} |`);
  }
  if (result.conflicts.length > 0) {
    lines.push('', '| conflict | rules | tickets |', '|---|---|---|');
    for (const conflict of result.conflicts) {
      lines.push(`| ${conflict.kind} | ${markdownCell(conflict.rules[0])} vs ${markdownCell(conflict.rules[1])} | ${conflict.tickets.toLocaleString('en-US')} |`);
    }
  }
  const both = Object.entries(rules.bothSent);
  if (both.length > 0) {
    lines.push('', `Auto-reply and AI answer both sent: ${both.map(([candidate, entry]) => `${markdownCell(candidate)} ${entry.tickets.toLocaleString('en-US')} tickets`).join(', ')}.`);
  }
  return lines;
}
