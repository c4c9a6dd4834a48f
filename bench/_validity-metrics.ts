import type { JudgedTicket } from '../eval/judges/types.ts';
import { cohenKappa } from '../eval/labels/labels.ts';
import { ppiMean, stratifiedMean, wilsonInterval, Z_95, type CorrectedRate, type Proportion, type RateStratum } from '../eval/metrics/ppi.ts';
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
  precision: Proportion;
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

const NONE: Estimate = { value: null, low: null, high: null };
const estimateOf = (rate: CorrectedRate): Estimate => ({ value: rate.estimate, low: rate.low, high: rate.high });

/**
 * Automation over all (candidate, ticket) pairs. Within a candidate the labelled answers are a
 * uniform draw of its sent answers, and an answer not sent is automated neither by the judge nor
 * in truth: PPI corrects the judge's rate over each candidate's sent answers, and the candidates'
 * estimates add up weighted by their share of the pairs. The labels alone are the same strata
 * without the judge.
 */
function automationEstimates(items: readonly LabelledItem[], judged: readonly JudgedTicket[]): Pick<ValidityRow, 'automationJudge' | 'automationPpi' | 'automationLabels'> {
  const candidates = [...new Set(judged.map((entry) => entry.candidate))];
  const pairs = judged.length;
  if (pairs === 0) return { automationJudge: null, automationPpi: NONE, automationLabels: NONE };
  const verified = (entry: JudgedTicket) => (entry.resolution.verified ? 1 : 0);
  const truth = (item: LabelledItem) => (item.answer.judged.resolution.contained && item.label === 'correct' ? 1 : 0);
  let ppi = 0;
  let ppiVariance = 0;
  const strata: RateStratum[] = [];
  for (const candidate of candidates) {
    const own = judged.filter((entry) => entry.candidate === candidate);
    const sent = own.filter((entry) => entry.sent);
    const labelled = items.filter((item) => item.answer.candidate === candidate);
    const unsent = own.length - sent.length;
    strata.push({ size: unsent, sample: new Array<number>(unsent).fill(0), settled: true }, { size: sent.length, sample: labelled.map(truth) });
    if (sent.length === 0) continue;
    const rate = ppiMean(sent.map(verified), labelled.map((item) => ({ judge: verified(item.answer.judged), person: truth(item) })));
    if (rate.estimate === null || rate.standardError === null) return { automationJudge: judged.filter((entry) => verified(entry)).length / pairs, automationPpi: NONE, automationLabels: NONE };
    ppi += (sent.length / pairs) * rate.estimate;
    ppiVariance += (sent.length / pairs) ** 2 * rate.standardError ** 2;
  }
  const spread = Z_95 * Math.sqrt(ppiVariance);
  return {
    automationJudge: judged.filter((entry) => verified(entry)).length / pairs,
    automationPpi: { value: ppi, low: Math.max(0, ppi - spread), high: Math.min(1, ppi + spread) },
    automationLabels: estimateOf(stratifiedMean(strata)),
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
    precision: wilsonInterval(automatedCorrect, automated.length),
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
