import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random } from '../datasets/text/random.ts';
import { cohenKappa } from '../eval/labels/labels.ts';
import { log, machine } from './_shared.ts';

/**
 * How far the offline judges' signals can go (issue 17's κ ≥ 0.80): on the tune half's labelled
 * answers (`npm run bench:validity -- --half tune --tune-items FILE`), a logistic regression over
 * every judge's score learns "labelled correct" and is scored by 5-fold cross-validation, folds
 * drawn by item so two candidates' copies of one answer never sit on both sides, its threshold
 * chosen on the training folds for the best κ. A learner fitted to the labels is the most any
 * rule built on these scores could reach; the report half is never read.
 */

const { values } = parseArgs({
  options: {
    items: { type: 'string' },
    folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/validity-ceiling.json', import.meta.url)) },
  },
});
if (!values.items) throw new Error('--items FILE: the tune half’s labelled answers, from `npm run bench:validity -- --half tune --tune-items FILE`');
const FOLDS = Number(values.folds);

interface TuneItem {
  id: string;
  dataset: string;
  label: 'correct' | 'wrong' | 'needs-human';
  verdict: string;
  judges: Array<{ judge: string; score: number | null }>;
}

const items = (await readFile(values.items, 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as TuneItem);
const judgeNames = [...new Set(items.flatMap((item) => item.judges.map((judge) => judge.judge)))].sort();

/** Each judge's score, and whether it abstained (a judge with nothing to check says as much as a score). */
function featuresOf(item: TuneItem): number[] {
  const scores = new Map(item.judges.map((judge) => [judge.judge, judge.score]));
  return judgeNames.flatMap((name) => {
    const score = scores.get(name);
    return score === null || score === undefined ? [0, 1] : [score, 0];
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (weights: readonly number[], x: readonly number[]) => x.reduce((sum, value, i) => sum + value * weights[i]!, weights.at(-1)!);

/** Logistic regression by gradient descent with a light L2 penalty; the last weight is the bias. */
function fitLogistic(xs: readonly number[][], ys: readonly number[]): number[] {
  const width = xs[0]!.length;
  const weights = new Array<number>(width + 1).fill(0);
  for (let step = 0; step < 3000; step++) {
    const gradient = new Array<number>(width + 1).fill(0);
    xs.forEach((x, row) => {
      const error = sigmoid(dot(weights, x)) - ys[row]!;
      x.forEach((value, i) => (gradient[i]! += error * value));
      gradient[width]! += error;
    });
    for (let i = 0; i <= width; i++) weights[i]! -= (0.1 * (gradient[i]! + (i < width ? weights[i]! : 0))) / xs.length;
  }
  return weights;
}

const kappaOf = (labels: readonly TuneItem['label'][], automated: readonly boolean[]) =>
  cohenKappa(labels.map((human, i) => ({ human, automatic: automated[i] ? 'correct' : 'wrong' })));

/** Probability that a label-positive outranks a label-negative: how well the scores separate correct from not. */
function areaUnderCurve(scores: readonly number[], positive: readonly boolean[]): number | null {
  const pos = scores.filter((_, i) => positive[i]);
  const neg = scores.filter((_, i) => !positive[i]);
  if (pos.length === 0 || neg.length === 0) return null;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** A seeded shuffle, so the folds are the same on every run. */
function shuffled<T>(values: readonly T[], seed: number): T[] {
  const random = new Random(seed);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function ceilingOf(dataset: string) {
  const own = items.filter((item) => item.dataset === dataset);
  const ids = shuffled([...new Set(own.map((item) => item.id))].sort(), Number(values.seed));
  const foldOf = new Map(ids.map((id, i) => [id, i % FOLDS]));
  const xs = own.map(featuresOf);
  const ys: number[] = own.map((item) => (item.label === 'correct' ? 1 : 0));
  const heldOut = new Array<number>(own.length).fill(0);
  const automated = new Array<boolean>(own.length).fill(false);
  for (let fold = 0; fold < FOLDS; fold++) {
    const training = own.flatMap((item, i) => (foldOf.get(item.id) === fold ? [] : [i]));
    const weights = fitLogistic(training.map((i) => xs[i]!), training.map((i) => ys[i]!));
    const trainingScores = training.map((i) => sigmoid(dot(weights, xs[i]!)));
    const trainingLabels = training.map((i) => own[i]!.label);
    // The lowest threshold of the best κ on the training folds.
    const thresholds = Array.from({ length: 19 }, (_, k) => 0.05 * (k + 1));
    const kappas = thresholds.map((threshold) => kappaOf(trainingLabels, trainingScores.map((score) => score >= threshold)) ?? -1);
    const best = thresholds[kappas.indexOf(Math.max(...kappas))]!;
    own.forEach((item, i) => {
      if (foldOf.get(item.id) !== fold) return;
      heldOut[i] = sigmoid(dot(weights, xs[i]!));
      automated[i] = heldOut[i]! >= best;
    });
  }
  const labels = own.map((item) => item.label);
  const counted = automated.filter(Boolean).length;
  const countedCorrect = own.filter((item, i) => automated[i] && item.label === 'correct').length;
  return {
    dataset,
    labelled: own.length,
    labelledCorrect: ys.reduce((sum, y) => sum + y, 0),
    judgeKappa: kappaOf(labels, own.map((item) => item.verdict === 'correct')),
    learnedAuc: areaUnderCurve(heldOut, ys.map((y) => y === 1)),
    learnedKappa: kappaOf(labels, automated),
    learnedAutomated: counted,
    learnedPrecision: counted === 0 ? null : countedCorrect / counted,
  };
}

const datasets = [...new Set(items.map((item) => item.dataset))];
log(`${items.length} labelled answers of the tune half, ${judgeNames.length} judges, ${FOLDS}-fold cross-validation by item`);
const rows = datasets.map(ceilingOf);
const fixed = (value: number | null) => (value === null ? '–' : value.toFixed(2));
process.stdout.write(
  [
    '| dataset | labelled (correct) | judge κ | learned from the judges: AUC | κ | precision of automated (n) |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.dataset} | ${row.labelled} (${row.labelledCorrect}) | ${fixed(row.judgeKappa)} | ${fixed(row.learnedAuc)} | ${fixed(row.learnedKappa)} | ${fixed(row.learnedPrecision)} (${row.learnedAutomated}) |`),
  ].join('\n') + '\n',
);
await mkdir(dirname(values.out), { recursive: true });
await writeFile(values.out, `${JSON.stringify({ machine: machine(), folds: FOLDS, seed: Number(values.seed), judges: judgeNames, rows }, null, 2)}\n`);
process.stdout.write(`\nJSON: ${values.out}\n`);
