import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { readRunReport } from '../bin/commands/compare.ts';
import { Random } from '../datasets/demo/random.ts';
import { compareRuns, GATED_METRICS, type GatedMetric, type PairedAnswer } from '../eval/compare.ts';
import { bootstrapRates, streamFor } from '../eval/metrics.ts';
import type { RunReport } from '../eval/run-report.ts';
import { fixed, formatTable, load, log, machine } from './_shared.ts';

/**
 * The CI gate's false alarms and power, old rule against new, on a real demo run's verdicts.
 * Candidate runs are synthesised: each turns a seeded share p of the tickets' sent answers wrong
 * (a different seeded set each rerun). Each rerun's pinned baseline is p = 0.05; reruns at p = 0.05 are
 * unchanged candidates (any failure is a false alarm), reruns at 0.10 / 0.15 / 0.20 are real drops.
 */

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    nulls: { type: 'string', default: '1000' },
    drops: { type: 'string', default: '200' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/gate.json', import.meta.url)) },
  },
});

const BASELINE_SHARE = 0.05;
const DROP_SHARES = [0.1, 0.15, 0.2];
const CLI = fileURLToPath(new URL('../bin/shadowdesk.ts', import.meta.url));

/** The real demo run: the one --run names, else a fresh `shadowdesk demo` in a temporary workspace. */
async function demoRun(): Promise<{ report: RunReport; source: string }> {
  if (values.run) return { report: await readRunReport(values.run), source: values.run };
  const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-gate-bench-'));
  try {
    log('running `shadowdesk demo` into a temporary workspace…');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'demo', '--workspace', scratch], { maxBuffer: 64 * 1024 * 1024 });
    return { report: await readRunReport(join(scratch, 'runs', 'demo')), source: '`shadowdesk demo` (fresh)' };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The run with a seeded share of tickets whose sent answers turn wrong (for every candidate). */
function withWrongShare(report: RunReport, share: number, seed: number): RunReport {
  const random = new Random(seed);
  return {
    ...report,
    tickets: report.tickets.map((ticket) => {
      if (!random.chance(share)) return ticket;
      return { ...ticket, answers: ticket.answers.map((answer) => (answer.sent ? { ...answer, verdict: 'wrong' as const, outcome: 'ai-then-agent' as const } : answer)) };
    }),
  };
}

/**
 * The rule `ci` used before: each rate's drop against both runs' 95% intervals added in
 * quadrature (the intervals of eval/metrics.ts: 1000 resamples, one stream per candidate), or more
 * than max(2, 1%) tickets from correct to wrong.
 */
function oldRuleFails(baseline: RunReport, current: RunReport): boolean {
  const candidates = baseline.metrics.candidates.map((entry) => entry.candidate);
  const metrics = Object.entries(GATED_METRICS) as Array<[GatedMetric, (typeof GATED_METRICS)[GatedMetric]]>;
  const answersOf = (report: RunReport, candidate: string): PairedAnswer[] =>
    [...report.tickets].sort((a, b) => (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0)).map((ticket) => ticket.answers.find((answer) => answer.candidate === candidate)!);
  const intervals = (answers: PairedAnswer[], candidate: string) =>
    bootstrapRates(
      metrics.map(([, { hit, counts }]) => ({ numerators: answers.map((answer) => (hit(answer) ? 1 : 0)), denominators: answers.map((answer) => (counts(answer) ? 1 : 0)) })),
      streamFor(baseline.metrics.seed, candidate),
      1000,
    );
  return candidates.some((candidate) => {
    const [before, after] = [answersOf(baseline, candidate), answersOf(current, candidate)];
    const [a, b] = [intervals(before, candidate), intervals(after, candidate)];
    const halfWidth = (rate: (typeof a)[number]) => (rate.low === null || rate.high === null ? 0 : (rate.high - rate.low) / 2);
    const metricFails = metrics.some(([, { higherIsBetter }], index) => {
      const [x, y] = [a[index]!, b[index]!];
      if (x.value === null || y.value === null) return false;
      const worse = higherIsBetter ? x.value - y.value : y.value - x.value;
      return worse > Math.hypot(halfWidth(x), halfWidth(y)) + 1e-12;
    });
    const newlyWrong = before.filter((answer, index) => answer.sent && answer.verdict === 'correct' && after[index]!.sent && after[index]!.verdict === 'wrong').length;
    return metricFails || newlyWrong > Math.max(2, Math.floor(before.length * 0.01));
  });
}

interface Row {
  share: number;
  runs: number;
  oldFails: number;
  newFails: number;
  /** Mean changes of the most accurate candidate (points), to show the size of the drop. */
  meanAccuracyChange: number;
  meanWrongChange: number;
}

const { report: demo, source } = await demoRun();
const tickets = demo.tickets.length;
const best = [...demo.metrics.candidates].sort((a, b) => (b.accuracy.value ?? 0) - (a.accuracy.value ?? 0))[0]!.candidate;
const plan: Array<[number, number]> = [[BASELINE_SHARE, Number(values.nulls)], ...DROP_SHARES.map((share): [number, number] => [share, Number(values.drops)])];
const rows: Row[] = [];
const started = performance.now();
for (const [share, runs] of plan) {
  let oldFails = 0;
  let newFails = 0;
  let accuracyChange = 0;
  let wrongChange = 0;
  for (let rerun = 0; rerun < runs; rerun++) {
    // A fresh pinned baseline per rerun too: one lucky or unlucky baseline would bias every rerun the same way.
    const seed = 1_000_000 * Math.round(share * 100) + 2 * rerun;
    const baseline = withWrongShare(demo, BASELINE_SHARE, seed);
    const current = withWrongShare(demo, share, seed + 1);
    const comparison = compareRuns(baseline, current);
    if (!comparison.passed) newFails += 1;
    if (oldRuleFails(baseline, current)) oldFails += 1;
    const changeOf = (metric: GatedMetric) => comparison.metrics.find((change) => change.candidate === best && change.metric === metric)!.delta ?? 0;
    accuracyChange += changeOf('accuracy');
    wrongChange += changeOf('wrong answers');
  }
  rows.push({ share, runs, oldFails, newFails, meanAccuracyChange: (100 * accuracyChange) / runs, meanWrongChange: (100 * wrongChange) / runs });
  log(`p = ${share}: ${runs} reruns done`);
}

const signedPoints = (points: number) => `${points > 0 ? '+' : ''}${fixed(points, 1)} pts`;
const label = (row: Row) => (row.share === BASELINE_SHARE ? 'false alarms' : 'power');
const table = formatTable(
  ['candidate run', 'reruns', `${best}: accuracy`, 'wrong answers', 'old rule fails', 'new rule fails', 'reading'],
  rows.map((row) => [
    `p = ${fixed(row.share, 2)}${row.share === BASELINE_SHARE ? ' (unchanged)' : ''}`,
    String(row.runs),
    signedPoints(row.meanAccuracyChange),
    signedPoints(row.meanWrongChange),
    `${fixed((100 * row.oldFails) / row.runs, 0)}%`,
    `${fixed((100 * row.newFails) / row.runs, 0)}%`,
    label(row),
  ]),
);
process.stdout.write(`Gate on ${source}: ${tickets} tickets, candidates ${demo.metrics.candidates.map((entry) => entry.candidate).join(', ')}; baseline p = ${BASELINE_SHARE}; new rule alpha 0.05, tolerance 2 points; changes are means over the reruns\n\n${table}\n\n`);
await mkdir(dirname(values.out), { recursive: true });
await writeFile(
  values.out,
  `${JSON.stringify({ machine: machine(), load: load(), seconds: Math.round((performance.now() - started) / 100) / 10, source, tickets, candidates: demo.metrics.candidates.map((entry) => entry.candidate), baselineShare: BASELINE_SHARE, alpha: 0.05, tolerance: 0.02, rows }, null, 2)}\n`,
);
log(`wrote ${values.out}`);
