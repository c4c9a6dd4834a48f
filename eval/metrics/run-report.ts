import { contextRecallByCandidate, type ContextItem, type ContextRecall } from '../judges/context-recall.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShadowdeskError } from '../../errors.ts';
import { loadEmbedder, type Embedder } from '../../pipelines/embed/embedder.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { readManifest } from '../../pipelines/index-manifest.ts';
import { writeJsonlFile } from '../../pipelines/workspace.ts';
import { findGaps } from './find-gaps.ts';
import { gapWords, type KnowledgeGap } from './gaps.ts';
import { judgeRun, JUDGED_FILE, type TicketView } from '../judges/judge-run.ts';
import type { JudgedTicket, JudgeScore, Outcome, Verdict } from '../judges/types.ts';
import type { LlmJudgeOptions } from '../judges/llm-judge.ts';
import type { VerdictRules } from '../judges/verdict.ts';
import { readLabelsInRun, type LabelsInRun } from '../labels/in-run.ts';
import { computeMetrics, computeRepeatability, type JudgedTry, type RunMetrics, type RunRepeatability } from './metrics.ts';
import { priceRun, type CostAssumptions, type RunPricing } from '../pricing/price-run.ts';
import type { Strictness } from '../pricing/volumes.ts';
import { readRulesInRun, type RulesInRun } from '../rules/in-run.ts';
import { readRunInfo, type RunInfo, type TicketResult } from '../replay/replay.ts';
import { tryOf } from '../replay/run-folder.ts';
import type { AnswerFailure } from '../failure-kind.ts';
import type { Source } from '../types.ts';

/**
 * The machine-readable truth of a run: everything every report format renders, in one JSON with a
 * schema version. Deterministic for a seed (no clock, no paths that change between machines
 * beyond the run's own), so two runs can be diffed and a CI baseline pinned.
 */

export const REPORT_SCHEMA_VERSION = 1;
/** Every try of a repeated run, judged, with its index; judged.jsonl keeps the first tries, one answer per candidate and ticket as labelling reads it. */
export const JUDGED_TRIES_FILE = 'judged-tries.jsonl';
/** Explorer texts are cut here: a 10,000-ticket report must stay light enough for a browser. */
const MAX_TEXT = 1500;

/** What a reader is shown for an answer: its verdict when sent, "not-sent" when it never reached the customer. */
export type ShownVerdict = Verdict | 'not-sent';

export interface ExplorerAnswer {
  candidate: string;
  decision: 'reply' | 'escalate';
  sent: boolean;
  text: string;
  confidence: number;
  /** 'not-sent' for an answer never sent: a verdict beside it would read as what the customer got. */
  verdict: ShownVerdict;
  /** An unsent answer's verdict had it been sent (for the threshold sweep and label sampling); absent on sent answers. */
  verdictIfSent?: Verdict;
  outcome: Outcome;
  judges: JudgeScore[];
  sources: Source[];
  reason?: string;
  /** The candidate could not answer: the kind (timeout, invalid-output…) and what went wrong. */
  failure?: AnswerFailure;
  /** Every try of a repeated run, the first included, in order; absent when the candidate was asked once. */
  tries?: TryVerdict[];
  /** What the agent's reply rested on, and whether this candidate's context held each (absent when nothing could be told). */
  context?: ContextItem[];
}

/** What a comparison reads of one try. */
export type TryVerdict = Pick<ExplorerAnswer, 'sent' | 'verdict' | 'outcome'>;

export interface ExplorerTicket {
  ticketId: string;
  createdAt: string;
  channel: string;
  language: string;
  tags: string[];
  subject: string;
  question: string;
  humanReply: string;
  answers: ExplorerAnswer[];
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  run: RunInfo;
  /** The automation level pricing bills as a resolution (also in `pricing`). */
  strictness: Strictness;
  /** The first try of each ticket, as a run that was not repeated measures it. */
  metrics: RunMetrics;
  /** Present when the run was repeated (`--repeat k`, k ≥ 2): pass^1 … pass^k and the flaky tickets over every try. */
  repeatability?: RunRepeatability;
  /** What the first tries cost; a repeated run spent about k times this on the candidates that consult a model. */
  pricing: RunPricing;
  gaps: Record<string, KnowledgeGap[]>;
  /** Per candidate: how much of what the agents relied on was in its context, and its wrong answers split by it (absent in reports of older runs). */
  contextRecall?: Record<string, ContextRecall>;
  tickets: ExplorerTicket[];
  /** Present when the run replayed helpdesk rules with its candidates. */
  rules?: RulesInRun;
  /**
   * Present when people's labels were imported into the run folder (label-agreement.json, from
   * `shadowdesk label import`): each candidate's headline rates as the judge gives them and as the
   * labels correct them. `pricing` then bills the corrected automation rate (`pricing.automation`).
   * As imported: if the run was judged again since (e.g. with refitted rules), its `judge` figures
   * are those of the judging the labels were drawn from, and the corrected ones still hold.
   */
  labels?: LabelsInRun;
}

export interface ReportOptions {
  runDir: string;
  workspace?: string;
  /** A pricing file; the shipped presets by default. */
  pricingFile?: string;
  /** The user's human cost and growth over the pricing file's (see priceRun). */
  costs?: CostAssumptions;
  /** @default 'verified' */
  strictness?: Strictness;
  /** @default 42 */
  seed?: number;
  rules?: VerdictRules;
  llmJudge?: LlmJudgeOptions;
  /** The index's model, already loaded (and left loaded); loaded and disposed here otherwise. */
  embedder?: Embedder;
  /** Distinct answers judged so far (see JudgeRunOptions.onProgress). */
  onJudgeProgress?: (progress: { done: number; total: number }) => void;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

const answerKey = (result: Pick<TicketResult, 'candidate' | 'ticketId'>) => `${result.candidate}\u0000${result.ticketId}`;

/** Each repeated answer's tries by candidate and ticket, in try order. */
function triesByAnswer(results: readonly TicketResult[], judged: readonly JudgedTicket[]): Map<string, TryVerdict[]> {
  const tries = new Map<string, TryVerdict[]>();
  results.forEach((result, index) => {
    if (result.answeredOnce || result.repeat === undefined) return;
    const { sent, verdict, outcome } = judged[index]!;
    tries.set(answerKey(result), [...(tries.get(answerKey(result)) ?? []), { sent, verdict, outcome }]);
  });
  return tries;
}

/**
 * A judge's score as the report carries it: the two decimals the page shows, cut down rather than
 * rounded, so a wording of 0.849 never reads as the 0.85 it failed to reach (judged.jsonl keeps
 * every decimal). Two decimals, not four, also keep a 10,000-ticket page half a megabyte lighter.
 */
export function shownScore(score: number | null): number | null {
  return score === null ? null : Math.floor(score * 100 + 1e-9) / 100;
}

/** The verdict a reader is shown: an unsent answer's own verdict only as what it would have been. */
export function shownVerdict(sent: boolean, verdict: Verdict): Pick<ExplorerAnswer, 'verdict' | 'verdictIfSent'> {
  return sent ? { verdict } : { verdict: 'not-sent', verdictIfSent: verdict };
}

function explorer(results: readonly TicketResult[], judged: readonly JudgedTicket[], views: Map<string, TicketView>, tries: Map<string, TryVerdict[]>): ExplorerTicket[] {
  const tickets = new Map<string, ExplorerTicket>();
  results.forEach((result, index) => {
    const verdict = judged[index]!;
    const view = views.get(result.ticketId);
    let ticket = tickets.get(result.ticketId);
    if (!ticket) {
      ticket = {
        ticketId: result.ticketId,
        createdAt: result.createdAt,
        channel: verdict.channel,
        language: verdict.language,
        tags: verdict.tags,
        subject: view?.subject ?? '',
        question: cut(view?.question ?? ''),
        humanReply: cut(view?.humanReply ?? ''),
        answers: [],
      };
      tickets.set(result.ticketId, ticket);
    }
    const { answer } = result;
    ticket.answers.push({
      candidate: result.candidate,
      decision: answer.decision,
      sent: verdict.sent,
      text: cut(answer.text),
      confidence: Math.round(answer.confidence * 1e4) / 1e4,
      ...shownVerdict(verdict.sent, verdict.verdict),
      outcome: verdict.outcome,
      judges: verdict.judges.map((judge) => ({ ...judge, score: shownScore(judge.score) })),
      sources: answer.sources,
      ...(answer.reason && { reason: answer.reason }),
      ...(answer.failure && { failure: answer.failure }),
      ...(tries.has(answerKey(result)) && { tries: tries.get(answerKey(result))! }),
      ...(result.context && { context: result.context }),
    });
  });
  return [...tickets.values()];
}

/** Escalated or wrong tickets per candidate, grouped by meaning. */
async function knowledgeGaps(embedder: Embedder, judged: readonly JudgedTicket[], views: Map<string, TicketView>, seed: number): Promise<Record<string, KnowledgeGap[]>> {
  const gaps: Record<string, KnowledgeGap[]> = {};
  const missed = judged.filter((ticket) => !ticket.sent || ticket.verdict === 'wrong');
  const ids = [...new Set(missed.map((ticket) => ticket.ticketId))];
  const questions = ids.map((id) => `${views.get(id)?.subject ?? ''}\n${views.get(id)?.question ?? ''}`);
  const vectors = await embedder.embed(questions.map(embeddingText));
  // A ticket's words are read once, however many candidates missed it.
  const byId = new Map(ids.map((id, index) => [id, { question: questions[index]!, vector: vectors[index]!, words: gapWords(questions[index]!) }]));
  for (const candidate of new Set(judged.map((ticket) => ticket.candidate))) {
    const inputs = missed.filter((ticket) => ticket.candidate === candidate).map((ticket) => ({ ticketId: ticket.ticketId, ...byId.get(ticket.ticketId)! }));
    gaps[candidate] = await findGaps(inputs, { seed });
  }
  return gaps;
}

/** Moves a repeated run's later tries out of judged.jsonl, which labels are drawn from and matched to, into judged-tries.jsonl. */
async function keepFirstTriesJudged(runDir: string, firstTries: readonly JudgedTicket[], tries: readonly JudgedTry[]): Promise<void> {
  await writeJsonlFile(join(runDir, JUDGED_TRIES_FILE), tries.map(({ judged, repeat }) => ({ repeat, ...judged })));
  await writeJsonlFile(join(runDir, JUDGED_FILE), firstTries);
}

function judgedTries(results: readonly TicketResult[], judged: readonly JudgedTicket[]): JudgedTry[] {
  return results.map((result, index) => ({ judged: judged[index]!, repeat: tryOf(result), answeredOnce: result.answeredOnce === true }));
}

/** Judges a replayed run and computes its metrics, costs and knowledge gaps. */
export async function buildReport(options: ReportOptions): Promise<RunReport> {
  const run = await readRunInfo(options.runDir);
  const workspace = options.workspace ?? run.workspace;
  // One model for the semantic judge and the knowledge gaps.
  if (options.embedder) return reportWith(options.embedder, run, workspace, options);
  const embedder = await loadEmbedder((await readManifest(workspace)).modelPath);
  try {
    return await reportWith(embedder, run, workspace, options);
  } finally {
    await embedder.dispose();
  }
}

async function reportWith(embedder: Embedder, run: RunInfo, workspace: string, options: ReportOptions): Promise<RunReport> {
  const seed = options.seed ?? 42;
  const strictness = options.strictness ?? 'verified';
  // Read first: a damaged label agreement stops the report before the long judging.
  const labels = await readLabelsInRun(options.runDir);
  // Every try is judged in one pass; judged[i] is results[i]'s verdict.
  const { results: allResults, judged: everyTry, tickets } = await judgeRun({
    runDir: options.runDir,
    workspace,
    seed,
    embedder,
    ...(options.rules && { rules: options.rules }),
    ...(options.llmJudge && { llmJudge: options.llmJudge }),
    ...(options.onJudgeProgress && { onProgress: options.onJudgeProgress }),
  });
  // The first tries are the run as a run that was not repeated sees it: metrics, costs, gaps and explorer read them.
  const first = allResults.flatMap((result, index) => (tryOf(result) === 0 ? [index] : []));
  const results = first.map((index) => allResults[index]!);
  const judged = first.map((index) => everyTry[index]!);
  const metrics = computeMetrics(judged, { seed });
  const tries = judgedTries(allResults, everyTry);
  const repeat = run.repeat ?? 1;
  if (repeat > 1) await keepFirstTriesJudged(options.runDir, judged, tries);
  const repeatability = repeat > 1 ? computeRepeatability(tries, repeat, { seed }) : undefined;

  const rules = await readRulesInRun(options.runDir);
  const pricing = await priceRun({
    workspace,
    candidates: run.candidates,
    judged,
    strictness,
    ruleBilling: rules?.billing.byMonth ?? [],
    ...(labels && { labels: labels.corrected }),
    ...(options.pricingFile && { pricingFile: options.pricingFile }),
    ...(options.costs && { costs: options.costs }),
  });

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run,
    strictness,
    metrics,
    ...(repeatability && { repeatability }),
    pricing,
    gaps: await knowledgeGaps(embedder, judged, tickets, seed),
    contextRecall: contextRecallByCandidate(results.map((result, index) => ({ candidate: result.candidate, sent: judged[index]!.sent, verdict: judged[index]!.verdict, ...(result.context && { context: result.context }) }))),
    tickets: explorer(results, judged, tickets, triesByAnswer(allResults, everyTry)),
    ...(rules && { rules }),
    ...(labels && { labels }),
  };
}

/** A report written earlier, checked for the schema this version reads. */
export async function readReport(file: string): Promise<RunReport> {
  let report: RunReport;
  try {
    report = JSON.parse(await readFile(file, 'utf8')) as RunReport;
  } catch (cause) {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${file}: cannot read the run's report (${(cause as Error).message}); run \`shadowdesk report RUN\` first`, { cause });
  }
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `${file}: report schema ${String(report.schemaVersion)}, this shadowdesk reads ${REPORT_SCHEMA_VERSION}; run \`shadowdesk report\` again on the run`);
  }
  return report;
}
