import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { readJsonl } from '../../pipelines/workspace.ts';
import type { CandidateCorrection, LabelCorrection } from '../corrected-rates.ts';
import { JUDGED_FILE } from '../judge.ts';
import type { JudgedTicket } from '../judges/types.ts';
import { readLabelsInRun } from '../labels-in-run.ts';
import { readRulesInRun, type RulesBillingMonth } from '../rules/in-run.ts';
import { loadPricing } from './load.ts';
import { projectCosts, type PricingProjection } from './project.ts';
import { automatedShare, historyMonths, monthVolumes, type Strictness } from './volumes.ts';

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

/** Each candidate's judged run projected through every pricing model, over the history's months. */
export async function priceRun(options: PriceRunOptions): Promise<RunPricing> {
  const judged = options.judged ?? (await readJudged(options.runDir ?? '.'));
  const pricing = await loadPricing(options.pricingFile);
  const strictness = options.strictness ?? 'verified';
  const history = await historyMonths(options.workspace);
  const ruleBilling = options.ruleBilling ?? (options.runDir ? (await readRulesInRun(options.runDir))?.billing.byMonth : undefined);
  const labels = options.labels ?? (options.runDir ? (await readLabelsInRun(options.runDir))?.corrected : undefined);
  const byCandidate: Record<string, PricingProjection> = {};
  const automation: Record<string, BilledAutomation> = {};
  for (const candidate of options.candidates) {
    const own = judged.filter((ticket) => ticket.candidate === candidate);
    const billed = labels && billedAutomation(automatedShare(own, strictness), labels.candidates.find((entry) => entry.candidate === candidate), strictness);
    if (billed) automation[candidate] = billed;
    byCandidate[candidate] = projectCosts(monthVolumes(history, own, strictness, ruleBilling, automationScale(billed)), pricing);
  }
  return { currency: pricing.currency, strictness, byCandidate, ...(labels && { automation }) };
}
