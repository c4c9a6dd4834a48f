import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { readJsonl } from '../../pipelines/workspace.ts';
import type { CandidateCorrection, LabelCorrection } from '../metrics/corrected-rates.ts';
import { JUDGED_FILE } from '../judges/judge-run.ts';
import type { JudgedTicket } from '../judges/types.ts';
import { readLabelsInRun } from '../labels/in-run.ts';
import { ORACLE } from '../responders/oracle.ts';
import { readRulesInRun, type RulesBillingMonth } from '../rules/in-run.ts';
import { answerFact, countAnswers, labelledRate, withDefaults, type Assumptions, type CandidateInputs, type DecisionInputs } from './decision.ts';
import { loadPricing } from './load.ts';
import type { Pricing } from './schema.ts';
import { projectCosts, type PricingProjection } from './project.ts';
import { automatedShare, historyMonths, monthVolumes, type HistoryMonth, type Strictness } from './volumes.ts';

export interface PriceRunOptions {
  workspace: string;
  candidates: readonly string[];
  /** Judged tickets of the run; read from the run folder when absent. */
  judged?: readonly JudgedTicket[];
  runDir?: string;
  /** @default the shipped presets */
  pricingFile?: string;
  /** @default 'verified' */
  strictness?: Strictness;
  /** What helpdesk rules add to the bill per month; read from the run folder when absent. */
  ruleBilling?: readonly RulesBillingMonth[];
  /** People's label-corrected rates; read from the run folder's label-agreement.json when absent. */
  labels?: LabelCorrection;
  /** The user's human cost and growth (flags, shadowdesk.yaml) over the pricing file's, for every cost. */
  costs?: CostAssumptions;
}

/** The assumptions that change what the history would have cost, set by the user over the pricing file's. */
export type CostAssumptions = Partial<Pick<Assumptions, 'humanCostPerTicket' | 'growth'>>;

/**
 * The pricing file with the user's human cost and growth in place of its own, so the history's cost
 * tables and the decision section price one all-human ticket at the same figure.
 */
export function withCostAssumptions(pricing: Pricing, costs: CostAssumptions = {}): Pricing {
  const { humanCostPerTicket, growth } = costs;
  return {
    ...pricing,
    ...(growth !== undefined && { growth }),
    ...(humanCostPerTicket !== undefined && { human: { perTicket: humanCostPerTicket, aiFirstShare: pricing.human.aiFirstShare } }),
  };
}

/**
 * The automated share one candidate's costs bill, when people's labels exist. `judge`: the judge's
 * share of the candidate's tickets automated at the strictness billed. `corrected`: the
 * label-corrected share billed instead, or null with why the judge's share is billed.
 */
export type BilledAutomation = { judge: number; corrected: number } | { judge: number; corrected: null; uncorrected: string };

export interface RunPricing {
  currency: string;
  strictness: Strictness;
  byCandidate: Record<string, PricingProjection>;
  /**
   * Present when people's labels exist: per candidate, the automated share the costs bill. Each
   * month's automated resolutions are scaled by corrected ÷ judge (see volumes.ts), so the costs
   * follow the label-corrected rate; the judge's share stays here and in the metrics.
   */
  automation?: Record<string, BilledAutomation>;
  /** What the decision section is computed from, with its assumptions (see decision.ts). */
  decisionInputs: DecisionInputs;
}

async function readJudged(runDir: string): Promise<JudgedTicket[]> {
  const judged: JudgedTicket[] = [];
  try {
    for await (const record of readJsonl<JudgedTicket>(join(runDir, JUDGED_FILE))) judged.push(record);
  } catch (cause) {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${runDir}: no judged results yet; run \`shadowdesk report ${runDir}\` first`, { cause });
  }
  return judged;
}

/** What people's labels say a candidate's automated share is at the strictness billed, or why they cannot say. */
export function billedAutomation(judge: number, correction: CandidateCorrection | undefined, strictness: Strictness): BilledAutomation {
  if (strictness === 'contained') return { judge, corrected: null, uncorrected: 'contained resolutions are not judged, so labels do not change them' };
  if (!correction) return { judge, corrected: null, uncorrected: 'no labels for this candidate' };
  // For confirmed, a lower bound (see corrected-rates.ts).
  const { estimate } = correction.automation[strictness].corrected;
  if (estimate === null) return { judge, corrected: null, uncorrected: `no label among its ${correction.unlabelledVerdicts.join(', ')} answers` };
  if (judge === 0 && estimate > 0) return { judge, corrected: null, uncorrected: 'the judge counted no ticket automated, so there is no month to scale' };
  return { judge, corrected: estimate };
}

/** What each month's automated resolutions are multiplied by: corrected ÷ judge, 1 when the judge's share is billed. */
export function automationScale(billed: BilledAutomation | undefined): number {
  return billed?.corrected != null && billed.judge > 0 ? billed.corrected / billed.judge : 1;
}

/** `labels` is absent when no labels were imported; its `correction` when this candidate has none. */
export function candidateInputs(candidate: string, judged: readonly JudgedTicket[], labels?: { correction: CandidateCorrection | undefined }): CandidateInputs {
  if (!labels) return { candidate, answers: countAnswers(judged.map(answerFact)) };
  const { correction } = labels;
  const unlabelled = correction?.unlabelledVerdicts ?? [];
  return {
    candidate,
    answers: countAnswers(judged.map(answerFact)),
    corrected: {
      verified: labelledRate(correction?.automation.verified.corrected, unlabelled),
      confirmed: labelledRate(correction?.automation.confirmed.corrected, unlabelled),
    },
  };
}

/** The decision's inputs with the run's own assumptions: the history's average month, the pricing file's costs. */
export function decisionInputs(pricing: Pricing, history: readonly HistoryMonth[], ruleBilling: readonly RulesBillingMonth[], candidates: CandidateInputs[], strictness: Strictness): DecisionInputs {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const totals = {
    from: history[0]?.month ?? '',
    to: history.at(-1)?.month ?? '',
    months: history.length,
    tickets: sum(history.map((month) => month.tickets)),
    billable: sum(history.map((month) => month.billable)),
    ruleBillable: sum(ruleBilling.map((month) => month.addedBillable)),
  };
  const fromPricingFile = pricing.human.perTicket === undefined ? 'the pricing file: human.minutesPerTicket × human.hourlyRate' : 'the pricing file: human.perTicket';
  return {
    pricing,
    history: totals,
    candidates,
    assumptions: withDefaults({ pricing, history: totals }, strictness),
    origins: {
      monthlyTickets: `the history's average month, ${totals.from} to ${totals.to}: ${totals.months} months`,
      humanCostPerTicket: fromPricingFile,
      growth: 'the pricing file: growth',
      strictness: "the report's --strictness",
      threshold: 'the run as sent',
    },
  };
}

/** Each candidate's judged run projected through every pricing model, over the history's months. */
export async function priceRun(options: PriceRunOptions): Promise<RunPricing> {
  const judged = options.judged ?? (await readJudged(options.runDir ?? '.'));
  const pricing = withCostAssumptions(await loadPricing(options.pricingFile), options.costs);
  const strictness = options.strictness ?? 'verified';
  const history = await historyMonths(options.workspace);
  const ruleBilling = options.ruleBilling ?? (options.runDir ? (await readRulesInRun(options.runDir))?.billing.byMonth : undefined);
  const labels = options.labels ?? (options.runDir ? (await readLabelsInRun(options.runDir))?.corrected : undefined);
  const byCandidate: Record<string, PricingProjection> = {};
  const automation: Record<string, BilledAutomation> = {};
  const inputs: CandidateInputs[] = [];
  // The oracle is the agent's own replies, a reference for the judge: nothing one can buy, so never priced or recommended.
  for (const candidate of options.candidates.filter((name) => name !== ORACLE)) {
    const own = judged.filter((ticket) => ticket.candidate === candidate);
    const correction = labels?.candidates.find((entry) => entry.candidate === candidate);
    const billed = labels && billedAutomation(automatedShare(own, strictness), correction, strictness);
    if (billed) automation[candidate] = billed;
    byCandidate[candidate] = projectCosts(monthVolumes(history, own, strictness, ruleBilling, automationScale(billed)), pricing);
    inputs.push(candidateInputs(candidate, own, labels ? { correction } : undefined));
  }
  return { currency: pricing.currency, strictness, byCandidate, ...(labels && { automation }), decisionInputs: decisionInputs(pricing, history, ruleBilling ?? [], inputs, strictness) };
}
