import { parse, type CsvError } from 'csv-parse';
import { openText, readTextHead } from './text.ts';

export type CsvItem =
  | { type: 'row'; row: Record<string, string>; line: number }
  | { type: 'error'; line: number; reason: string };

export interface CsvOptions {
  encoding?: string | undefined;
  delimiter?: string | undefined;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Guesses the delimiter from the header line: the candidate that appears most outside quotes. */
export function sniffDelimiter(head: string): string {
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  let best: string = ',';
  let bestCount = 0;
  for (const candidate of DELIMITERS) {
    const count = unquoted.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** Splits a CSV header line into trimmed field names (for detection, not for data). */
export function csvHeaderOf(head: string, delimiter = sniffDelimiter(head)): string[] {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.split(delimiter).map((field) => field.trim().replace(/^"(.*)"$/, '$1').trim());
}

function reasonOf(error: CsvError): string {
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return `${error.message.replace(/ on line \d+$/, '')} (an unquoted delimiter or line break in a field?)`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed: the rest of the file could not be read';
    default:
      return error.message.replace(/ (at|on) line \d+$/, '');
  }
}

/**
 * Physical lines a raw record spans (csv-parse counts CRLF inside quotes twice, so we count
 * ourselves): one more than its line breaks, not counting the one that ends it.
 */
function linesIn(raw: string | undefined): number {
  if (!raw) return 1;
  let lines = raw.endsWith('\n') ? 0 : 1;
  for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Streams the rows of a CSV file as header-keyed objects, each with the line it starts on.
 * A malformed row becomes one error item and reading goes on, so a caller can account for it.
 */
export async function* readCsv(path: string, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  const delimiter = options.delimiter ?? sniffDelimiter(await readTextHead(path, options.encoding));
  // The parser runs ahead of the consumer, so rows and errors are numbered as they are parsed
  // and handed out in that order.
  let sequence = 0;
  let nextLine = 2;
  let lastSkip = '';
  const errors: Array<CsvItem & { sequence: number }> = [];
  const parser = (await openText(path, options.encoding)).pipe(
    parse({
      delimiter,
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      skip_records_with_error: true,
      relax_quotes: true,
      raw: true,
      // With `raw`, csv-parse hands each record over as { record, raw }.
      on_record: ({ record, raw }: { record: Record<string, string>; raw: string }) => {
        const row = { record, line: nextLine, sequence: sequence++ };
        nextLine += linesIn(raw);
        return row;
      },
      on_skip: (error, raw) => {
        // csv-parse can report one broken row twice; one row is one error.
        const key = `${error?.lines}:${raw}`;
        if (!error || key === lastSkip) return;
        lastSkip = key;
        errors.push({ type: 'error', line: nextLine, reason: reasonOf(error), sequence: sequence++ });
        nextLine += linesIn(raw);
      },
    }),
  );
  const errorsBefore = function* (limit: number): Generator<CsvItem> {
    while (errors.length > 0 && errors[0]!.sequence < limit) {
      const { sequence: _, ...item } = errors.shift()!;
      yield item;
    }
  };
  try {
    for await (const { record, line, sequence: at } of parser as AsyncIterable<{
      record: Record<string, string>;
      line: number;
      sequence: number;
    }>) {
      yield* errorsBefore(at);
      yield { type: 'row', row: record, line };
    }
  } catch (error) {
    if (!(error as CsvError).code?.startsWith('CSV_')) throw error;
    errors.push({ type: 'error', line: nextLine, reason: reasonOf(error as CsvError), sequence: sequence++ });
  }
  yield* errorsBefore(Infinity);
}
