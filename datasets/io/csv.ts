import { parse, type CsvError, type Parser } from 'csv-parse';
import { openParsable, readTextHead } from './text.ts';

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

/** An error csv-parse reported, with how many rows it had handed out before it. */
interface ParseError {
  rowsBefore: number;
  reason: string;
  raw: string | undefined;
}

/**
 * Streams the rows of a CSV file as header-keyed objects, each with the line it starts on.
 * A malformed row becomes one error item and reading goes on, so a caller can account for it.
 */
export async function* readCsv(path: string, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  const delimiter = options.delimiter ?? sniffDelimiter(await readTextHead(path, options.encoding));
  // Rows come out of the parser's stream, errors out of its callback as they are parsed: each
  // error keeps the number of rows parsed before it, so both are handed out in file order.
  const errors: ParseError[] = [];
  let lastSkip = '';
  const parser: Parser = (await openParsable(path, options.encoding)).pipe(
    parse({
      delimiter,
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      skip_records_with_error: true,
      relax_quotes: true,
      // Each record comes as { record, raw }: its raw text numbers the lines.
      raw: true,
      on_skip: (error, raw) => {
        // csv-parse can report one broken row twice; one row is one error.
        const key = `${error?.lines}:${raw}`;
        if (!error || key === lastSkip) return;
        lastSkip = key;
        errors.push({ rowsBefore: parser.info.records, reason: reasonOf(error), raw });
      },
    }),
  );
  let line = 2;
  let rows = 0;
  const errorsBefore = function* (limit: number): Generator<CsvItem> {
    while (errors.length > 0 && errors[0]!.rowsBefore <= limit) {
      const { reason, raw } = errors.shift()!;
      yield { type: 'error', line, reason };
      line += linesIn(raw);
    }
  };
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: Record<string, string>; raw: string }>) {
      yield* errorsBefore(rows);
      yield { type: 'row', row: record, line };
      line += linesIn(raw);
      rows++;
    }
  } catch (error) {
    if (!(error as CsvError).code?.startsWith('CSV_')) throw error;
    errors.push({ rowsBefore: rows, reason: reasonOf(error as CsvError), raw: undefined });
  }
  yield* errorsBefore(Infinity);
}
