import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { readRunReport } from '../bin/commands/_gate-flags.ts';
import { baselineOf, type GatedMetric } from '../eval/metrics/compare.ts';
import { wilsonInterval } from '../eval/metrics/ppi.ts';
import { selectTickets } from '../eval/replay/replay.ts';
import { createLlmResponder } from '../eval/responders/llm.ts';
import type { RunReport } from '../eval/metrics/run-report.ts';
import { simulate } from '../eval/simulate.ts';
import { candidateReplies, knownTicket, startFakeCandidate, type KnownTicket } from './_gate-candidate.ts';
import { BASELINE_SHARE, BETTER_SHARE, DROP_SHARES, judgedRerun, ratesInReport, rowOf, runSeed, type Rerun, type Row } from './_gate-rules.ts';
import { fixed, formatTable, load, log, machine, runChild } from './_shared.ts';

/**
 * The CI gate's false alarms and power, the old rule against the new, end to end: a fake
 * OpenAI-compatible candidate on 127.0.0.1 (bench/_gate-candidate.ts) sends the agent's real reply
 * to each of the demo's replayed tickets, except on a seeded share p where it sends the agent's
 * reply to another ticket. The real `llm` responder asks it, the real replay and judge run (as
 * `simulate` does), and a run at p = 0.05 is pinned as the baseline, as `ci --update-baseline` pins
 * it. Reruns at p = 0.05 (errors on other tickets) must pass; at 0.10 / 0.15 / 0.20 they should fail;
 * a better candidate (p = 0.02) must pass. A second, cheaper section (bench/_gate-synthetic.ts, in a
 * process of its own meanwhile) synthesises 1,000s of reruns from the demo run's verdicts, for tighter rates.
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
/** The demo's replay: the last 90 days, as `shadowdesk demo` selects them. */
const DEMO_SELECTION = { holdoutDays: 90, seed: 42 };
const CANDIDATE = 'llm:gate-bench';
const CLI = fileURLToPath(new URL('../bin/shadowdesk.js', import.meta.url));
const SYNTHETIC = fileURLToPath(new URL('./_gate-synthetic.ts', import.meta.url));
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

/** The candidate at `share`, replayed and judged on the workspace; its run folder is removed after. */
async function candidateRun(workspace: string, scratch: string, tickets: readonly KnownTicket[], share: number, seed: number): Promise<RunReport> {
  const endpoint = await startFakeCandidate(tickets, candidateReplies(tickets, share, seed));
  const runDir = join(scratch, `run-${share}-${seed}`);
  try {
    // No response cache: every run must ask the endpoint, as a rerun of a changed candidate does.
    const candidate = createLlmResponder({ id: CANDIDATE, endpoint: { baseUrl: endpoint.baseUrl, model: 'gate-bench' } });
    const { report } = await simulate({ workspace, runDir, candidates: [candidate], selection: DEMO_SELECTION });
    // A failed answer would be an escalation the candidate never chose: the run would measure the bench.
    const failure = report.tickets.flatMap((ticket) => ticket.answers.flatMap((answer) => (answer.failure ? [{ ticketId: ticket.ticketId, ...answer.failure }] : [])))[0];
    if (failure) throw new Error(`p = ${share}, seed ${seed}: ticket ${failure.ticketId} was not answered: ${failure.kind}: ${failure.message}`);
    return report;
  } finally {
    await endpoint.close();
    await rm(runDir, { recursive: true, force: true });
  }
}

const signedPoints = (points: number) => `${points > 0 ? '+' : points < 0 ? '−' : ''}${fixed(Math.abs(points), 1)} pts`;
/** A share of failing reruns with its Wilson 95% interval: 0 of 20 still allows up to 16%. */
function failShare(fails: number, runs: number): string {
  const { low, high } = wilsonInterval(fails, runs);
  return `${fixed((100 * fails) / runs, 0)}% (${fails}/${runs}; ${fixed(100 * (low ?? 0), 0)}–${fixed(100 * (high ?? 0), 0)}%)`;
}

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

/** What bench/_gate-synthetic.ts prints. */
interface SyntheticSection {
  candidates: string[];
  shown: string;
  rows: Row[];
  seconds: number;
}

const verdictCounts = (report: RunReport) => report.metrics.candidates.find((entry) => entry.candidate === CANDIDATE)!.verdicts;

const started = performance.now();
// The machine is shared: the load at the start and the end say how far the timings are ours.
const loadAtStart = load();
const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-gate-bench-'));
try {
  let workspace = values.workspace;
  let demoSeconds = 0;
  if (!workspace) {
    workspace = join(scratch, 'workspace');
    log('building the demo workspace with `shadowdesk demo`…');
    const demoStarted = performance.now();
    await promisify(execFile)(process.execPath, [CLI, 'demo', '--workspace', workspace], { maxBuffer: 64 * 1024 * 1024 });
    demoSeconds = seconds(demoStarted);
  }
  const tickets = (await selectTickets(workspace, DEMO_SELECTION)).map(knownTicket);
  // The cheaper section runs meanwhile, on the demo run's own four candidates, in a process of its own.
  const syntheticSection = runChild<SyntheticSection>(SYNTHETIC, ['--run', join(workspace, 'runs', 'demo'), '--seed', String(SEED), '--nulls', values['synthetic-nulls'], '--drops', values['synthetic-drops']]);
  // Awaited after the end-to-end runs; should those fail first, their error is the one to show.
  syntheticSection.catch(() => undefined);

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
      const seed = runSeed(SEED, share, rerun);
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

  const synthetic = await syntheticSection;

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
      ...(synthetic.rows.length === 0
        ? []
        : [
            '',
            `Synthetic: the fresh demo run's four candidates, reruns made by turning a seeded share of its sent answers wrong (a fresh baseline at p = ${BASELINE_SHARE} each rerun); in ${synthetic.seconds} s, alongside.`,
            '',
            rowsTable(synthetic.rows, (metric) => `${synthetic.shown}: ${metric}`),
          ]),
      '',
      `Total ${seconds(started)} s${demoSeconds > 0 ? `, of which ${demoSeconds} s building the demo workspace` : ''}; load average ${loadAtStart[0]} at the start, ${load()[0]} at the end (${machine().cpus} cores).`,
      '',
    ].join('\n'),
  );
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(
    values.out,
    `${JSON.stringify(
      {
        machine: machine(),
        load: { start: loadAtStart, end: load() },
        seed: SEED,
        seconds: { total: seconds(started), demo: demoSeconds, firstRun: firstRunSeconds, oneRun: oneRunSeconds, reruns: endToEndSeconds, synthetic: synthetic.seconds },
        parallel: Number(values.parallel),
        tickets: tickets.length,
        alpha: 0.05,
        tolerance: 0.02,
        endToEnd: { candidate: CANDIDATE, oracle: verdictCounts(oracle), baseline: { share: BASELINE_SHARE, seed: SEED, verdicts: verdictCounts(pinned) }, rows: endToEnd, reruns },
        synthetic,
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${values.out} in ${seconds(started)} s`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
