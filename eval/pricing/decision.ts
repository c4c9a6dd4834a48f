import type { CorrectedRate } from '../metrics/ppi.ts';
import { gapsToFixFirst, type GapToFix, type KnowledgeGap } from '../metrics/gaps.ts';
import type { JudgedTicket, Verdict } from '../judges/types.ts';
import { firstSwap, monthAllHuman, monthWithAi, type MonthCounts, type RawMonth } from './project.ts';
import type { HumanCost, Pricing, PricingModel } from './schema.ts';
import type { Strictness } from './volumes.ts';

/**
 * The decision a support lead and their finance colleague make from a run: per candidate, at the
 * monthly volume they plan for, the automation rate they can quote, the wrong answers a month it
 * costs, and each plan's bill against ONE all-human baseline, the cheapest option marked.
 *
 * One source of truth: the terminal, Markdown, JSON and HTML all print `decide`'s figures, and the
 * HTML page bundles this module to recompute them when the reader changes an assumption. So it
 * imports nothing that needs Node.
 */

export const STRICTNESS_LEVELS = ['contained', 'verified', 'confirmed'] as const satisfies readonly Strictness[];

/** What the decision is computed under; every one is printed beside it and can be set. */
export interface Assumptions {
  /** Tickets a month the lead plans for. @default the history's average month */
  monthlyTickets: number;
  /** What one ticket handled by a person costs. @default the pricing file's */
  humanCostPerTicket: number;
  /** Monthly compound growth of the volume over the 12 months. @default the pricing file's */
  growth: number;
  /** What a billed (and quoted) resolution is. @default the report's */
  strictness: Strictness;
  /** Send threshold: answers below this confidence are not sent. 0 keeps the run as it was. @default 0 */
  threshold: number;
}

/** Where each assumption came from, in words ("the history's average month", "--volume"). */
export type AssumptionOrigins = Record<keyof Assumptions, string>;

/** What one judged answer counts for in the decision. */
export interface AnswerFact {
  confidence: number;
  sent: boolean;
  contained: boolean;
  verified: boolean;
  confirmed: boolean;
  /** Billable in the all-human history. */
  billable: boolean;
  verdict: Verdict;
  /** AI replies the answer would have sent. */
  replies: number;
}

/** What the counts count, per confidence hundredth. */
const COUNTS = ['sent', 'replies', 'contained', 'verified', 'confirmed', 'unverified', 'wrong', 'correct', 'judged'] as const;
type Counted = (typeof COUNTS)[number];

/**
 * A candidate's sent answers counted per confidence hundredth: what any send threshold read to the
 * hundredth needs, in a few kilobytes (40,000 answers one by one weighed 0.5 MB of a 37 MB page),
 * summed in no time on every keystroke.
 */
export interface AnswerCounts {
  /** The candidate's tickets, sent or not: every rate's denominator. */
  tickets: number;
  /** Row k: sent answers with confidence in [k/100, (k+1)/100), as counts in COUNTS order. */
  byConfidence: number[][];
  /** Per strictness and row: sent answers not resolved at that strictness but billable, which a person finished. */
  aiThenHuman: Record<Strictness, number[]>;
}

const HUNDREDTHS = 101;

/** The row an answer's confidence falls in; the epsilon keeps 0.29 × 100 = 28.999… in row 29. */
function rowOf(confidence: number): number {
  return Math.min(HUNDREDTHS - 1, Math.max(0, Math.floor(confidence * 100 + 1e-9)));
}

export function countAnswers(answers: readonly AnswerFact[]): AnswerCounts {
  const byConfidence = Array.from({ length: HUNDREDTHS }, () => COUNTS.map(() => 0));
  const aiThenHuman = Object.fromEntries(STRICTNESS_LEVELS.map((level) => [level, new Array<number>(HUNDREDTHS).fill(0)])) as Record<Strictness, number[]>;
  for (const answer of answers) {
    // An escalated answer was never sent: lowering the bar below the run's own cannot be judged.
    if (!answer.sent) continue;
    const row = rowOf(answer.confidence);
    const counted: Record<Counted, number> = {
      sent: 1,
      replies: answer.replies,
      contained: Number(answer.contained),
      verified: Number(answer.verified),
      confirmed: Number(answer.confirmed),
      unverified: Number(answer.contained && answer.verdict === 'unverified'),
      wrong: Number(answer.verdict === 'wrong'),
      correct: Number(answer.verdict === 'correct'),
      judged: Number(answer.verdict !== 'cannot-judge'),
    };
    COUNTS.forEach((key, index) => (byConfidence[row]![index]! += counted[key]));
    for (const level of STRICTNESS_LEVELS) if (!answer[level] && answer.billable) aiThenHuman[level][row]!++;
  }
  return { tickets: answers.length, byConfidence, aiThenHuman };
}

export function answerFact(ticket: JudgedTicket): AnswerFact {
  return {
    confidence: ticket.confidence,
    sent: ticket.sent,
    contained: ticket.resolution.contained,
    verified: ticket.resolution.verified,
    confirmed: ticket.resolution.confirmed,
    billable: ticket.billable,
    verdict: ticket.verdict,
    replies: ticket.aiReplies,
  };
}

/** A label-corrected automation rate, or why there is none. */
export type LabelledRate = { estimate: number; low: number | null; high: number | null } | { estimate: null; why: string };

export interface CandidateInputs {
  candidate: string;
  answers: AnswerCounts;
  /** Present when people's labels were imported: the corrected rate at each judged strictness. */
  corrected?: Record<Exclude<Strictness, 'contained'>, LabelledRate>;
}

/** Everything `decide` needs, stored in the report (`pricing.decisionInputs`) so any output can recompute it. */
export interface DecisionInputs {
  /** The pricing file: plans with their source and the date their price was read, human cost, growth. */
  pricing: Pricing;
  history: { from: string; to: string; months: number; tickets: number; billable: number; ruleBillable: number };
  candidates: CandidateInputs[];
  assumptions: Assumptions;
  origins: AssumptionOrigins;
}

/** One candidate's rates at a strictness and send threshold, each a share of all its tickets. */
export interface CandidateRates {
  tickets: number;
  sent: number;
  replies: number;
  contained: number;
  /** Resolved at the strictness, as the judge counts them. */
  automated: number;
  /** Contained, but no judge could check the answer: not counted as automated. */
  unverified: number;
  wrong: number;
  /** Sent, not resolved, billable: a person finished the ticket after the AI. */
  aiThenHuman: number;
  /** Correct among sent answers a judge could judge; null when none could. */
  accuracy: number | null;
  /** Sent answers a judge could judge (the accuracy's denominator). */
  judgedSent: number;
}

/**
 * The rates at `threshold`: answers the candidate sent in the run with at least that confidence. A
 * threshold is read to the hundredth, rounded up (0.555 keeps the answers from 0.56).
 */
export function ratesAt(counts: AnswerCounts, strictness: Strictness, threshold: number): CandidateRates {
  const from = Math.max(0, Math.ceil(threshold * 100 - 1e-9));
  const sum = (column: number[] | ((row: number[]) => number)) => {
    let total = 0;
    for (let row = from; row < HUNDREDTHS; row++) total += Array.isArray(column) ? column[row]! : column(counts.byConfidence[row]!);
    return total;
  };
  const of = (key: Counted) => sum((row) => row[COUNTS.indexOf(key)]!);
  const share = (count: number) => count / (counts.tickets || 1);
  const judged = of('judged');
  return {
    tickets: counts.tickets,
    sent: share(of('sent')),
    replies: share(of('replies')),
    contained: share(of('contained')),
    automated: share(of(strictness)),
    unverified: share(of('unverified')),
    wrong: share(of('wrong')),
    aiThenHuman: share(sum(counts.aiThenHuman[strictness])),
    accuracy: judged === 0 ? null : of('correct') / judged,
    judgedSent: judged,
  };
}

/** A corrected rate as the decision quotes it, or why it cannot. */
export function labelledRate(rate: CorrectedRate | undefined, unlabelledVerdicts: readonly string[]): LabelledRate {
  if (!rate) return { estimate: null, why: 'no labels for this candidate' };
  if (rate.estimate === null) return { estimate: null, why: `no label among its ${unlabelledVerdicts.join(', ')} answers` };
  return { estimate: rate.estimate, low: rate.low, high: rate.high };
}

/** The automation rate a lead can quote, and what it rests on. */
export interface QuotedAutomation {
  rate: number;
  low: number | null;
  high: number | null;
  basis: 'label-corrected' | 'judge';
  /** The judge's rate at the same strictness and threshold. */
  judge: number;
  /** Contained answers no judge could check: never in the quoted rate. */
  unverified: number;
  /** Why the judge's rate is quoted although labels exist; absent otherwise. */
  uncorrected?: string;
  /** Confirmed and label-corrected: people can only confirm what the judge verified (see corrected-rates.ts). */
  lowerBound?: true;
}

export interface PlanCost {
  id: string;
  label: string;
  source: string;
  read: string;
  note?: string;
  /** False for plans that price the AI only: they keep the helpdesk paid today. */
  includesHelpdesk: boolean;
  /** The first month's bill at the planned volume, in cents. */
  monthly: number;
  /** Twelve months, the volume growing by `growth` a month. */
  twelveMonths: number;
  /** The baseline's twelve months minus this plan's: positive = saves money. */
  savings: number;
  /** The cheapest plan for this candidate. */
  cheapest: boolean;
}

/** Where the two cheapest plans swap places, searched from a tenth to ten times the planned volume. */
export interface BreakEven {
  cheaper: string;
  runnerUp: string;
  /** The first swap in the scanned range; null when the two never swap there. */
  swap: { ticketsPerMonth: number; cheaperBelow: string; cheaperAbove: string } | null;
}

export interface CandidateDecision {
  candidate: string;
  automation: QuotedAutomation;
  sendRate: number;
  /** Tickets automated a month at the planned volume, at the quoted rate. */
  automatedPerMonth: number;
  /** Sent answers judged wrong, as a share of all tickets and as tickets a month: the risk. */
  wrongRate: number;
  wrongPerMonth: number;
  /** Cheapest first. */
  plans: PlanCost[];
  breakEven: BreakEven | null;
  fixFirst: GapToFix[];
  /** The lowest send threshold whose sent answers reach `TARGET_ACCURACY` (verified automation, as the cards); null if none does. */
  meetsTarget: SweepPoint | null;
}

export interface Decision {
  currency: string;
  assumptions: Assumptions;
  origins: AssumptionOrigins;
  /** What a person costs per ticket the AI started and a person finished, as a share of a full ticket. */
  aiFirstShare: number;
  /** The helpdesk paid today is in the baseline and kept by AI-only plans; false when the pricing file gives none. */
  currentHelpdesk: boolean;
  /** The same all-human cost every plan is compared with. */
  baseline: { monthly: number; twelveMonths: number };
  /** Monthly tickets the break-even search scanned. */
  scanned: { from: number; to: number };
  candidates: CandidateDecision[];
  /** The lowest twelve-month total of all candidates and plans; null when no plan beats all-human. */
  cheapest: { candidate: string; plan: string; label: string; monthly: number; twelveMonths: number; savings: number } | null;
}

/** What the decision's sweep shows at each threshold: the same `ratesAt` as the decision, so at 0 it equals the cards. */
export interface SweepPoint {
  threshold: number;
  sendRate: number;
  automation: number;
  wrongRate: number;
  /** Null below `MIN_JUDGED_FOR_ACCURACY` judged answers: too few to read. */
  accuracy: number | null;
}

/** Fewer judged answers than this and an accuracy is not drawn nor met: one lucky answer would read as 100 %. */
export const MIN_JUDGED_FOR_ACCURACY = 20;
/** The accuracy a send threshold is looked for at; the metrics' sweep uses the same default. */
export const TARGET_ACCURACY = 0.95;
export const HORIZON_MONTHS = 12;
const SCAN_FACTOR = 10;
/** Coarser than the history's crossover search: the page runs this on every keystroke, and bisection sharpens the swap anyway. */
const BREAK_EVEN_STEPS = 500;

/** The rates of no AI at all: the all-human baseline's month. */
const NO_AI: CandidateRates = { tickets: 0, sent: 0, replies: 0, contained: 0, automated: 0, unverified: 0, wrong: 0, aiThenHuman: 0, accuracy: null, judgedSent: 0 };

const cents = (amount: number): number => Math.round(amount * 100) / 100;

/** The history's average month, in whole tickets. */
export function historyAverage(history: DecisionInputs['history']): number {
  return history.months > 0 ? Math.round(history.tickets / history.months) : 0;
}

/** The assumptions `overrides` sets, each said to come from `origin` ("--volume", "shadowdesk.yaml"). */
export function withAssumptions(inputs: DecisionInputs, overrides: Partial<Assumptions>, origin: (key: keyof Assumptions) => string): DecisionInputs {
  const set = (Object.keys(overrides) as Array<keyof Assumptions>).filter((key) => overrides[key] !== undefined);
  return {
    ...inputs,
    assumptions: { ...inputs.assumptions, ...Object.fromEntries(set.map((key) => [key, overrides[key]])) },
    origins: { ...inputs.origins, ...Object.fromEntries(set.map((key) => [key, origin(key)])) },
  };
}

/** The quotable rate: people's labels when they give one (scaled to the threshold as the judge's rate moves), else the judge's. */
function quoted(inputs: CandidateInputs, strictness: Strictness, threshold: number): QuotedAutomation {
  const now = ratesAt(inputs.answers, strictness, threshold);
  const judge = { rate: now.automated, low: null, high: null, basis: 'judge' as const, judge: now.automated, unverified: now.unverified };
  if (!inputs.corrected) return judge;
  if (strictness === 'contained') return { ...judge, uncorrected: 'contained resolutions are not judged, so labels do not change them' };
  const corrected = inputs.corrected[strictness];
  if (corrected.estimate === null) return { ...judge, uncorrected: corrected.why };
  const atRun = ratesAt(inputs.answers, strictness, 0).automated;
  if (atRun === 0) return { ...judge, uncorrected: 'the judge counted no ticket automated, so there is nothing to scale' };
  // Labels correct the run as sent; a higher threshold keeps the judge's ratio to them.
  const scale = now.automated / atRun;
  const bound = (value: number | null) => (value === null ? null : Math.min(now.contained, value * scale));
  return {
    rate: Math.min(now.contained, corrected.estimate * scale),
    low: bound(corrected.low),
    high: bound(corrected.high),
    basis: 'label-corrected',
    judge: now.automated,
    unverified: now.unverified,
    ...(strictness === 'confirmed' && { lowerBound: true as const }),
  };
}

/** One month's counts at `tickets` a month, from the candidate's rates and the history's billable shares. */
function monthAt(tickets: number, rates: CandidateRates, automated: number, history: DecisionInputs['history']): MonthCounts {
  const perTicket = (count: number) => (history.tickets > 0 ? (count / history.tickets) * tickets : 0);
  const humanBillable = perTicket(history.billable);
  const automatedResolutions = tickets * automated;
  const humanHandled = Math.max(0, humanBillable - automatedResolutions);
  // Corrected automation moves tickets to or from the AI-then-human ones, as volumes.ts does.
  const aiThenHuman = Math.max(0, rates.aiThenHuman + rates.automated - automated);
  return {
    tickets,
    humanBillable,
    aiTouched: tickets * rates.sent,
    aiReplies: tickets * rates.replies,
    aiSessions: tickets * rates.sent,
    automatedResolutions,
    humanHandled,
    humanAfterAi: Math.min(humanHandled, tickets * aiThenHuman),
    ruleBillable: perTicket(history.ruleBillable),
  };
}

/** Sums a bill over the horizon, the volume growing each month. */
function overHorizon(bill: (tickets: number) => RawMonth, monthlyTickets: number, growth: number): number {
  let total = 0;
  for (let month = 0; month < HORIZON_MONTHS; month++) total += bill(monthlyTickets * (1 + growth) ** month).total;
  return total;
}

function planCosts(models: readonly PricingModel[], bill: (model: PricingModel, tickets: number) => RawMonth, assumptions: Assumptions, baseline12: number): PlanCost[] {
  const plans = models.map((model) => {
    const twelveMonths = overHorizon((tickets) => bill(model, tickets), assumptions.monthlyTickets, assumptions.growth);
    return {
      id: model.id,
      label: model.label,
      source: model.source,
      read: model.read,
      ...(model.note !== undefined && { note: model.note }),
      includesHelpdesk: model.helpdesk !== undefined,
      monthly: cents(bill(model, assumptions.monthlyTickets).total),
      twelveMonths: cents(twelveMonths),
      savings: cents(baseline12 - twelveMonths),
      cheapest: false,
    };
  });
  plans.sort((a, b) => a.twelveMonths - b.twelveMonths || a.label.localeCompare(b.label));
  if (plans[0]) plans[0].cheapest = true;
  return plans;
}

function breakEvenOf(plans: readonly PlanCost[], models: readonly PricingModel[], bill: (model: PricingModel, tickets: number) => RawMonth, scanned: Decision['scanned']): BreakEven | null {
  const [first, second] = plans;
  if (!first || !second) return null;
  const byId = (id: string) => models.find((model) => model.id === id)!;
  const found = firstSwap((tickets) => bill(byId(first.id), tickets).total - bill(byId(second.id), tickets).total, scanned.from, scanned.to, BREAK_EVEN_STEPS);
  const cheaper = (side: -1 | 1) => (side < 0 ? first.id : second.id);
  return { cheaper: first.id, runnerUp: second.id, swap: found && { ticketsPerMonth: found.at, cheaperBelow: cheaper(found.below), cheaperAbove: cheaper(found.above) } };
}

/** Fills assumptions left out with the run's own: the history's average month, the pricing file's costs, the report's strictness. */
export function withDefaults(inputs: Pick<DecisionInputs, 'pricing' | 'history'>, strictness: Strictness, overrides: Partial<Assumptions> = {}): Assumptions {
  const human = inputs.pricing.human;
  return {
    monthlyTickets: overrides.monthlyTickets ?? historyAverage(inputs.history),
    humanCostPerTicket: overrides.humanCostPerTicket ?? human.perTicket ?? ((human.minutesPerTicket ?? 0) / 60) * (human.hourlyRate ?? 0),
    growth: overrides.growth ?? inputs.pricing.growth,
    strictness: overrides.strictness ?? strictness,
    threshold: overrides.threshold ?? 0,
  };
}

/**
 * The decision under the report's assumptions, or under `overrides` (the page's what-if inputs).
 * `gaps` are the report's knowledge gaps per candidate.
 */
export function decide(inputs: DecisionInputs, gaps: Readonly<Record<string, readonly KnowledgeGap[]>>, overrides: Partial<Assumptions> = {}): Decision {
  const assumptions = { ...inputs.assumptions, ...overrides };
  const { pricing, history } = inputs;
  const human: HumanCost = { perTicket: assumptions.humanCostPerTicket, aiFirstShare: pricing.human.aiFirstShare };
  const baselineBill = (tickets: number) => monthAllHuman(human, monthAt(tickets, NO_AI, 0, history), pricing.currentHelpdesk);
  const baseline12 = overHorizon(baselineBill, assumptions.monthlyTickets, assumptions.growth);
  const scanned = { from: cents(assumptions.monthlyTickets / SCAN_FACTOR), to: cents(assumptions.monthlyTickets * SCAN_FACTOR) };
  const candidates = inputs.candidates.map((candidate): CandidateDecision => {
    const rates = ratesAt(candidate.answers, assumptions.strictness, assumptions.threshold);
    const automation = quoted(candidate, assumptions.strictness, assumptions.threshold);
    const bill = (model: PricingModel, tickets: number) => monthWithAi(model, human, monthAt(tickets, rates, automation.rate, history), pricing.currentHelpdesk);
    const plans = planCosts(pricing.models, bill, assumptions, baseline12);
    return {
      candidate: candidate.candidate,
      automation,
      sendRate: rates.sent,
      automatedPerMonth: automation.rate * assumptions.monthlyTickets,
      wrongRate: rates.wrong,
      wrongPerMonth: rates.wrong * assumptions.monthlyTickets,
      plans,
      breakEven: breakEvenOf(plans, pricing.models, bill, scanned),
      fixFirst: gapsToFixFirst(gaps[candidate.candidate] ?? [], rates.tickets, assumptions.monthlyTickets),
      meetsTarget: thresholdForTarget(sweep(candidate.answers, 'verified'), TARGET_ACCURACY),
    };
  });
  const best = candidates
    .flatMap((candidate) => candidate.plans.filter((plan) => plan.cheapest).map((plan) => ({ candidate: candidate.candidate, plan })))
    .sort((a, b) => a.plan.twelveMonths - b.plan.twelveMonths || a.candidate.localeCompare(b.candidate))[0];
  return {
    currency: pricing.currency,
    assumptions,
    origins: { ...inputs.origins, ...Object.fromEntries(Object.keys(overrides).map((key) => [key, 'set in the page'])) },
    aiFirstShare: pricing.human.aiFirstShare,
    currentHelpdesk: pricing.currentHelpdesk !== undefined,
    baseline: { monthly: cents(baselineBill(assumptions.monthlyTickets).total), twelveMonths: cents(baseline12) },
    scanned,
    candidates,
    cheapest:
      best && best.plan.savings > 0
        ? { candidate: best.candidate, plan: best.plan.id, label: best.plan.label, monthly: best.plan.monthly, twelveMonths: best.plan.twelveMonths, savings: best.plan.savings }
        : null,
  };
}

/** The threshold sweep from the decision's own rates: at 0 it is the run as the cards show it. */
export function sweep(answers: AnswerCounts, strictness: Strictness, steps = 101): SweepPoint[] {
  return Array.from({ length: steps }, (_, step) => {
    const threshold = Math.round((step / (steps - 1)) * 100) / 100;
    const rates = ratesAt(answers, strictness, threshold);
    return {
      threshold,
      sendRate: rates.sent,
      automation: rates.automated,
      wrongRate: rates.wrong,
      accuracy: rates.judgedSent >= MIN_JUDGED_FOR_ACCURACY ? rates.accuracy : null,
    };
  });
}

/** The lowest threshold whose accuracy (drawn, so with enough judged answers) meets the target; null if none. */
export function thresholdForTarget(points: readonly SweepPoint[], targetAccuracy: number): SweepPoint | null {
  return points.find((point) => point.accuracy !== null && point.accuracy >= targetAccuracy) ?? null;
}
