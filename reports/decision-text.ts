import type { Assumptions, CandidateDecision, Decision, PlanCost, QuotedAutomation } from '../eval/pricing/decision.ts';
import type { Breakdown } from '../eval/metrics/metrics.ts';
import { humanTicketCost } from '../eval/pricing/project.ts';
import type { Pricing } from '../eval/pricing/schema.ts';
import { money, percent } from './_format.ts';

/**
 * The decision's figures as words, shared by the terminal, the Markdown summary and the page
 * script, so a figure reads the same wherever it is printed. No Node: the page bundles it.
 */

/** Tickets a month: whole numbers stay whole, fractions get one decimal ("15.5"). */
export function ticketsText(count: number): string {
  return count.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function quotedText(automation: QuotedAutomation): string {
  const interval = automation.low === null || automation.high === null ? '' : ` (${percent(automation.low)}–${percent(automation.high)})`;
  if (automation.basis === 'label-corrected') return `${percent(automation.rate)}${interval} label-corrected${automation.lowerBound ? ' (a lower bound)' : ''}; the judge says ${percent(automation.judge)}`;
  const unverified = automation.unverified > 0 ? `; ${percent(automation.unverified)} more unverified, not counted` : '';
  return `${percent(automation.rate)} judge-verified${unverified}${automation.uncorrected ? ` (not corrected: ${automation.uncorrected})` : ''}`;
}

export function wrongText(candidate: CandidateDecision): string {
  return `${ticketsText(candidate.wrongPerMonth)} a month (${percent(candidate.wrongRate, 1)})`;
}

export function cheapestPlan(candidate: CandidateDecision): PlanCost | undefined {
  return candidate.plans.find((plan) => plan.cheapest);
}

/** A saving in words, judged at the cent it is printed to: under half a cent either way saves $0.00. */
export function savingsText(amount: number, currency: string): string {
  return Math.round(amount * 100) >= 0 ? `saves ${money(amount, currency)}` : `costs ${money(-amount, currency)} more`;
}

/** The two cheapest plans' swap in the scanned range, or that there is none. */
export function breakEvenText(candidate: CandidateDecision, decision: Decision): string {
  const breakEven = candidate.breakEven;
  if (!breakEven) return '–';
  const label = (id: string) => candidate.plans.find((plan) => plan.id === id)?.label ?? id;
  const { from, to } = decision.scanned;
  if (!breakEven.swap) return `${label(breakEven.cheaper)} stays cheaper than ${label(breakEven.runnerUp)} from ${ticketsText(from)} to ${ticketsText(to)} tickets a month`;
  return `${label(breakEven.swap.cheaperAbove)} is cheaper above ${ticketsText(breakEven.swap.ticketsPerMonth)} tickets a month, ${label(breakEven.swap.cheaperBelow)} below`;
}

/** The one-sentence answer: which option costs least, or that none beats all-human. */
export function headlineText(decision: Decision): string {
  const { cheapest, currency, baseline } = decision;
  if (!cheapest) return `No plan costs less than all-human (${money(baseline.monthly, currency)} a month) under these assumptions.`;
  return `Cheapest: ${cheapest.label} with ${cheapest.candidate}, ${money(cheapest.monthly, currency)} a month, ${money(cheapest.twelveMonths, currency)} over 12 months: ${savingsText(cheapest.savings, currency)} against all-human (${money(baseline.twelveMonths, currency)}).`;
}

/** Every assumption with its value and where it came from, one line each. */
export function assumptionLines(decision: Decision): Array<[string, string]> {
  const { assumptions: a, origins, currency } = decision;
  const value: Record<keyof Assumptions, string> = {
    monthlyTickets: `${ticketsText(a.monthlyTickets)} tickets a month`,
    humanCostPerTicket: `${money(a.humanCostPerTicket, currency)} per ticket handled by a person${decision.aiFirstShare === 1 ? '' : `; ${percent(decision.aiFirstShare)} of it for a ticket the AI started`}`,
    growth: `${percent(a.growth, 1)} a month`,
    strictness: `a resolution is billed and quoted when ${a.strictness}`,
    threshold: a.threshold === 0 ? 'answers sent as in the run' : `answers below ${a.threshold.toFixed(2)} confidence not sent`,
  };
  const names: Record<keyof Assumptions, string> = {
    monthlyTickets: 'Volume',
    humanCostPerTicket: 'Human cost',
    growth: 'Growth',
    strictness: 'Billed strictness',
    threshold: 'Send threshold',
  };
  const lines = (Object.keys(names) as Array<keyof Assumptions>).map((key): [string, string] => [names[key], `${value[key]} (${origins[key]})`]);
  lines.push([
    'Helpdesk today',
    decision.currentHelpdesk
      ? "in the all-human baseline, and kept by plans that price the AI only (the pricing file's currentHelpdesk)"
      : "not given: the baseline and AI-only plans leave your helpdesk bill out, plans with a helpdesk include theirs (set currentHelpdesk in the pricing file)",
  ]);
  return lines;
}

/** A plan's price provenance: prices drift, so the date they were read goes everywhere the price does. */
export function provenanceText(plan: PlanCost): string {
  return `read ${plan.read} from ${plan.source}${plan.note ? `; ${plan.note}` : ''}`;
}

/** The decision as the terminal prints it after a run: plain lines, the cheapest option first. */
export function decisionTerminalLines(decision: Decision): string[] {
  const { currency } = decision;
  const lines = ['Decision', `  ${headlineText(decision)}`, ''];
  for (const candidate of decision.candidates) {
    const plan = cheapestPlan(candidate);
    lines.push(
      `  ${candidate.candidate}`,
      `    automation you can quote  ${quotedText(candidate.automation)}`,
      `    wrong answers sent        ${wrongText(candidate)}`,
      plan
        ? `    cheapest plan             ${plan.label}: ${money(plan.monthly, currency)} a month, ${money(plan.twelveMonths, currency)} over 12 months, ${savingsText(plan.savings, currency)} against all-human`
        : '    cheapest plan             –',
      `    break-even                ${breakEvenText(candidate, decision)}`,
      ...candidate.fixFirst.map((gap, index) => `    ${(index === 0 ? 'fix first' : '').padEnd(26)}${gap.label}: up to ${ticketsText(gap.perMonth)} tickets a month`),
    );
  }
  lines.push(`  All-human: ${money(decision.baseline.monthly, currency)} a month, ${money(decision.baseline.twelveMonths, currency)} over 12 months.`, '  Assumptions:');
  for (const [name, text] of assumptionLines(decision)) lines.push(`    ${name}: ${text}`);
  return lines;
}

/** One breakdown's note, as the Markdown and the page both say it: its no-data sentence, or how many tickets are in no row. */
export function breakdownNote(breakdown: Breakdown): string | null {
  if (breakdown.noData) return breakdown.noData;
  const missing = breakdown.unrecorded ?? 0;
  if (missing === 0) return null;
  const what = breakdown.dimension === 'tag' ? 'no tag' : `no ${breakdown.dimension}`;
  return `${missing.toLocaleString('en-US')} ${missing === 1 ? 'ticket has' : 'tickets have'} ${what} and ${missing === 1 ? 'is' : 'are'} in no row of the breakdown by ${breakdown.dimension}.`;
}

/**
 * What the history's cost tables assume, beside them: the same human cost and growth as the
 * decision (flags and shadowdesk.yaml are applied to the pricing before the history is priced).
 */
export function historyBasisText(pricing: Pick<Pricing, 'currency' | 'growth' | 'human'>): string {
  const grown = pricing.growth === 0 ? 'volumes as they were' : `volumes grown ${percent(pricing.growth, 1)} a month from the first month`;
  return `Priced at ${money(humanTicketCost(pricing.human), pricing.currency)} per ticket handled by a person, ${grown}: the decision's human cost and growth.`;
}
