import { cohenKappa } from '../eval/labels.ts';
import type { JudgedTicket } from '../eval/judges/types.ts';
import type { DrawnAnswer } from './validity.bench.ts';

/** A drawn answer and the label a person gave its item. */
export interface LabelledItem {
  answer: DrawnAnswer;
  label: string;
}

export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface ValidityRow {
  /** Drawn answers with a label on this half, and the distinct items behind them. */
  labelled: number;
  items: number;
  /** Answers the judge counts as automated, and how many of them people labelled correct. */
  automated: number;
  automatedCorrect: number;
  precision: Estimate;
  /** Of the one-reply answers people labelled correct, the share the judge counts as automated. */
  recall: number | null;
  agreement: number | null;
  kappa: number | null;
  /** Share of the labelled sent answers the judge left unverified. */
  unverified: number | null;
  /** Automation over every candidate's tickets: the judge alone, corrected by the labels (PPI), and the labels alone. */
  automationJudge: number | null;
  automationPpi: Estimate;
  automationLabels: Estimate;
}

const Z = 1.96;
const clip = (value: number) => Math.min(1, Math.max(0, value));

function wilson(successes: number, n: number): Estimate {
  if (n === 0) return { value: null, low: null, high: null };
  const p = successes / n;
  const centre = (p + (Z * Z) / (2 * n)) / (1 + (Z * Z) / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / (1 + (Z * Z) / n);
  return { value: p, low: clip(centre - half), high: clip(centre + half) };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function variance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const centre = mean(values);
  return values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1);
}

const normal = (value: number, standardError: number): Estimate => ({ value, low: clip(value - Z * standardError), high: clip(value + Z * standardError) });

/**
 * Automation over all (candidate, ticket) pairs, one stratum per candidate: within a candidate the
 * labelled answers are a uniform draw of its sent answers, and an answer not sent is automated
 * neither by the judge nor in truth. PPI per stratum (statistics.md): the judge's mean over the
 * sent answers minus its mean error on the labelled ones.
 */
function automationEstimates(items: readonly LabelledItem[], judged: readonly JudgedTicket[]): Pick<ValidityRow, 'automationJudge' | 'automationPpi' | 'automationLabels'> {
  const candidates = [...new Set(judged.map((entry) => entry.candidate))];
  let judgeSum = 0;
  let ppiSum = 0;
  let ppiVariance = 0;
  let labelSum = 0;
  let labelVariance = 0;
  for (const candidate of candidates) {
    const own = judged.filter((entry) => entry.candidate === candidate);
    const sent = own.filter((entry) => entry.sent);
    const labelled = items.filter((item) => item.answer.candidate === candidate);
    const share = sent.length / own.length;
    const f = sent.map((entry) => (entry.resolution.verified ? 1 : 0));
    judgeSum += mean(own.map((entry) => (entry.resolution.verified ? 1 : 0)));
    if (labelled.length === 0) {
      // No label for this candidate on this half: nothing to correct with, and no truth to show.
      if (sent.length > 0) return { automationJudge: null, automationPpi: { value: null, low: null, high: null }, automationLabels: { value: null, low: null, high: null } };
      continue;
    }
    const y = labelled.map((item) => (item.answer.judged.resolution.contained && item.label === 'correct' ? 1 : 0));
    const error = labelled.map((item, index) => (item.answer.judged.resolution.verified ? 1 : 0) - y[index]!);
    ppiSum += share * (mean(f) - mean(error));
    ppiVariance += share ** 2 * (variance(f) / f.length + variance(error) / error.length);
    labelSum += share * mean(y);
    labelVariance += share ** 2 * (variance(y) / y.length);
  }
  const count = candidates.length;
  if (count === 0) return { automationJudge: null, automationPpi: { value: null, low: null, high: null }, automationLabels: { value: null, low: null, high: null } };
  return {
    automationJudge: judgeSum / count,
    automationPpi: normal(ppiSum / count, Math.sqrt(ppiVariance) / count),
    automationLabels: normal(labelSum / count, Math.sqrt(labelVariance) / count),
  };
}

export function validityTable(items: readonly LabelledItem[], judged: readonly JudgedTicket[]): ValidityRow {
  const automated = items.filter((item) => item.answer.judged.resolution.verified);
  const automatedCorrect = automated.filter((item) => item.label === 'correct').length;
  const truthAutomated = items.filter((item) => item.answer.judged.resolution.contained && item.label === 'correct');
  const pairs = items.map((item) => ({ automatic: item.answer.judged.verdict === 'correct', human: item.label === 'correct' }));
  const agreeing = pairs.filter((pair) => pair.automatic === pair.human).length;
  return {
    labelled: items.length,
    items: new Set(items.map((item) => item.answer.id)).size,
    automated: automated.length,
    automatedCorrect,
    precision: wilson(automatedCorrect, automated.length),
    recall: truthAutomated.length === 0 ? null : truthAutomated.filter((item) => item.answer.judged.resolution.verified).length / truthAutomated.length,
    agreement: pairs.length === 0 ? null : agreeing / pairs.length,
    kappa: cohenKappa(pairs.map((pair) => ({ automatic: pair.automatic ? 'correct' : 'wrong', human: pair.human ? 'correct' : 'wrong' }))),
    unverified: items.length === 0 ? null : items.filter((item) => item.answer.judged.verdict === 'unverified').length / items.length,
    ...automationEstimates(items, judged),
  };
}

const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(0)}%`);
const interval = (estimate: Estimate) => (estimate.value === null ? '–' : `${percent(estimate.value)} (${percent(estimate.low)}–${percent(estimate.high)})`);

/** The benchmark's table, one row per dataset, as docs/benchmarks.md shows it. */
export function renderValidityTable(rows: ReadonlyArray<ValidityRow & { dataset: string }>): string {
  const header = ['dataset', 'labelled (items)', 'precision of automated', 'recall', 'agreement', 'κ', 'unverified', 'automation: judge', 'PPI-corrected', 'labels alone'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const precision = row.automated === 0 ? 'none automated' : `${interval(row.precision)} · ${row.automatedCorrect}/${row.automated}`;
    lines.push(
      `| ${[row.dataset, `${row.labelled} (${row.items})`, precision, percent(row.recall), percent(row.agreement), row.kappa === null ? '–' : row.kappa.toFixed(2), percent(row.unverified), percent(row.automationJudge), interval(row.automationPpi), interval(row.automationLabels)].join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
