import { createInterface } from 'node:readline';
import { decodeHead, openTextWithHead, readHead, type TextStream } from './text.ts';

export type JsonItem =
  | { type: 'value'; value: unknown; line: number }
  | { type: 'error'; line: number; reason: string };

export interface JsonRecordsOptions {
  /** Keys of a wrapping object whose array holds the records, e.g. `data` for `{data: [...], meta}`. */
  recordKeys: readonly string[];
  encoding?: string | undefined;
  /** Read one record per line whatever the head looks like (`.jsonl` files). */
  lines?: boolean;
}

/** NDJSON when the first line is a whole JSON value and another line follows it. */
export function looksLikeNdjson(head: string): boolean {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0]!);
    return lines[1]!.trimStart().startsWith('{');
  } catch {
    return false;
  }
}

/**
 * Streams the records of a JSON file, each with its starting line: the elements of a top-level
 * array, of an array under one of `recordKeys` in a wrapping object (also page after page of
 * such objects), or whole objects one per line (NDJSON). A record that is not valid JSON is
 * one error item and the next record is still read.
 */
export async function* readJsonRecords(path: string, options: JsonRecordsOptions): AsyncGenerator<JsonItem> {
  const head = await readHead(path);
  const lines = options.lines || looksLikeNdjson(decodeHead(head, options.encoding));
  const text = await openTextWithHead(path, head, options.encoding);
  if (lines) {
    yield* readNdjson(text);
    return;
  }
  yield* scanJson(text, new Set(options.recordKeys));
}

async function* readNdjson(text: TextStream): AsyncGenerator<JsonItem> {
  let line = 0;
  for await (const raw of createInterface({ input: text, crlfDelay: Infinity })) {
    line++;
    if (raw.trim() === '') continue;
    yield parseRecord(raw, line);
  }
}

function parseRecord(source: string, line: number): JsonItem {
  try {
    return { type: 'value', value: JSON.parse(source), line };
  } catch (error) {
    return { type: 'error', line, reason: `invalid JSON: ${(error as Error).message}` };
  }
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** What `closingQuote` returns when the string goes on past the chunk, with or without an escape left open. */
const STRING_GOES_ON = -1;
const STRING_GOES_ON_ESCAPED = -2;

/**
 * Where the string the scanner is in ends: the index of its closing quote in `chunk`, searched
 * from `from` on, else STRING_GOES_ON(_ESCAPED). Jumping from quote to quote is what makes the
 * scan fast, since most of a ticket's text is inside strings. A quote is escaped when an odd
 * run of backslashes comes before it; an escape left open by the previous chunk eats `from`.
 */
function closingQuote(chunk: string, from: number, escaped: boolean): number {
  const start = escaped ? from + 1 : from;
  for (let quote = chunk.indexOf('"', start); quote >= 0; quote = chunk.indexOf('"', quote + 1)) {
    if (backslashesBefore(chunk, quote, start) % 2 === 0) return quote;
  }
  return backslashesBefore(chunk, chunk.length, start) % 2 === 1 ? STRING_GOES_ON_ESCAPED : STRING_GOES_ON;
}

/** How many backslashes come right before `at`, counting none before `start`. */
function backslashesBefore(chunk: string, at: number, start: number): number {
  let count = 0;
  while (at - count > start && chunk.charCodeAt(at - count - 1) === BACKSLASH) count++;
  return count;
}

/**
 * A bracket-counting scanner: it finds where each record starts and ends without building the
 * whole document, so memory stays flat and one broken record does not hide the others.
 * Records are the values directly inside the container at `recordDepth`: 1 for a top-level
 * array, 2 for the array under a record key of a wrapping object. A top-level object with no
 * record key is itself a record (a single-object file, or objects one after another).
 */
export async function* scanJson(text: AsyncIterable<string>, recordKeys: Set<string>): AsyncGenerator<JsonItem> {
  let depth = 0;
  let line = 1;
  let inString = false;
  let escaped = false;
  let recordDepth = -1;
  let capturing = false;
  let captured: string[] = [];
  let recordLine = 0;
  // Inside a top-level object: is the next string a key, and which key's value comes next.
  let expectKey = false;
  let inKey = false;
  let keyText = '';
  let valueKey = '';
  // Where the record being read starts, in bytes of UTF-8 text, worked out only if the file ends inside it.
  let bytesBefore = 0;
  let recordChunk = '';
  let recordChunkBytes = 0;
  let recordIndex = 0;
  let records = 0;

  for await (const chunk of text) {
    let captureFrom = 0;
    let keyFrom = 0;
    // The next line break not yet counted, so the lines a string spans are counted without a scan per string.
    let newline = chunk.indexOf('\n');
    const countLinesUntil = (at: number) => {
      while (newline >= 0 && newline < at) {
        line++;
        newline = chunk.indexOf('\n', newline + 1);
      }
    };
    const begin = (at: number) => {
      capturing = true;
      captured = [];
      captureFrom = at;
      recordLine = line;
      recordChunk = chunk;
      recordChunkBytes = bytesBefore;
      recordIndex = at;
    };
    const end = function (at: number): JsonItem {
      captured.push(chunk.slice(captureFrom, at));
      capturing = false;
      records++;
      return parseRecord(captured.join(''), recordLine);
    };

    for (let i = 0; i < chunk.length; i++) {
      if (inString) {
        const quote = closingQuote(chunk, i, escaped);
        if (quote < 0) {
          escaped = quote === STRING_GOES_ON_ESCAPED;
          break;
        }
        countLinesUntil(quote);
        escaped = false;
        inString = false;
        if (inKey) {
          keyText += chunk.slice(keyFrom, quote);
          inKey = false;
        }
        i = quote;
        continue;
      }
      const code = chunk.charCodeAt(i);
      if (code === NEWLINE) countLinesUntil(i + 1);
      if (isSpace(code)) continue;

      // A record ends where its primitive value meets the next delimiter.
      if (capturing && depth === recordDepth && (code === COMMA || code === CLOSE_ARRAY)) {
        yield end(i);
      }
      const atRecordStart = !capturing && depth === recordDepth && code !== COMMA && code !== CLOSE_ARRAY;
      if (atRecordStart) begin(i);

      if (depth === 0) {
        if (code === OPEN_ARRAY) {
          depth = 1;
          recordDepth = 1;
        } else if (code === OPEN_OBJECT) {
          // A wrapper or a record: keep its text until a record key says which.
          begin(i);
          depth = 1;
          expectKey = true;
        } else {
          yield { type: 'error', line, reason: `unexpected "${chunk[i]}" at the top level: expected an array or an object` };
          return;
        }
        continue;
      }

      const inWrapper = recordDepth !== 1 && depth === 1;
      switch (code) {
        case QUOTE:
          inString = true;
          if (inWrapper && expectKey) {
            inKey = true;
            keyFrom = i + 1;
            keyText = '';
          }
          break;
        case COLON:
          if (inWrapper) {
            valueKey = keyText;
            expectKey = false;
          }
          break;
        case COMMA:
          if (inWrapper) expectKey = true;
          break;
        case OPEN_ARRAY:
        case OPEN_OBJECT:
          if (inWrapper && code === OPEN_ARRAY && recordKeys.has(valueKey)) {
            // It was a wrapper: drop its text; the records are this array's elements.
            capturing = false;
            recordDepth = 2;
          }
          depth++;
          break;
        case CLOSE_ARRAY:
        case CLOSE_OBJECT:
          depth--;
          if (depth < recordDepth) {
            recordDepth = -1;
          } else if (capturing && depth === recordDepth) {
            yield end(i + 1);
          } else if (capturing && depth === 0) {
            yield end(i + 1);
          }
          break;
      }
    }
    countLinesUntil(chunk.length);
    if (capturing) captured.push(chunk.slice(captureFrom));
    if (inKey) keyText += chunk.slice(keyFrom);
    bytesBefore += Buffer.byteLength(chunk);
  }
  if (capturing || inString || depth > 0) {
    const where = capturing ? `record ${records + 1}, from byte ${(recordChunkBytes + Buffer.byteLength(recordChunk.slice(0, recordIndex))).toLocaleString('en-US')}, ` : 'the last record ';
    yield {
      type: 'error',
      line: capturing ? recordLine : line,
      reason: `unexpected end of file at byte ${bytesBefore.toLocaleString('en-US')}: ${where}is incomplete (a truncated file, or an unclosed bracket or quote)`,
    };
  }
}
