import { kappaReading } from '../eval/labels/labels.ts';
import type { LabelsInRun } from '../eval/labels/in-run.ts';
import { noiseFloor, noiseFloorLine } from '../eval/metrics/noise-floor.ts';
import type { RulesInRun } from '../eval/rules/in-run.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';
import { decide, MIN_JUDGED_FOR_ACCURACY, TARGET_ACCURACY, type Decision } from '../eval/pricing/decision.ts';
import { CORRECTED_MEANING, correctedText, costBasisText, markdownCell, money, percent, precisionText, rateText } from './_format.ts';
import { assumptionLines, breakdownNote, breakEvenText, historyBasisText, cheapestPlan, headlineText, provenanceText, quotedText, savingsText, ticketsText, wrongText } from './decision-text.ts';

/**
 * The summary a CI step shows (GitHub's step summary takes Markdown): headline rates with their
 * intervals per candidate, what the cheapest pricing model would have cost and, when the run replayed
 * helpdesk rules, what each rule did.
 */
export function renderMarkdown(report: RunReport): string {
  const { metrics, pricing } = report;
  const decision = decide(pricing.decisionInputs, report.gaps);
  const lines = [
    `# shadowdesk run: ${metrics.candidates[0]?.tickets.toLocaleString('en-US') ?? 0} past tickets replayed`,
    '',
    ..._decisionSection(decision),
    '',
    '## Candidates',
    '',
    `Automation counts a ticket as resolved when it was **${report.strictness}**; intervals are 95% bootstrap (${metrics.resamples} resamples, seed ${metrics.seed}).`,
    '',
    '| candidate | automation (verified) | unverified (not counted) | needs an action | contained | accuracy of sent | sent | wrong answers | failed calls | threshold for target accuracy |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const candidate of metrics.candidates) {
    const met = decision.candidates.find((entry) => entry.candidate === candidate.candidate)?.meetsTarget;
    const threshold = met ? `${met.threshold.toFixed(2)} → ${percent(met.automation)} automated` : 'never reached';
    lines.push(
      `| ${candidate.candidate} | ${rateText(candidate.automation.verified)} | ${rateText(candidate.unverifiedRate)} | ${rateText(candidate.needsActionRate)} | ${rateText(candidate.automation.contained)} | ${rateText(candidate.accuracy)} | ${rateText(candidate.sendRate)} | ${rateText(candidate.wrongRate)} | ${rateText(candidate.errorRate)} | ${threshold} |`,
    );
  }
  lines.push(
    '',
    `*Threshold for target accuracy*: the lowest send threshold at which the answers still sent reach ${percent(TARGET_ACCURACY)} accuracy, with at least ${MIN_JUDGED_FOR_ACCURACY} judged.`,
    '',
    '*Unverified*: one-reply tickets whose answer no judge could check — only its closeness of meaning to the agent\'s reply — so they are not counted as automated. *Needs an action*: answers that claim a refund, replacement, code, label or change the candidate did not make.',
  );
  if (report.repeatability) lines.push('', ..._repeatabilitySection(report));
  const notes = breakdownNotes(report);
  if (notes.length > 0) lines.push('', notes.join(' '));
  const floor = noiseFloor(report.tickets);
  if (floor) lines.push('', `**${noiseFloorLine(floor)}.**`);
  if (report.labels) lines.push('', ..._correctedSection(report.labels));
  const best = metrics.candidates.filter((candidate) => pricing.byCandidate[candidate.candidate]).sort((a, b) => (b.automation.verified.value ?? 0) - (a.automation.verified.value ?? 0))[0];
  const projection = best && pricing.byCandidate[best.candidate];
  if (best && projection) {
    const months = projection.months;
    const basis = costBasisText(pricing, best.candidate);
    lines.push('', `## Cost over ${months.length} months of history with ${best.candidate}`, '');
    if (basis) lines.push(`${basis[0]!.toUpperCase()}${basis.slice(1)}.`, '');
    lines.push(`All-human, the same for every model: ${money(projection.models[0]?.allHumanTotals.total ?? 0, pricing.currency)}. ${historyBasisText(pricing.decisionInputs.pricing)}`, '');
    lines.push('| pricing model | total | per automated resolution | savings vs all-human |', '|---|---|---|---|');
    for (const model of [...projection.models].sort((a, b) => a.totals.total - b.totals.total)) {
      const perResolution = model.costPerAutomatedResolution === null ? '–' : money(model.costPerAutomatedResolution, pricing.currency);
      lines.push(`| ${model.label} | ${money(model.totals.total, pricing.currency)} | ${perResolution} | ${money(model.savings, pricing.currency)} (${percent(model.savingsShare)}) |`);
    }
  }
  lines.push('', ..._trustSection(report));
  if (report.rules) lines.push('', ..._rulesSection(report.rules));
  return fitComment(`${lines.join('\n')}\n`);
}

/** GitHub's limit on a pull-request or issue comment, in characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * The summary cut at a line so it fits a pull-request comment, with a last line saying what was cut
 * and where all of it is; unchanged when it fits. Long lists (injection attempts, rules) come last,
 * so the headline figures always survive.
 */
export function fitComment(markdown: string, limit = COMMENT_LIMIT): string {
  if (markdown.length <= limit) return markdown;
  const lines = markdown.split('\n');
  const footer = (cut: number) =>
    `\n\n*Cut here to fit a pull-request comment (${limit.toLocaleString('en-US')} characters): ${cut.toLocaleString('en-US')} more lines. The full report is report.html (and report.json) in the run folder.*\n`;
  let length = 0;
  let kept = 0;
  while (kept < lines.length && length + lines[kept]!.length + 1 + footer(lines.length - kept - 1).length <= limit) length += lines[kept++]!.length + 1;
  return `${lines.slice(0, kept).join('\n')}${footer(lines.length - kept)}`;
}

/**
 * What the history does not record, said once for the run: a dimension no ticket has (no channel,
 * no language, no tag) gets its sentence instead of an empty table, and tickets missing from the
 * other breakdowns are counted. Tickets are the same for every candidate, so the first one's speak for all.
 */
export function breakdownNotes(report: RunReport): string[] {
  const breakdowns = Object.values(report.metrics.breakdowns)[0] ?? [];
  return breakdowns.flatMap((breakdown) => breakdownNote(breakdown) ?? []);
}

/** One candidate's repeatability as every report writes it, beside its (first try's) automation. */
export interface RepeatabilityRow {
  candidate: string;
  automation: string;
  passOne: string;
  passK: string;
  flaky: string;
}

/** What pass^k means, once, under every repeatability table. */
export const PASS_K_MEANING =
  "pass^k = the chance that all k tries of a ticket are sent and judged correct (τ-bench's unbiased estimate, mean over tickets); pass^1 is the success rate over every try. A gap between them is flakiness. Automation and every other figure are the first try's.";

/** The rows of the repeatability table: none when the run was not repeated. */
export function repeatabilityRows(report: RunReport): RepeatabilityRow[] {
  const repeatability = report.repeatability;
  if (!repeatability) return [];
  return repeatability.candidates.map((candidate) => {
    const automation = rateText(report.metrics.candidates.find((entry) => entry.candidate === candidate.candidate)?.automation.verified ?? { value: null, low: null, high: null });
    const passOne = rateText(candidate.passK[0]!);
    if (candidate.answeredOnce) return { candidate: candidate.candidate, automation, passOne, passK: 'same as pass^1', flaky: 'none: consults no model, answered once' };
    return { candidate: candidate.candidate, automation, passOne, passK: rateText(candidate.passK.at(-1)!), flaky: `${candidate.flaky.length} of ${candidate.tickets.toLocaleString('en-US')}` };
  });
}

// --- internal ---

function _repeatabilitySection(report: RunReport): string[] {
  const k = report.repeatability!.repeat;
  const flaky = report.repeatability!.candidates.filter((candidate) => candidate.flaky.length > 0);
  return [
    `## Repeatability over ${k} tries per ticket`,
    '',
    `| candidate | automation (verified, first try) | pass^1 | pass^${k} | flaky tickets |`,
    '|---|---|---|---|---|',
    ...repeatabilityRows(report).map((row) => `| ${markdownCell(row.candidate)} | ${row.automation} | ${row.passOne} | ${row.passK} | ${row.flaky} |`),
    '',
    PASS_K_MEANING,
    ...flaky.flatMap((candidate) => ['', `*${markdownCell(candidate.candidate)}*, flaky tickets: ${candidate.flaky.map(markdownCell).join(', ')}`]),
  ];
}

/** The decision first: the cheapest option, each candidate's quotable rate, risk and cheapest plan, what to fix, every assumption. */
function _decisionSection(decision: Decision): string[] {
  const { currency } = decision;
  const lines = [
    '## Decision',
    '',
    `**${markdownCell(headlineText(decision))}**`,
    '',
    `| candidate | automation you can quote (${decision.assumptions.strictness}) | wrong answers sent | cheapest plan | a month | 12 months | vs all-human |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const candidate of decision.candidates) {
    const plan = cheapestPlan(candidate);
    const cost = plan ? `${markdownCell(plan.label)} | ${money(plan.monthly, currency)} | ${money(plan.twelveMonths, currency)} | ${savingsText(plan.savings, currency)}` : '– | – | – | –';
    lines.push(`| ${markdownCell(candidate.candidate)} | ${markdownCell(quotedText(candidate.automation))} | ${wrongText(candidate)} | ${cost} |`);
  }
  lines.push('', `All-human: ${money(decision.baseline.monthly, currency)} a month, ${money(decision.baseline.twelveMonths, currency)} over 12 months.`);
  const lead = decision.candidates.find((candidate) => candidate.candidate === decision.cheapest?.candidate) ?? decision.candidates[0];
  if (lead) {
    lines.push('', `**Break-even** (${markdownCell(lead.candidate)}): ${markdownCell(breakEvenText(lead, decision))}.`);
    if (lead.fixFirst.length > 0) {
      lines.push('', `**What to fix first** (${markdownCell(lead.candidate)}): the knowledge gaps holding the most escalated or wrong tickets.`, '');
      lead.fixFirst.forEach((gap, index) => lines.push(`${index + 1}. ${markdownCell(gap.label)}: up to ${ticketsText(gap.perMonth)} tickets a month (${gap.tickets} in the run)`));
    }
    lines.push('', `<details><summary>Every plan for ${markdownCell(lead.candidate)}</summary>`, '', '| plan | a month | 12 months | vs all-human | price |', '|---|---|---|---|---|');
    for (const plan of lead.plans) {
      lines.push(`| ${markdownCell(plan.label)}${plan.cheapest ? ' (cheapest)' : ''} | ${money(plan.monthly, currency)} | ${money(plan.twelveMonths, currency)} | ${savingsText(plan.savings, currency)} | ${markdownCell(provenanceText(plan))} |`);
    }
    lines.push('', '</details>');
  }
  lines.push('', '**Assumptions**', '', ...assumptionLines(decision).map(([name, text]) => `- ${name}: ${markdownCell(text)}`));
  return lines;
}

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
