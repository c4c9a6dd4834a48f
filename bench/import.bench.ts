import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { generateDemo } from '../datasets/demo/generate.ts';
import { fixed, formatTable, load, machine, runChild } from './_shared.ts';

/**
 * Import throughput and memory. Each import runs in its own process so its peak RSS is its own;
 * throughput is shown next to a raw parse of the same file (csv-parse alone, JSON.parse per line)
 * because a ratio measured in one run survives a noisy machine better than records/s alone.
 * At the largest size the import runs a second time with V8's old space capped at 256 MB: V8
 * grows its heap lazily when memory is plentiful, so that run shows what the import really keeps.
 */

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '100000' },
    'rss-tickets': { type: 'string', default: '1000000' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/import.json', import.meta.url)) },
  },
});
const THROUGHPUT_TICKETS = Number(values.tickets);
const RSS_TICKETS = Number(values['rss-tickets']);
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

/** The floor: parsing the same bytes with no normalization, validation or writing. */
async function rawParse(format: Format, path: string): Promise<{ seconds: number; records: number }> {
  const started = performance.now();
  let records = 0;
  if (format === 'generic-csv') {
    for await (const _ of createReadStream(path).pipe(parse({ columns: true }))) records++;
  } else {
    for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
      const trimmed = line.replace(/,$/, '');
      if (trimmed.startsWith('{')) {
        JSON.parse(trimmed);
        records++;
      }
    }
  }
  return { seconds: (performance.now() - started) / 1000, records };
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
    const raw = await rawParse(format, file);
    process.stderr.write(`importing…\n`);
    const result = await importInChild(file, join(scratch, `ws-${format}-${tickets}`));
    if (result.format !== format) throw new Error(`detected ${result.format}, expected ${format}`);
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
