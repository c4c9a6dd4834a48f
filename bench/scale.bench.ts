import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { StageRequest, StageResult } from './_scale-child.ts';
import { diskBytes, fixed, formatTable, load, log, machine, runChild } from './_shared.ts';

/**
 * The scale benchmark: the demo brand generated at 10k, 100k (and on request 1M) tickets, in its
 * full export format (Gorgias tickets, help center, macros, products, orders), then every stage
 * of a simulation in its own process: import, fit (built-in model), index (embed + write),
 * replay, judge, report. Each stage's wall time, peak RSS and the disk it wrote are recorded.
 *
 * Replaying a whole million-ticket history would take days, so replay, judge and report run a
 * fixed-size holdout (a seeded sample of the last 90 days) against the full history: their cost
 * per replayed ticket should stay flat as the history grows, as import, fit and index cost per
 * history ticket should.
 *
 * `--e2e` measures instead the whole demo flow at 10k tickets in one process, cold (empty
 * workspace) and warm (again, with the workspace, fitted model and embedding cache in place).
 */

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    'replay-sample': { type: 'string', default: '1000' },
    'holdout-days': { type: 'string', default: '90' },
    candidates: { type: 'string', default: 'past-ticket,macro,knowledge-base' },
    /** Work here and keep it (generated data is reused when present); a temporary folder otherwise. */
    scratch: { type: 'string' },
    /** Stop a size's remaining stages once this many minutes have gone by in it (the 1M run). */
    'max-minutes': { type: 'string' },
    /** V8 old-space limit of the index stage only (it holds every vector twice; see the report). */
    'index-heap-mb': { type: 'string' },
    e2e: { type: 'boolean', default: false },
    'e2e-tickets': { type: 'string', default: '10000' },
    /** Writes a V8 CPU profile of each e2e run into this folder. */
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
  },
});

const SIZES = values.sizes.split(',').map(Number);
const SAMPLE = Number(values['replay-sample']);
const HOLDOUT_DAYS = Number(values['holdout-days']);
const CANDIDATES = values.candidates.split(',');
const CHILD = fileURLToPath(new URL('./_scale-child.ts', import.meta.url));
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const OUT = values.out ?? fileURLToPath(new URL(`./results/${values.e2e ? 'e2e' : 'scale'}-${stamp}.json`, import.meta.url));
const scratch = values.scratch ?? (await mkdtemp(join(tmpdir(), 'shadowdesk-scale-')));
await mkdir(scratch, { recursive: true });

interface StageRow {
  size: number;
  stage: string;
  seconds: number;
  /** CPU seconds of the stage's process (all threads; includes starting Node and loading modules, about 1 s). */
  cpuSeconds?: number;
  peakRssMb: number;
  /** Bytes this stage wrote (its output folder or files). */
  diskBytes: number;
  /** Tickets the per-1k figure divides by: the history for import, fit and index; the replayed tickets after. */
  per: number;
  perUnit: 'history' | 'replayed';
  load: [number, number, number];
  parts?: StageResult['parts'];
  details?: Record<string, unknown>;
}

const rows: StageRow[] = [];
const stage = async (request: StageRequest, nodeFlags: string[] = []): Promise<StageResult & { load: [number, number, number] }> => {
  const before = load();
  const result = await runChild<StageResult>(CHILD, [JSON.stringify(request)], { nodeFlags });
  return { ...result, load: before };
};

async function filesBytes(dir: string, test: (name: string) => boolean): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) if (test(name)) total += await diskBytes(join(dir, name));
  return total;
}

/** One folder per run: the loader thread tsx starts writes a profile of its own beside the main thread's (the larger file). */
const withFlags = (name: string): string[] => (values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(values['cpu-prof'], name)}`] : []);

async function scaleRun(): Promise<void> {
  const baseline = await stage({ stage: 'baseline' });
  log(`baseline child (node + tsx + modules): ${fixed(baseline.peakRssMb)} MB, ${fixed(baseline.cpuSeconds, 1)} CPU s`);
  rows.push({ size: 0, stage: 'baseline (empty child)', seconds: baseline.seconds, cpuSeconds: baseline.cpuSeconds, peakRssMb: baseline.peakRssMb, diskBytes: 0, per: 0, perUnit: 'history', load: baseline.load });
  for (const size of SIZES) {
    const sizeStarted = performance.now();
    const overTime = () => values['max-minutes'] !== undefined && (performance.now() - sizeStarted) / 60_000 > Number(values['max-minutes']);
    const data = join(scratch, `data-${size}`);
    const workspace = join(scratch, `ws-${size}`);
    const runDir = join(workspace, 'runs', 'scale');
    const push = (name: string, result: Awaited<ReturnType<typeof stage>>, disk: number, perUnit: StageRow['perUnit'], per: number) => {
      const row: StageRow = { size, stage: name, seconds: result.seconds, cpuSeconds: result.cpuSeconds, peakRssMb: result.peakRssMb, diskBytes: disk, per, perUnit, load: result.load, ...(result.parts && { parts: result.parts }), ...(result.details && { details: result.details }) };
      rows.push(row);
      log(`  ${name}: ${fixed(row.seconds, 1)} s (CPU ${fixed(result.cpuSeconds, 1)} s), peak RSS ${fixed(row.peakRssMb)} MB, wrote ${fixed(disk / 2 ** 20, 1)} MB (load ${result.load.join(' ')})`);
      return row;
    };

    const generated = await stat(join(data, 'shopify-products.csv')).then(
      () => true,
      () => false,
    );
    log(`\n${size.toLocaleString('en-US')} tickets (${scratch})`);
    if (!generated) {
      await rm(data, { recursive: true, force: true });
      const result = await stage({ stage: 'generate', dataDir: data, tickets: size });
      push('generate (not a stage)', result, await diskBytes(data), 'history', size);
    }
    await rm(workspace, { recursive: true, force: true });
    const imported = await stage({ stage: 'import', dataDir: data, workspace });
    push('import', imported, await diskBytes(join(workspace, 'imports')), 'history', size);
    const fit = await stage({ stage: 'fit', workspace });
    push('fit', fit, await diskBytes(join(workspace, 'models')), 'history', size);
    if (overTime()) continue;
    const index = await stage({ stage: 'index', workspace }, values['index-heap-mb'] ? [`--max-old-space-size=${values['index-heap-mb']}`] : []);
    const indexDir = join(workspace, 'index');
    const embedBytes = await filesBytes(indexDir, (name) => name.startsWith('embeddings-'));
    const tableBytes = await filesBytes(indexDir, (name) => name.startsWith('tables-'));
    const row = push('embed + index', index, embedBytes + tableBytes, 'history', size);
    // The parts, from buildIndex's progress in the same process: peak RSS is the peak reached by each part's end.
    const part = (name: string) => index.parts?.[name] ?? { seconds: Number.NaN, peakRssMb: Number.NaN };
    rows.push(
      { ...row, stage: '  index: fit check (model kept)', ...part('fit'), cpuSeconds: Number.NaN, diskBytes: 0 },
      { ...row, stage: '  index: read + embed', ...part('embed'), cpuSeconds: Number.NaN, diskBytes: embedBytes },
      { ...row, stage: '  index: write tables', ...part('write'), cpuSeconds: Number.NaN, diskBytes: tableBytes },
    );
    if (overTime()) continue;
    const selection = { holdoutDays: HOLDOUT_DAYS, sample: SAMPLE, seed: 42 };
    const replayed = await stage({ stage: 'replay', workspace, runDir, candidates: CANDIDATES, selection });
    const replayedTickets = Number(replayed.details?.tickets ?? SAMPLE);
    push('replay', replayed, await diskBytes(join(runDir, 'results.jsonl')), 'replayed', replayedTickets);
    if (overTime()) continue;
    const judged = await stage({ stage: 'judge', workspace, runDir });
    push('judge', judged, await diskBytes(join(runDir, 'judged.jsonl')), 'replayed', replayedTickets);
    const reported = await stage({ stage: 'report', workspace, runDir });
    push('report (judges again)', reported, await filesBytes(runDir, (name) => /^(report\.|tickets\.csv|summary\.md|junit\.xml)/.test(name)), 'replayed', replayedTickets);
  }
}

async function e2eRun(): Promise<void> {
  const size = Number(values['e2e-tickets']);
  const data = join(scratch, `data-${size}`);
  const workspace = join(scratch, `e2e-ws-${size}`);
  if (!(await stat(join(data, 'shopify-products.csv')).catch(() => undefined))) {
    log(`generating ${size.toLocaleString('en-US')} tickets…`);
    await stage({ stage: 'generate', dataDir: data, tickets: size });
  }
  await rm(workspace, { recursive: true, force: true });
  const selection = { holdoutDays: HOLDOUT_DAYS, seed: 42 };
  for (const mode of ['cold', 'warm'] as const) {
    const runDir = join(workspace, 'runs', mode);
    const result = await stage({ stage: 'e2e', dataDir: data, workspace, runDir, candidates: CANDIDATES, selection }, withFlags(`e2e-${mode}`));
    const row: StageRow = { size, stage: `e2e ${mode}`, seconds: result.seconds, cpuSeconds: result.cpuSeconds, peakRssMb: result.peakRssMb, diskBytes: await diskBytes(workspace), per: Number(result.details?.replayed ?? 0), perUnit: 'replayed', load: result.load, ...(result.parts && { parts: result.parts }), ...(result.details && { details: result.details }) };
    rows.push(row);
    log(`${mode}: ${fixed(result.seconds, 1)} s (CPU ${fixed(result.cpuSeconds, 1)} s), peak RSS ${fixed(result.peakRssMb)} MB (load ${result.load.join(' ')})`);
    for (const [name, part] of Object.entries(result.parts ?? {})) log(`  ${name.padEnd(16)} ${fixed(part.seconds, 2).padStart(8)} s  ${fixed(part.peakRssMb).padStart(6)} MB`);
  }
}

try {
  if (values.e2e) await e2eRun();
  else await scaleRun();
} finally {
  if (!values.scratch) await rm(scratch, { recursive: true, force: true });
}

const mb = (bytes: number) => fixed(bytes / 2 ** 20, 1);
const header = ['stage', 'tickets', 'seconds', 'CPU s', 's / 1k tickets', 'per', 'peak RSS MB', 'disk MB', 'load (1 min)'];
const table = rows.map((row) => [
  row.stage,
  row.size ? fixed(row.size) : '',
  fixed(row.seconds, 2),
  row.cpuSeconds === undefined || Number.isNaN(row.cpuSeconds) ? '' : fixed(row.cpuSeconds, 1),
  row.per ? fixed((row.seconds * 1000) / row.per, 3) : '',
  row.per ? `${fixed(row.per)} ${row.perUnit}` : '',
  fixed(row.peakRssMb),
  row.diskBytes ? mb(row.diskBytes) : '',
  fixed(row.load[0], 2),
]);
const m = machine();
process.stdout.write(`\n${m.cpu} × ${m.cpus}, ${fixed(m.totalMemoryMb / 1024, 1)} GB, Node ${m.node}; load at end ${load().join(' ')}\n`);
process.stdout.write(`candidates ${CANDIDATES.join(', ')}; replay: ${values.e2e ? `the last ${HOLDOUT_DAYS} days` : `${SAMPLE} tickets sampled from the last ${HOLDOUT_DAYS} days`}, against the full history\n\n`);
process.stdout.write(`${formatTable(header, table)}\n`);
await mkdir(join(OUT, '..'), { recursive: true });
await writeFile(OUT, `${JSON.stringify({ machine: m, loadAtEnd: load(), candidates: CANDIDATES, holdoutDays: HOLDOUT_DAYS, replaySample: values.e2e ? undefined : SAMPLE, rows }, null, 2)}\n`);
process.stdout.write(`\nJSON: ${OUT}\n`);
