import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDemo } from '../datasets/demo/generate.ts';
import { fixed, formatTable, load, machine, median, runChild } from './_shared.ts';

/**
 * Import throughput and memory. Each import runs in its own process so its peak RSS is its own;
 * throughput is shown next to a raw parse of the same file (csv-parse alone, JSON.parse per line)
 * because a ratio measured in one run survives a noisy machine better than records/s alone. At the
 * throughput size both run `--tries` times, alternated, each in a fresh process, and the ratio is
 * of their medians: a single parse in the benchmark's own process, after generating the file,
 * ranged from 42,000 to 74,000 records/s in one session and swung the ratio from 0.38 to 0.84.
 * At the largest size the import runs a second time with V8's old space capped at 256 MB: V8
 * grows its heap lazily when memory is plentiful, so that run shows what the import really keeps.
 */

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '100000' },
    'rss-tickets': { type: 'string', default: '1000000' },
    tries: { type: 'string', default: '3' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/import.json', import.meta.url)) },
  },
});
const THROUGHPUT_TICKETS = Number(values.tickets);
const RSS_TICKETS = Number(values['rss-tickets']);
const TRIES = Number(values.tries);
const FORMATS = ['generic-csv', 'gorgias-json'] as const;
type Format = (typeof FORMATS)[number];

interface ChildResult {
  seconds: number;
  read: number;
  imported: number;
  skipped: number;
  format: string;
  peakRssMb: number;
}

const CAPPED_HEAP_MB = 256;

async function importInChild(path: string, workspace: string, nodeFlags: string[] = []): Promise<ChildResult> {
  const child = fileURLToPath(new URL('./_import-child.ts', import.meta.url));
  await rm(workspace, { recursive: true, force: true });
  return runChild<ChildResult>(child, [path, workspace], { nodeFlags });
}

/** The floor: the same bytes parsed with no normalization, validation or writing, in a fresh process (_raw-parse-child.ts). */
function rawParse(format: Format, path: string): Promise<{ seconds: number; records: number }> {
  return runChild(fileURLToPath(new URL('./_raw-parse-child.ts', import.meta.url)), [format, path]);
}

async function generate(dir: string, format: Format, tickets: number): Promise<string> {
  const out = join(dir, `${format}-${tickets}`);
  await mkdir(out, { recursive: true });
  const summary = await generateDemo({ outDir: out, tickets, formats: [format], seed: 7, withKnowledge: false });
  return summary.ticketsFile;
}

interface Row {
  format: Format;
  tickets: number;
  fileMb: number;
  importSeconds: number;
  recordsPerSecond: number;
  rawRecordsPerSecond: number;
  harnessVsRaw: number;
  peakRssMb: number;
  /** Each try's import and raw parse, alternated (the row's figures are their medians). */
  tries: Array<{ importSeconds: number; rawSeconds: number }>;
  /** Peak RSS with the old space capped, at the largest size only. */
  cappedPeakRssMb?: number;
}

const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-bench-'));
const rows: Row[] = [];
try {
  const plan: Array<[Format, number]> = FORMATS.map((format) => [format, THROUGHPUT_TICKETS]);
  if (RSS_TICKETS > 0) plan.push(['gorgias-json', RSS_TICKETS], ['generic-csv', RSS_TICKETS]);
  for (const [format, tickets] of plan) {
    process.stderr.write(`generating ${tickets.toLocaleString('en-US')} tickets as ${format}…\n`);
    const file = await generate(scratch, format, tickets);
    const raws: Array<{ seconds: number; records: number }> = [];
    const imports: ChildResult[] = [];
    for (let attempt = 0; attempt < (tickets === THROUGHPUT_TICKETS ? TRIES : 1); attempt++) {
      raws.push(await rawParse(format, file));
      process.stderr.write(`importing…\n`);
      const result = await importInChild(file, join(scratch, `ws-${format}-${tickets}`));
      if (result.format !== format) throw new Error(`detected ${result.format}, expected ${format}`);
      imports.push(result);
    }
    const result = { ...imports[0]!, seconds: median(imports.map((run) => run.seconds)), peakRssMb: Math.max(...imports.map((run) => run.peakRssMb)) };
    const raw = { seconds: median(raws.map((run) => run.seconds)), records: raws[0]!.records };
    const capped =
      tickets === RSS_TICKETS ? await importInChild(file, join(scratch, `ws-${format}-${tickets}`), [`--max-old-space-size=${CAPPED_HEAP_MB}`]) : undefined;
    rows.push({
      format,
      tickets,
      fileMb: (await stat(file)).size / 2 ** 20,
      importSeconds: result.seconds,
      recordsPerSecond: result.read / result.seconds,
      rawRecordsPerSecond: raw.records / raw.seconds,
      harnessVsRaw: raw.seconds / result.seconds,
      tries: imports.map((run, index) => ({ importSeconds: run.seconds, rawSeconds: raws[index]!.seconds })),
      peakRssMb: result.peakRssMb,
      ...(capped && { cappedPeakRssMb: capped.peakRssMb }),
    });
    await rm(join(scratch, `ws-${format}-${tickets}`), { recursive: true, force: true });
    await rm(file, { force: true });
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const header = ['format', 'tickets', 'file MB', 'import s', 'records/s', 'raw parse records/s', 'import ÷ raw speed', 'peak RSS MB', `peak RSS MB, heap ≤ ${CAPPED_HEAP_MB} MB`];
const table = rows.map((row) => [
  row.format,
  fixed(row.tickets),
  fixed(row.fileMb),
  fixed(row.importSeconds, 1),
  fixed(row.recordsPerSecond),
  fixed(row.rawRecordsPerSecond),
  fixed(row.harnessVsRaw, 2),
  fixed(row.peakRssMb),
  row.cappedPeakRssMb === undefined ? '' : fixed(row.cappedPeakRssMb),
]);
process.stdout.write(`${formatTable(header, table)}\n`);

const { cpus, cpu, node, date } = machine();
await mkdir(join(values.out, '..'), { recursive: true });
await writeFile(values.out, `${JSON.stringify({ machine: { node, cpus, cpu, date }, load: load(), rows }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${values.out}\n`);
