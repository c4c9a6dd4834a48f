import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { readJsonl } from '../../pipelines/workspace.ts';
import { JUDGED_FILE } from '../judge.ts';
import type { JudgedTicket } from '../judges/types.ts';
import { readRulesInRun, type RulesBillingMonth } from '../rules/in-run.ts';
import { loadPricing } from './load.ts';
import { projectCosts, type PricingProjection } from './project.ts';
import { historyMonths, monthVolumes, type Strictness } from './volumes.ts';

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
}

export interface RunPricing {
  currency: string;
  strictness: Strictness;
  byCandidate: Record<string, PricingProjection>;
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

/** Each candidate's judged run projected through every pricing model, over the history's months. */
export async function priceRun(options: PriceRunOptions): Promise<RunPricing> {
  const judged = options.judged ?? (await readJudged(options.runDir ?? '.'));
  const pricing = await loadPricing(options.pricingFile);
  const strictness = options.strictness ?? 'verified';
  const history = await historyMonths(options.workspace);
  const ruleBilling = options.ruleBilling ?? (options.runDir ? (await readRulesInRun(options.runDir))?.billing.byMonth : undefined);
  const byCandidate: Record<string, PricingProjection> = {};
  for (const candidate of options.candidates) {
    byCandidate[candidate] = projectCosts(
      monthVolumes(
        history,
        judged.filter((ticket) => ticket.candidate === candidate),
        strictness,
        ruleBilling,
      ),
      pricing,
    );
  }
  return { currency: pricing.currency, strictness, byCandidate };
}
