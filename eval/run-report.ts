import { readFile } from 'node:fs/promises';
import { ShadowdeskError } from '../errors.ts';
import { loadEmbedder, type Embedder } from '../pipelines/embed/embedder.ts';
import { embeddingText, readManifest } from '../pipelines/search-tables.ts';
import { findGaps, type KnowledgeGap } from './gaps.ts';
import { judgeRun, type TicketView } from './judge.ts';
import type { JudgedTicket, JudgeScore, Outcome, Verdict } from './judges/types.ts';
import type { LlmJudgeOptions } from './judges/llm-judge.ts';
import type { VerdictRules } from './judges/verdict.ts';
import { readLabelsInRun, type LabelsInRun } from './labels-in-run.ts';
import { computeMetrics, type RunMetrics } from './metrics.ts';
import { priceRun, type RunPricing } from './pricing/price-run.ts';
import type { Strictness } from './pricing/volumes.ts';
import { readRulesInRun, type RulesInRun } from './rules/in-run.ts';
import { readResults, readRunInfo, type RunInfo, type TicketResult } from './replay.ts';
import type { Source } from './types.ts';

/**
 * The machine-readable truth of a run: everything every report format renders, in one JSON with a
 * schema version. Deterministic for a seed (no clock, no paths that change between machines
 * beyond the run's own), so two runs can be diffed and a CI baseline pinned.
 */

export const REPORT_SCHEMA_VERSION = 1;
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
  error?: string;
}

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
  metrics: RunMetrics;
  pricing: RunPricing;
  gaps: Record<string, KnowledgeGap[]>;
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
  /** @default 'verified' */
  strictness?: Strictness;
  /** @default 42 */
  seed?: number;
  /** @default 0.95 */
  targetAccuracy?: number;
  rules?: VerdictRules;
  llmJudge?: LlmJudgeOptions;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** The verdict a reader is shown: an unsent answer's own verdict only as what it would have been. */
export function shownVerdict(sent: boolean, verdict: Verdict): Pick<ExplorerAnswer, 'verdict' | 'verdictIfSent'> {
  return sent ? { verdict } : { verdict: 'not-sent', verdictIfSent: verdict };
}

function explorer(results: readonly TicketResult[], judged: readonly JudgedTicket[], views: Map<string, TicketView>): ExplorerTicket[] {
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
      judges: verdict.judges.map((judge) => ({ ...judge, score: judge.score === null ? null : Math.round(judge.score * 1e4) / 1e4 })),
      sources: answer.sources,
      ...(answer.reason && { reason: answer.reason }),
      ...(answer.error && { error: answer.error }),
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
  const byId = new Map(ids.map((id, index) => [id, { question: questions[index]!, vector: vectors[index]! }]));
  for (const candidate of new Set(judged.map((ticket) => ticket.candidate))) {
    const inputs = missed.filter((ticket) => ticket.candidate === candidate).map((ticket) => ({ ticketId: ticket.ticketId, ...byId.get(ticket.ticketId)! }));
    gaps[candidate] = findGaps(inputs, { seed });
  }
  return gaps;
}

/** Judges a replayed run and computes its metrics, costs and knowledge gaps. */
export async function buildReport(options: ReportOptions): Promise<RunReport> {
  const run = await readRunInfo(options.runDir);
  const workspace = options.workspace ?? run.workspace;
  // One model for the semantic judge and the knowledge gaps.
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
  const { judged, tickets } = await judgeRun({ runDir: options.runDir, workspace, seed, embedder, ...(options.rules && { rules: options.rules }), ...(options.llmJudge && { llmJudge: options.llmJudge }) });
  const results = await readResults(options.runDir);
  const oneTouch = new Set([...tickets].filter(([, view]) => view.oneTouch).map(([id]) => id));
  const metrics = computeMetrics(judged, { seed, oneTouch, ...(options.targetAccuracy !== undefined && { targetAccuracy: options.targetAccuracy }) });

  const rules = await readRulesInRun(options.runDir);
  const pricing = await priceRun({
    workspace,
    candidates: run.candidates,
    judged,
    strictness,
    ruleBilling: rules?.billing.byMonth ?? [],
    ...(labels && { labels: labels.corrected }),
    ...(options.pricingFile && { pricingFile: options.pricingFile }),
  });

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run,
    strictness,
    metrics,
    pricing,
    gaps: await knowledgeGaps(embedder, judged, tickets, seed),
    tickets: explorer(results, judged, tickets),
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
