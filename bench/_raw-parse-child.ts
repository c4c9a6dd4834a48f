import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/**
 * The floor an import is compared with: parsing the same bytes with no normalization, validation
 * or writing (csv-parse alone; JSON.parse per line), in a fresh process as the import runs.
 */
const [format, path] = process.argv.slice(2);
const started = performance.now();
let records = 0;
if (format === 'generic-csv') {
  for await (const _ of createReadStream(path!).pipe(parse({ columns: true }))) records++;
} else {
  for await (const line of createInterface({ input: createReadStream(path!, 'utf8'), crlfDelay: Infinity })) {
    const trimmed = line.replace(/,$/, '');
    if (trimmed.startsWith('{')) {
      JSON.parse(trimmed);
      records++;
    }
  }
}
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000, records })}\n`);
