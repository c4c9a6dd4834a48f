import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDemo } from '../datasets/demo/generate.ts';
import type { Order } from '../datasets/records.ts';
import { defaultConcurrency, replay, selectTickets, ticketContext } from '../eval/replay/replay.ts';
import { buildReport } from '../eval/metrics/run-report.ts';
import { renderHtml } from '../reports/html.ts';
import { responderFor } from '../eval/responders/index.ts';
import { importSources } from '../pipelines/import.ts';
import { buildIndex } from '../pipelines/search-index.ts';
import { openSearcher } from '../pipelines/search-tables.ts';
import { readRecords } from '../pipelines/workspace.ts';
import { load, log, machine } from './_shared.ts';

/**
 * Replay throughput with the built-in candidates on a generated history, and the engine's
 * overhead: the same candidates called directly on the same tickets and contexts, one after the
 * other, against the replay (selection, checkpoint writes) in the same run, on a sample. Then the
 * whole history (or `--sample` of it, or its last `--holdout-days`) replayed with concurrency,
 * judged and reported: seconds per stage, HTML size.
 */

// LanceDB logs a warning per table it creates; the table is what we read.
process.env.LANCEDB_LOG ??= 'error';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    overhead: { type: 'string', default: '1000' },
    // A large history is replayed on a sample (issue 23's 100k figure: --tickets 100000 --sample 3000),
    // or its last days, as a lead replays them before go-live (--holdout-days 90).
    sample: { type: 'string', default: 'all' },
    'holdout-days': { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/replay.json', import.meta.url)) },
  },
});
const TICKETS = Number(values.tickets);
const OVERHEAD_SAMPLE = Number(values.overhead);
const SAMPLE = values.sample === 'all' ? undefined : Number(values.sample);
if (SAMPLE !== undefined && !(Number.isInteger(SAMPLE) && SAMPLE > 0)) throw new Error(`--sample: a positive whole number or "all", not ${values.sample}`);
const HOLDOUT_DAYS = values['holdout-days'] === undefined ? undefined : Number(values['holdout-days']);
if (HOLDOUT_DAYS !== undefined && !(Number.isInteger(HOLDOUT_DAYS) && HOLDOUT_DAYS > 0)) throw new Error(`--holdout-days: a positive whole number, not ${values['holdout-days']}`);
/** The tickets replayed with concurrency, as the table's title says them. */
const replayed = `${SAMPLE === undefined ? 'all' : `a sample of ${SAMPLE.toLocaleString('en-US')}`} tickets${HOLDOUT_DAYS === undefined ? '' : ` of the last ${HOLDOUT_DAYS} days`}`;
const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-replay-bench-'));

/**
 * Wall time and CPU time from a start: the CPU of every thread of the process (LanceDB's and the
 * model's native ones too), which a machine shared with other work slows less than the wall.
 */
const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
function since(start: ReturnType<typeof clock>): { seconds: number; cpuMs: number } {
  const cpu = process.cpuUsage(start.cpu);
  return { seconds: (performance.now() - start.wall) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}
const row = (measure: string, took: { seconds: number; cpuMs: number }, tickets: number) => ({ measure, seconds: took.seconds, 'tickets/s': tickets / took.seconds, 'CPU ms/ticket': took.cpuMs / tickets });

/**
 * The candidates alone on the sample's contexts, one after another. A function of its own, so that
 * what it reads (every order of the history, parsed) is garbage before the replays are timed: held
 * to the end, it slowed every collection of theirs (at 100,000 tickets the 3,000-ticket draw took
 * 10.3–10.7 s with it held, 7.7–8.0 s without).
 */
async function directCalls(workspace: string, names: readonly string[], selection: { sample: number; seed: number }): Promise<{ direct: ReturnType<typeof since>; tickets: number }> {
  const tickets = await selectTickets(workspace, selection);
  const orders = new Map<string, Order[]>();
  for await (const order of readRecords(workspace, 'order')) {
    const email = order.customerEmail?.toLowerCase();
    if (email) orders.set(email, [...(orders.get(email) ?? []), order]);
  }
  for (const list of orders.values()) list.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const searcher = await openSearcher(workspace);
  const candidates = names.map(responderFor);
  const started = clock();
  for (const ticket of tickets) {
    const context = ticketContext(ticket, searcher, orders);
    for (const candidate of candidates) await candidate.respond(context);
  }
  const direct = since(started);
  await searcher.close();
  return { direct, tickets: tickets.length };
}

try {
  log(`generating and indexing ${TICKETS.toLocaleString('en-US')} tickets…`);
  const data = join(scratch, 'data');
  await generateDemo({ outDir: data, tickets: TICKETS, seed: 11 });
  const workspace = join(scratch, 'ws');
  await importSources([{ path: data }], { workspace });
  await buildIndex({ workspace });

  const names = ['past-ticket', 'macro', 'knowledge-base', 'composite'];
  const selection = { sample: OVERHEAD_SAMPLE, seed: 5 };
  const rows: Array<Record<string, string | number>> = [];

  const { direct, tickets } = await directCalls(workspace, names, selection);

  let started = clock();
  await replay({ workspace, runDir: join(scratch, 'run-1'), candidates: names.map(responderFor), selection, concurrency: 1 });
  const engine = since(started);

  log(`replaying ${replayed}…`);
  const fullRun = join(scratch, 'run-all');
  started = clock();
  const all = await replay({ workspace, runDir: fullRun, candidates: names.map(responderFor), selection: { ...(SAMPLE !== undefined && { sample: SAMPLE }), ...(HOLDOUT_DAYS !== undefined && { holdoutDays: HOLDOUT_DAYS }), seed: 5 } });
  const concurrent = since(started);
  started = clock();
  const report = await buildReport({ runDir: fullRun });
  const judging = since(started);
  started = clock();
  const html = renderHtml(report);
  const rendering = since(started);

  rows.push(
    row(`candidates called directly (${tickets})`, direct, tickets),
    row(`replay, concurrency 1 (${tickets})`, engine, tickets),
    row(`replay, concurrency ${defaultConcurrency(names.map(responderFor))} (default) (${all.tickets})`, concurrent, all.tickets),
    row(`judge, metrics, pricing (${all.tickets})`, judging, all.tickets),
    row(`HTML report (${all.tickets})`, rendering, all.tickets),
  );
  const overhead = engine.seconds / direct.seconds - 1;
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    load: load(),
    history: TICKETS,
    overheadSample: tickets,
    replayed: all.tickets,
    ...(SAMPLE !== undefined && { sample: SAMPLE }),
    ...(HOLDOUT_DAYS !== undefined && { holdoutDays: HOLDOUT_DAYS }),
    candidates: names,
    rows,
    engineOverhead: overhead,
    htmlBytes: Buffer.byteLength(html),
  };
  process.stdout.write(`\nReplay of ${replayed} of a ${TICKETS.toLocaleString('en-US')}-ticket history, ${names.length} candidates (${names.join(', ')})\n\n`);
  process.stdout.write(`${'measure'.padEnd(40)}${'seconds'.padStart(10)}${'tickets/s'.padStart(12)}${'CPU ms/ticket'.padStart(15)}\n`);
  for (const row of rows) {
    process.stdout.write(`${String(row.measure).padEnd(40)}${Number(row.seconds).toFixed(2).padStart(10)}${Number(row['tickets/s']).toFixed(1).padStart(12)}${Number(row['CPU ms/ticket']).toFixed(1).padStart(15)}\n`);
  }
  process.stdout.write(`\nengine overhead over direct calls (concurrency 1): ${(overhead * 100).toFixed(1)} %\nHTML report: ${(result.htmlBytes / 1e6).toFixed(1)} MB\n`);
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`JSON: ${values.out}\n`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
