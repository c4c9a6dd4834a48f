import { relative } from 'node:path';
import { loadEmbedder, type Embedder } from '../pipelines/embed/embedder.ts';
import { readManifest } from '../pipelines/index-manifest.ts';
import { refreshIndex, type IndexProgress } from '../pipelines/search-index.ts';
import { requireImport } from '../pipelines/workspace.ts';
import { loadPricing } from './pricing/load.ts';
import type { CostAssumptions } from './pricing/price-run.ts';
import type { LlmJudgeOptions } from './judges/llm-judge.ts';
import type { Strictness } from './pricing/volumes.ts';
import { ShadowdeskError } from '../errors.ts';
import { describeCoverage, replayCoverage, type ReplayCoverage } from './replay/coverage.ts';
import { checkRefit, replay, replayWindowStart, type ReplaySummary, type Selection } from './replay/replay.ts';
import { buildReport, type RunReport } from './metrics/run-report.ts';
import { runRulesInRun } from './rules/in-run.ts';
import { loadRules, type RulesFile } from './rules/schema.ts';
import type { Responder } from './types.ts';

export { replayWindowStart } from './replay/replay.ts';

/** The whole simulation on an imported workspace: index if missing or stale, replay, judge, measure, price. */

export interface SimulateOptions {
  workspace: string;
  /** @default a folder of the run's own under `<workspace>/runs`, which runs/latest then points to */
  runDir?: string;
  candidates: Responder[];
  selection?: Selection;
  /** Tickets answered at once. @default see ReplayOptions.concurrency */
  concurrency?: number;
  /** Keep the failed answers of an earlier run in the folder instead of asking those tickets again. */
  keepFailed?: boolean;
  /** Tries per ticket of each candidate that consults a model, each a fresh call (see ReplayOptions.repeat). @default 1 */
  repeat?: number;
  pricingFile?: string;
  /** The user's human cost and growth over the pricing file's (see priceRun). */
  costs?: CostAssumptions;
  llmJudge?: LlmJudgeOptions;
  /** @default 'verified' */
  strictness?: Strictness;
  /** Helpdesk rules (a YAML or JSON rules file) that fire first on every ticket; measured and priced with the candidates. */
  rulesFile?: string;
  /** Refit the built-in model every this many days of the window (see ReplayOptions.refitEvery). @default one model for the window */
  refitEvery?: number;
  onIndexProgress?: (progress: IndexProgress) => void;
  onReplayProgress?: (progress: { done: number; total: number }) => void;
  onJudgeProgress?: (progress: { done: number; total: number }) => void;
  /** Told before the replay what it covers: tickets left out and why, how many can be judged. */
  onCoverage?: (coverage: ReplayCoverage) => void;
}

export interface SimulationResult {
  replay: ReplaySummary;
  report: RunReport;
}

export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  // Mistakes a user can make are found before the replay, not hours later when pricing it.
  await requireImport(options.workspace);
  if (options.refitEvery !== undefined) checkRefit(options.refitEvery, options.selection ?? {});
  if (options.pricingFile) await loadPricing(options.pricingFile);
  const rules = options.rulesFile ? await loadRules(options.rulesFile) : undefined;
  const coverage = await replayCoverage(options.workspace, options.selection ?? {}, options.candidates);
  // Replaying tickets none of which can be judged would report 0 % for every candidate, and mean nothing.
  if (coverage.replayed.judgeable === 0) throw new ShadowdeskError('SD_NOTHING_IMPORTED', describeCoverage(coverage).join('\n'));
  options.onCoverage?.(coverage);
  // An index of an earlier import would replay the new tickets against the old ones, deleted tickets
  // included; a built-in model fitted on the replayed tickets would shape their retrieval and judging.
  const cutoff = await replayWindowStart(options.workspace, options.selection ?? {});
  // Refitted per period, the first period's model is the one fitted at the window's start, not an earlier one kept.
  await refreshIndex({
    workspace: options.workspace,
    cutoff,
    ...(options.refitEvery !== undefined && { fitAtCutoff: true }),
    ...(options.onIndexProgress && { onProgress: options.onIndexProgress }),
  });
  // One model for the replay's searches and the judging (a refit's periods each have their own):
  // loading it is a few hundred milliseconds a time, while the replay's searcher reads the index.
  const embedder = options.refitEvery === undefined ? loadEmbedder((await readManifest(options.workspace)).modelPath) : undefined;
  // Its failure is the replay's to report, or this function's once the replay is over.
  embedder?.catch(() => undefined);
  try {
    return await replayAndReport(options, rules, embedder);
  } finally {
    await embedder?.then((loaded) => loaded.dispose(), () => undefined);
  }
}

async function replayAndReport(options: SimulateOptions, rules: RulesFile | undefined, embedder: Promise<Embedder> | undefined): Promise<SimulationResult> {
  const summary = await replay({
    workspace: options.workspace,
    candidates: options.candidates,
    ...(options.runDir && { runDir: options.runDir }),
    ...(options.selection && { selection: options.selection }),
    ...(options.llmJudge && { llmJudge: options.llmJudge }),
    ...(options.keepFailed && { keepFailed: true }),
    ...(options.repeat !== undefined && { repeat: options.repeat }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.refitEvery !== undefined && { refitEvery: options.refitEvery }),
    ...(options.onIndexProgress && { onIndexProgress: options.onIndexProgress }),
    ...(options.onReplayProgress && { onProgress: options.onReplayProgress }),
    ...(embedder && { embedder }),
  });
  if (rules && options.rulesFile) {
    // Named as from where the simulation ran, so the report reads the same on every machine.
    const file = relative(process.cwd(), options.rulesFile) || options.rulesFile;
    await runRulesInRun({ workspace: options.workspace, runDir: summary.runDir, rules, file });
  }
  const report = await buildReport({
    runDir: summary.runDir,
    workspace: options.workspace,
    ...(options.selection?.seed !== undefined && { seed: options.selection.seed }),
    ...(options.pricingFile && { pricingFile: options.pricingFile }),
    ...(options.costs && { costs: options.costs }),
    ...(options.strictness && { strictness: options.strictness }),
    ...(options.llmJudge && { llmJudge: options.llmJudge }),
    ...(embedder && { embedder: await embedder }),
    ...(options.onJudgeProgress && { onJudgeProgress: options.onJudgeProgress }),
  });
  return { replay: summary, report };
}
