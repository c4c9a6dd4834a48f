import { stat } from 'node:fs/promises';
import { parse, type CsvError, type Parser } from 'csv-parse';
import { addToBatch, emptyBatch, itemsOf, parseCsvBatchesOnWorker, ROWS_PER_BATCH, type CsvBatch, type CsvFields, type CsvItem } from './csv-thread.ts';
import { openParsable, readTextHead } from './text.ts';

export type { CsvItem };

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
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      // The header's length is the length expected, worded as csv-parse words it when it reads the header itself.
      return `${error.message.replace(/^Invalid Record Length: expect /, 'Invalid Record Length: columns length is ').replace(/ on line \d+$/, '')} (an unquoted delimiter or line break in a field?)`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed: the rest of the file could not be read';
    default:
      return error.message.replace(/ (at|on) line \d+$/, '');
  }
}

/** Where a record sits among the file's lines, read from the raw text csv-parse hands over with it. */
interface RawLines {
  /** Blank lines skipped before the record: csv-parse puts them at the start of its raw text. */
  blank: number;
  /** Lines from the first blank one to the line after the record. */
  spanned: number;
}

/**
 * Counts a raw record's line breaks ourselves (csv-parse counts a CRLF inside quotes twice). In
 * a CRLF file csv-parse leaves the \n of each record's own line end, and of a skipped blank line,
 * out of the raw text and keeps the \r; inside quotes only \n breaks a line.
 */
function rawLines(raw: string | undefined): RawLines {
  if (!raw) return { blank: 0, spanned: 1 };
  let start = 0;
  let blank = 0;
  for (let code = raw.charCodeAt(0); code === 10 || code === 13; code = raw.charCodeAt(start)) {
    blank++;
    start += code === 13 && raw.charCodeAt(start + 1) === 10 ? 2 : 1;
  }
  let breaks = blank;
  for (let at = raw.indexOf('\n', start); at >= 0; at = raw.indexOf('\n', at + 1)) breaks++;
  const last = raw.charCodeAt(raw.length - 1);
  if (last === 13 && start < raw.length) breaks++;
  return { blank, spanned: breaks + (last === 10 || last === 13 ? 0 : 1) };
}

/** An error csv-parse reported, with how many rows it had handed out before it. */
interface ParseError {
  rowsBefore: number;
  reason: string;
  raw: string | undefined;
}

/**
 * From this size a file is parsed on a second thread while this one maps, checks and writes its
 * rows. Starting the thread takes about 0.15 s (from the sources, under tsx): a small file, the
 * demo's or a test's, is read on this thread.
 */
const PARSE_ON_WORKER_FROM_BYTES = 8 * 2 ** 20;

/**
 * Streams the rows of a CSV file as header-keyed objects, each with the line it starts on.
 * A malformed row becomes one error item and reading goes on, so a caller can account for it.
 */
export async function* readCsv(path: string, options: CsvOptions = {}): AsyncGenerator<CsvItem> {
  for await (const batch of readCsvBatches(path, options)) yield* itemsOf(batch);
}

/**
 * The items of `readCsv` in file order, a batch at a time, each row as its fields in the header's
 * order: a reader of a large file takes one generator step a batch rather than one a row, and
 * reads a column at the place it found once rather than by its name in every row.
 */
export async function* readCsvBatches(path: string, options: CsvOptions = {}): AsyncGenerator<CsvBatch> {
  const delimiter = options.delimiter ?? sniffDelimiter(await readTextHead(path, options.encoding));
  if ((await stat(path)).size >= PARSE_ON_WORKER_FROM_BYTES) yield* parseCsvBatchesOnWorker({ path, encoding: options.encoding, delimiter });
  else yield* parseCsvBatches(path, options.encoding, delimiter);
}

/** The batches of `readCsvBatches`, parsed on this thread (also what the worker posts). */
export async function* parseCsvBatches(path: string, encoding: string | undefined, delimiter: string): AsyncGenerator<CsvBatch> {
  let batch = emptyBatch([]);
  for await (const item of parseCsvFields(path, encoding, delimiter)) {
    if (item.type === 'header') {
      batch.keys = item.names;
      continue;
    }
    addToBatch(batch, item);
    if (batch.lines.length < ROWS_PER_BATCH) continue;
    yield batch;
    batch = emptyBatch(batch.keys);
  }
  if (batch.lines.length > 0) yield batch;
}

/**
 * The header's names, then each row's fields in the header's order with the line it starts on, or
 * why a line could not be read (also what the worker runs). Read as arrays: csv-parse builds a
 * row object with one Object.defineProperty a field, a fifth of its time, and the worker sends the
 * fields alone.
 */
export async function* parseCsvFields(path: string, encoding: string | undefined, delimiter: string): AsyncGenerator<CsvFields> {
  // Rows come out of the parser's stream, errors out of its callback as they are parsed: each
  // error keeps the number of rows parsed before it, so both are handed out in file order.
  const errors: ParseError[] = [];
  let lastSkip = '';
  const parser: Parser = (await openParsable(path, encoding)).pipe(
    parse({
      delimiter,
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
        // The header is one of the records csv-parse counts.
        errors.push({ rowsBefore: Math.max(0, parser.info.records - 1), reason: reasonOf(error), raw });
      },
    }),
  );
  let line = 2;
  let rows = 0;
  let header = true;
  const errorsBefore = function* (limit: number): Generator<CsvFields> {
    while (errors.length > 0 && errors[0]!.rowsBefore <= limit) {
      const { reason, raw } = errors.shift()!;
      const { blank, spanned } = rawLines(raw);
      yield { type: 'error', line: line + blank, reason };
      line += spanned;
    }
  };
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      if (header) {
        // Lines are numbered from the one after the header, whatever blank lines came before it.
        header = false;
        yield { type: 'header', names: record.map((name) => name.trim()) };
        continue;
      }
      yield* errorsBefore(rows);
      const { blank, spanned } = rawLines(raw);
      yield { type: 'row', cells: record, line: line + blank };
      line += spanned;
      rows++;
    }
  } catch (error) {
    if (!(error as CsvError).code?.startsWith('CSV_')) throw error;
    errors.push({ rowsBefore: rows, reason: reasonOf(error as CsvError), raw: undefined });
  }
  yield* errorsBefore(Infinity);
}
