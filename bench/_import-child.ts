import { importSources } from '../pipelines/import.ts';

/** Imports one file in a fresh process so its peak memory is the import's alone. */
const [path, workspace] = process.argv.slice(2);
const started = performance.now();
const report = await importSources([{ path: path! }], { workspace: workspace! });
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    read: report.totals.read,
    imported: report.totals.imported,
    skipped: report.totals.skipped,
    format: report.files[0]?.format,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
