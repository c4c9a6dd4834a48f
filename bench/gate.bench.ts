import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { readRunReport } from '../bin/commands/compare.ts';
import { baselineOf, compareRuns, GATED_METRICS, type GatedMetric, type RunComparison } from '../eval/compare.ts';
import { bootstrapRates, streamFor, type Rate } from '../eval/metrics.ts';
import { selectTickets } from '../eval/replay.ts';
import { createLlmResponder } from '../eval/responders/llm.ts';
import type { RunReport } from '../eval/run-report.ts';
import { simulate } from '../eval/simulate.ts';
import { candidateReplies, knownTicket, startFakeCandidate, wrongTickets, type KnownTicket } from './_gate-candidate.ts';
import { fixed, formatTable, load, log, machine } from './_shared.ts';

/**
 * The CI gate's false alarms and power, the old rule against the new, end to end: a fake
 * OpenAI-compatible candidate on 127.0.0.1 (bench/_gate-candidate.ts) sends the agent's real reply
 * to each of the demo's replayed tickets, except on a seeded share p where it sends the agent's
 * reply to another ticket. The real `llm` responder asks it, the real replay and judge run (as
 * `simulate` does), and a run at p = 0.05 is pinned as the baseline, as `ci --update-baseline` pins
 * it. Reruns at p = 0.05 (errors on other tickets) must pass; at 0.10 / 0.15 / 0.20 they should fail;
 * a better candidate (p = 0.02) must pass. A second, cheaper section synthesises 1,000s of reruns
 * from the demo run's own verdicts, for tighter rates.
 */

const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    seed: { type: 'string', default: '2026' },
    nulls: { type: 'string', default: '20' },
    drops: { type: 'string', default: '10' },
    better: { type: 'string', default: '5' },
    'synthetic-nulls': { type: 'string', default: '1000' },
    'synthetic-drops': { type: 'string', default: '200' },
    parallel: { type: 'string', default: '2' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/gate.json', import.meta.url)) },
  },
});

const SEED = Number(values.seed);
const BASELINE_SHARE = 0.05;
const BETTER_SHARE = 0.02;
const DROP_SHARES = [0.1, 0.15, 0.2];
/** The demo's replay: the last 90 days, as `shadowdesk demo` selects them. */
const DEMO_SELECTION = { holdoutDays: 90, seed: 42 };
const CANDIDATE = 'llm:gate-bench';
const CLI = fileURLToPath(new URL('../bin/shadowdesk.ts', import.meta.url));
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

/** The seed of one candidate run: the baseline's is SEED itself, every rerun its own. */
const runSeed = (share: number, rerun: number) => SEED + 100_000 * Math.round(share * 100) + rerun + 1;

/** The candidate at `share`, replayed and judged on the workspace; its run folder is removed after. */
async function candidateRun(workspace: string, scratch: string, tickets: readonly KnownTicket[], share: number, seed: number): Promise<RunReport> {
  const endpoint = await startFakeCandidate(tickets, candidateReplies(tickets, share, seed));
  const runDir = join(scratch, `run-${share}-${seed}`);
  try {
    // No response cache: every run must ask the endpoint, as a rerun of a changed candidate does.
    const candidate = createLlmResponder({ id: CANDIDATE, endpoint: { baseUrl: endpoint.baseUrl, model: 'gate-bench' } });
    const { report } = await simulate({ workspace, runDir, candidates: [candidate], selection: DEMO_SELECTION });
    // An errored answer would be an escalation the candidate never chose: the run would measure the bench.
    const failed = report.tickets.find((ticket) => ticket.answers.some((answer) => answer.error));
    if (failed) throw new Error(`p = ${share}, seed ${seed}: ticket ${failed.ticketId} was not answered: ${failed.answers.find((answer) => answer.error)!.error}`);
    return report;
  } finally {
    await endpoint.close();
    await rm(runDir, { recursive: true, force: true });
  }
}

/** What the old rule read of each candidate: its gated rates with their 95% intervals, and its ticket count. */
type OldRuleInputs = Map<string, { rates: Record<GatedMetric, Rate>; tickets: number }>;

/** As `ci` read them before: from the report's own metrics. */
function ratesInReport(report: RunReport): OldRuleInputs {
  return new Map(
    report.metrics.candidates.map((entry) => [entry.candidate, { tickets: entry.tickets, rates: { 'automation (verified)': entry.automation.verified, accuracy: entry.accuracy, 'wrong answers': entry.wrongRate } }]),
  );
}

/**
 * A synthesised run's metrics are those of the verdicts it was made from: recomputed from its
 * tickets as eval/metrics.ts computes them (tickets in the run's order, 1000 resamples, one stream
 * per candidate), which gives the report's own intervals on an unchanged run.
 */
function resampledRates(report: RunReport): OldRuleInputs {
  const metrics = Object.values(GATED_METRICS);
  return new Map(
    report.metrics.candidates.map(({ candidate, tickets }) => {
      const answers = report.tickets.map((ticket) => ticket.answers.find((answer) => answer.candidate === candidate)!);
      const [automation, accuracy, wrong] = bootstrapRates(
        metrics.map(({ hit, counts }) => ({ numerators: answers.map((answer) => (hit(answer) ? 1 : 0)), denominators: answers.map((answer) => (counts(answer) ? 1 : 0)) })),
        streamFor(report.metrics.seed, candidate),
        1000,
      ) as [Rate, Rate, Rate];
      return [candidate, { tickets, rates: { 'automation (verified)': automation, accuracy, 'wrong answers': wrong } }];
    }),
  );
}

const halfWidth = (rate: Rate) => (rate.low === null || rate.high === null ? 0 : (rate.high - rate.low) / 2);

/**
 * The rule `ci` used before (eval/compare.ts until the paired gate), kept as it was: a rate fails
 * when it gets worse by more than both runs' 95% half-widths added in quadrature, and a candidate
 * fails when more than max(2, 1% of its tickets) sent answers go from correct to wrong.
 */
function oldRuleFails(baseline: RunReport, current: RunReport, ratesOf: (report: RunReport) => OldRuleInputs): boolean {
  const [before, after] = [ratesOf(baseline), ratesOf(current)];
  const sentVerdicts = (report: RunReport) => new Map(report.tickets.flatMap((ticket) => ticket.answers.filter((answer) => answer.sent).map((answer) => [`${answer.candidate}\u0000${ticket.ticketId}`, answer.verdict] as const)));
  const [from, to] = [sentVerdicts(baseline), sentVerdicts(current)];
  return baseline.metrics.candidates.some(({ candidate }) => {
    const [a, b] = [before.get(candidate), after.get(candidate)];
    if (!a || !b) return true;
    const rateFails = (Object.entries(GATED_METRICS) as Array<[GatedMetric, (typeof GATED_METRICS)[GatedMetric]]>).some(([metric, { higherIsBetter }]) => {
      const [x, y] = [a.rates[metric], b.rates[metric]];
      const delta = x.value === null || y.value === null ? null : y.value - x.value;
      const worse = delta === null ? 0 : higherIsBetter ? -delta : delta;
      return worse > Math.hypot(halfWidth(x), halfWidth(y)) + 1e-12;
    });
    let newlyWrong = 0;
    for (const [key, verdict] of to) if (key.startsWith(`${candidate}\u0000`) && verdict === 'wrong' && from.get(key) === 'correct') newlyWrong += 1;
    return rateFails || newlyWrong > Math.max(2, Math.floor(b.tickets * 0.01));
  });
}

/** One rerun judged by both rules, with the size of its change for one candidate (points). */
interface Rerun {
  share: number;
  seed: number;
  oldFails: boolean;
  newFails: boolean;
  change: Record<GatedMetric, number>;
  seconds?: number;
}

function judgedRerun(baseline: RunReport, current: RunReport, ratesOf: (report: RunReport) => OldRuleInputs, candidate: string, share: number, seed: number): Rerun {
  const comparison: RunComparison = compareRuns(baseline, current);
  const changeOf = (metric: GatedMetric) => 100 * (comparison.metrics.find((change) => change.candidate === candidate && change.metric === metric)!.delta ?? 0);
  return {
    share,
    seed,
    oldFails: oldRuleFails(baseline, current, ratesOf),
    newFails: !comparison.passed,
    change: { 'automation (verified)': changeOf('automation (verified)'), accuracy: changeOf('accuracy'), 'wrong answers': changeOf('wrong answers') },
  };
}

/** Reruns of one share, summed up. */
interface Row {
  share: number;
  runs: number;
  oldFails: number;
  newFails: number;
  /** Mean change over the reruns, in points. */
  meanChange: Record<GatedMetric, number>;
}

function rowOf(share: number, reruns: readonly Rerun[]): Row {
  const mean = (metric: GatedMetric) => reruns.reduce((sum, rerun) => sum + rerun.change[metric], 0) / reruns.length;
  return {
    share,
    runs: reruns.length,
    oldFails: reruns.filter((rerun) => rerun.oldFails).length,
    newFails: reruns.filter((rerun) => rerun.newFails).length,
    meanChange: { 'automation (verified)': mean('automation (verified)'), accuracy: mean('accuracy'), 'wrong answers': mean('wrong answers') },
  };
}

const signedPoints = (points: number) => `${points > 0 ? '+' : points < 0 ? '−' : ''}${fixed(Math.abs(points), 1)} pts`;
const failShare = (fails: number, runs: number) => `${fixed((100 * fails) / runs, 0)}% (${fails}/${runs})`;

function reading(share: number): string {
  if (share === BASELINE_SHARE) return 'false alarms, target ≤ 5%';
  if (share === BETTER_SHARE) return 'better candidate: must pass';
  return share === 0.15 ? 'power, target ≥ 80%' : 'power';
}

function rowsTable(rows: readonly Row[], metricLabel: (metric: GatedMetric) => string): string {
  return formatTable(
    ['candidate run', 'reruns', ...(['automation (verified)', 'accuracy', 'wrong answers'] as const).map(metricLabel), 'old rule fails', 'new rule fails', 'reading'],
    rows.map((row) => [
      `p = ${fixed(row.share, 2)}${row.share === BASELINE_SHARE ? ' (same rate, other tickets)' : row.share === BETTER_SHARE ? ' (better)' : ''}`,
      String(row.runs),
      signedPoints(row.meanChange['automation (verified)']),
      signedPoints(row.meanChange.accuracy),
      signedPoints(row.meanChange['wrong answers']),
      failShare(row.oldFails, row.runs),
      failShare(row.newFails, row.runs),
      reading(row.share),
    ]),
  );
}

/** Runs `jobs` at most `parallel` at a time (the judge waits on the model and the index much of the time). */
async function inParallel<T>(jobs: ReadonlyArray<() => Promise<T>>, parallel: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}

const verdictCounts = (report: RunReport) => report.metrics.candidates.find((entry) => entry.candidate === CANDIDATE)!.verdicts;

const started = performance.now();
const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-gate-bench-'));
try {
  let workspace = values.workspace;
  let demoSeconds = 0;
  if (!workspace) {
    workspace = join(scratch, 'workspace');
    log('building the demo workspace with `shadowdesk demo`…');
    const demoStarted = performance.now();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'demo', '--workspace', workspace], { maxBuffer: 64 * 1024 * 1024 });
    demoSeconds = seconds(demoStarted);
  }
  const tickets = (await selectTickets(workspace, DEMO_SELECTION)).map(knownTicket);

  // The judge's noise floor: the candidate sending every agent reply as it was. Timed, as is the
  // baseline: the first run of the process also loads the code and the model.
  let runStarted = performance.now();
  const oracle = await candidateRun(workspace, scratch, tickets, 0, SEED);
  const firstRunSeconds = seconds(runStarted);
  log(`one replay + judge of the demo (${tickets.length} tickets) with the fake candidate, first of the process: ${firstRunSeconds} s`);

  // Pinned as `ci --update-baseline` pins it, and read back as `ci --baseline` reads it.
  const baselineFile = join(scratch, 'baseline.json');
  runStarted = performance.now();
  const pinned = await candidateRun(workspace, scratch, tickets, BASELINE_SHARE, SEED);
  const oneRunSeconds = seconds(runStarted);
  log(`the next one (the baseline): ${oneRunSeconds} s`);
  await writeFile(baselineFile, `${JSON.stringify(baselineOf(pinned))}\n`);
  const baseline = await readRunReport(baselineFile, '--baseline');

  const plan: Array<[number, number]> = [[BASELINE_SHARE, Number(values.nulls)], [BETTER_SHARE, Number(values.better)], ...DROP_SHARES.map((share): [number, number] => [share, Number(values.drops)])];
  const jobs = plan.flatMap(([share, runs]) =>
    Array.from({ length: runs }, (_, rerun) => async (): Promise<Rerun> => {
      const seed = runSeed(share, rerun);
      const rerunStarted = performance.now();
      const current = await candidateRun(workspace, scratch, tickets, share, seed);
      const judged = { ...judgedRerun(baseline, current, ratesInReport, CANDIDATE, share, seed), seconds: seconds(rerunStarted) };
      log(`p = ${share} rerun ${rerun + 1}/${runs}: old rule ${judged.oldFails ? 'fails' : 'passes'}, new rule ${judged.newFails ? 'fails' : 'passes'} (${judged.seconds} s)`);
      return judged;
    }),
  );
  const endToEndStarted = performance.now();
  const reruns = await inParallel(jobs, Number(values.parallel));
  const endToEndSeconds = seconds(endToEndStarted);
  const endToEnd = plan.map(([share]) => rowOf(share, reruns.filter((rerun) => rerun.share === share)));

  // The cheaper section: the demo run's own four candidates, with reruns synthesised from its verdicts.
  const syntheticStarted = performance.now();
  const demo = await readRunReport(join(workspace, 'runs', 'demo'));
  const withWrongShare = (share: number, seed: number): RunReport => {
    const wrong = wrongTickets(
      demo.tickets.map((ticket) => ticket.ticketId),
      share,
      seed,
    );
    return {
      ...demo,
      tickets: demo.tickets.map((ticket) =>
        wrong.has(ticket.ticketId) ? { ...ticket, answers: ticket.answers.map((answer) => (answer.sent ? { ...answer, verdict: 'wrong' as const, outcome: 'ai-then-agent' as const } : answer)) } : ticket,
      ),
    };
  };
  const best = [...demo.metrics.candidates].sort((a, b) => (b.accuracy.value ?? 0) - (a.accuracy.value ?? 0))[0]!.candidate;
  const syntheticPlan: Array<[number, number]> = [[BASELINE_SHARE, Number(values['synthetic-nulls'])], ...DROP_SHARES.map((share): [number, number] => [share, Number(values['synthetic-drops'])])];
  const synthetic = syntheticPlan.filter(([, runs]) => runs > 0).map(([share, runs]) => {
    const rows = Array.from({ length: runs }, (_, rerun) => {
      // A fresh baseline per rerun: one lucky or unlucky baseline would bias every rerun the same way.
      const seed = runSeed(share, rerun) + 50_000;
      return judgedRerun(withWrongShare(BASELINE_SHARE, seed), withWrongShare(share, seed + 1), resampledRates, best, share, seed);
    });
    log(`synthetic p = ${share}: ${runs} reruns done`);
    return rowOf(share, rows);
  });
  const syntheticSeconds = seconds(syntheticStarted);

  const counts = (report: RunReport) => Object.entries(verdictCounts(report)).filter(([, count]) => count > 0).map(([verdict, count]) => `${count} ${verdict}`).join(', ');
  process.stdout.write(
    [
      `End to end: the \`llm\` responder against a fake endpoint on 127.0.0.1, ${tickets.length} demo tickets (last 90 days); seed ${SEED} for the candidate's draws, 42 for the selection, the judge and the metrics.`,
      `Oracle (every agent reply sent as it was): ${counts(oracle)}.`,
      `Pinned baseline p = ${BASELINE_SHARE}: ${counts(pinned)}. New rule: alpha 0.05, tolerance 2 points. Changes are means over the reruns.`,
      '',
      rowsTable(endToEnd, (metric) => metric),
      '',
      `One replay + judge: ${firstRunSeconds} s for the first of the process, ${oneRunSeconds} s for the next; ${reruns.length} reruns in ${endToEndSeconds} s (${values.parallel} at a time).`,
      ...(synthetic.length === 0
        ? []
        : [
            '',
            `Synthetic: the fresh demo run's four candidates, reruns made by turning a seeded share of its sent answers wrong (a fresh baseline at p = ${BASELINE_SHARE} each rerun); in ${syntheticSeconds} s.`,
            '',
            rowsTable(synthetic, (metric) => `${best}: ${metric}`),
          ]),
      '',
      `Total ${seconds(started)} s${demoSeconds > 0 ? `, of which ${demoSeconds} s building the demo workspace` : ''}.`,
      '',
    ].join('\n'),
  );
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(
    values.out,
    `${JSON.stringify(
      {
        machine: machine(),
        load: load(),
        seed: SEED,
        seconds: { total: seconds(started), demo: demoSeconds, firstRun: firstRunSeconds, oneRun: oneRunSeconds, reruns: endToEndSeconds, synthetic: syntheticSeconds },
        parallel: Number(values.parallel),
        tickets: tickets.length,
        alpha: 0.05,
        tolerance: 0.02,
        endToEnd: { candidate: CANDIDATE, oracle: verdictCounts(oracle), baseline: { share: BASELINE_SHARE, seed: SEED, verdicts: verdictCounts(pinned) }, rows: endToEnd, reruns },
        synthetic: { candidates: demo.metrics.candidates.map((entry) => entry.candidate), shownCandidate: best, rows: synthetic },
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${values.out} in ${seconds(started)} s`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
