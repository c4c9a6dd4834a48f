import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { ShadowdeskError } from '../../errors.ts';

const HEAD_BYTES = 64 * 1024;

/**
 * Reads the first bytes of a file, for detection and encoding sniffing. At most 64 KiB, read
 * synchronously: the promise API's four trips through the thread pool (open, stat, read, close)
 * cost ten times the CPU, and a pulled folder's thousands of pages are each read head first twice.
 */
export async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const fd = openSync(path, 'r');
  try {
    // No more than the file holds: a page of a few KB gets no 64 KiB buffer.
    const stats = fstatSync(fd);
    const size = stats.isFile() ? Math.min(bytes, stats.size) : bytes;
    const buffer = Buffer.alloc(size);
    const bytesRead = readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    closeSync(fd);
  }
}

/**
 * Picks the encoding of a text file: a BOM wins; otherwise UTF-8 if the head decodes as UTF-8,
 * else Windows-1252 (what French Excel writes as "CSV (séparateur: point-virgule)").
 */
export function sniffEncoding(head: Buffer): 'utf8' | 'utf16le' | 'utf16be' | 'win1252' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  try {
    // A full head may end inside a character that the rest of the file completes: decoding as a
    // stream holds such a cut sequence back instead of failing, wherever the character starts.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length === HEAD_BYTES });
    return 'utf8';
  } catch {
    return 'win1252';
  }
}

export function checkEncoding(encoding: string): string {
  if (!iconv.encodingExists(encoding)) {
    throw new ShadowdeskError(
      'SD_FORMAT_UNKNOWN',
      `unknown encoding "${encoding}" (try utf8, win1252, latin1 or utf16le)`,
    );
  }
  return encoding;
}

/** Decodes a head for display and detection, with the same encoding choice as the full read. */
export function decodeHead(head: Buffer, encoding?: string): string {
  return iconv.decode(head, encoding ?? sniffEncoding(head));
}

/**
 * What accents become once decoded with the wrong encoding: UTF-8 read as Windows-1252 turns
 * "é" into "Ã©", "’" into "â€™", "€" into "â‚¬" and "«" into "Â«"; Windows-1252 read as UTF-8
 * leaves U+FFFD. Each alternative has a fixed length, so a scan stays linear.
 */
const MOJIBAKE =
  /Ã[\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]|â€|â‚¬|Â[\u00A0-\u00BF]|\uFFFD/g;

/** Characters of context either side of the first garbled place, enough to find it in the file. */
const SAMPLE_REACH = 16;

export interface GarbledText {
  /** Garbled places found. */
  count: number;
  /** The word around the first one, as it was decoded. */
  sample: string;
}

/** Mojibake in decoded text, or undefined when the text looks cleanly decoded. */
export function garbledText(text: string): GarbledText | undefined {
  let count = 0;
  let first = -1;
  for (const match of text.matchAll(MOJIBAKE)) {
    if (count++ === 0) first = match.index;
  }
  if (count === 0) return undefined;
  const before = text.slice(Math.max(0, first - SAMPLE_REACH), first).split(/\s/).at(-1) ?? '';
  const after = text.slice(first, first + SAMPLE_REACH).split(/\s/)[0] ?? '';
  return { count, sample: before + after };
}

/**
 * A warning for a file whose first 64 KiB look garbled once decoded as the import decodes it
 * (`encoding`, or the sniffed one): accents read with the wrong encoding would otherwise reach
 * the workspace, the judge and the reports without a word.
 */
export async function encodingWarning(path: string, encoding?: string): Promise<string | undefined> {
  const head = await readHead(path);
  const chosen = encoding ? checkEncoding(encoding) : sniffEncoding(head);
  const garbled = garbledText(iconv.decode(head, chosen));
  if (!garbled) return undefined;
  const places = `${garbled.count} ${garbled.count === 1 ? 'place' : 'places'}`;
  return (
    `${path}: the text looks garbled once read as ${chosen} (${places} in its first 64 KiB, such as "${garbled.sample}"): ` +
    'accents were decoded with the wrong encoding. If the file shows its accents right in a spreadsheet, import it again with ' +
    '--encoding utf8 or --encoding win1252; if it shows the same garbling, export it again from the helpdesk'
  );
}

/** The first 64 KiB of a file as text, decoded the way the full read will decode it. */
export async function readTextHead(path: string, encoding?: string): Promise<string> {
  return decodeHead(await readHead(path), encoding);
}

/** A stream of decoded text (BOM removed) from a file in any supported encoding. */
export type TextStream = NodeJS.ReadableStream & AsyncIterable<string>;

export async function openText(path: string, encoding?: string): Promise<TextStream> {
  return decodedStream(path, encoding ? checkEncoding(encoding) : sniffEncoding(await readHead(path)));
}

function decodedStream(path: string, encoding: string): TextStream {
  return createReadStream(path).pipe(iconv.decodeStream(encoding, { stripBOM: true })).pipe(withoutNuls(path)) as TextStream;
}

/**
 * `openText` for a file whose head `readHead` gave: when the head is the whole file (shorter than
 * a head), its text comes from the head, decoded, BOM and NULs removed, as `openText` streams it.
 * A pulled folder's thousands of pages of a few KB each were otherwise opened twice more (the
 * encoding sniffed again, then the stream), which cost a third of their import's CPU.
 */
export async function openTextWithHead(path: string, head: Buffer, encoding?: string): Promise<TextStream> {
  const chosen = encoding ? checkEncoding(encoding) : sniffEncoding(head);
  if (head.length >= HEAD_BYTES) return decodedStream(path, chosen);
  const text = withoutNulsCounted(path, iconv.decode(head, chosen, { stripBOM: true }));
  return Readable.from(text === '' ? [] : [text]) as TextStream;
}

/** What `openParsable` hands out: UTF-8 bytes, or decoded text for any other encoding. */
export type ParsableStream = NodeJS.ReadableStream & AsyncIterable<Buffer | string>;

/**
 * The file for a parser that reads bytes as well as text (csv-parse): a UTF-8 file stays bytes,
 * since decoding it to text for the parser to encode back to bytes is work thrown away; any other
 * encoding is decoded as `openText` does. Either way the BOM and NUL characters are removed, so
 * the parser sees what `openText` would give.
 */
export async function openParsable(path: string, encoding?: string): Promise<ParsableStream> {
  const chosen = encoding ? checkEncoding(encoding) : sniffEncoding(await readHead(path));
  if (!isUtf8(chosen)) return openText(path, chosen);
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }).pipe(utf8WithoutBomAndNuls(path)) as ParsableStream;
}

/**
 * Bytes read from a large file at a time, by every reader that goes through one whole (a parsed
 * export, its hash, a workspace's JSONL): with Node's default 64 KiB, reading a 50 MB export took
 * 0.15 s of CPU rather than 0.05 s.
 */
export const READ_CHUNK_BYTES = 1 << 20;

/** iconv-lite's spelling rule: case and punctuation do not count, so `UTF-8` is `utf8`. */
function isUtf8(encoding: string): boolean {
  return encoding.toLowerCase().replace(/[^0-9a-z]/g, '') === 'utf8';
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** UTF-8 bytes without their BOM and NUL bytes (`withoutNuls` for bytes, counted the same way). */
function utf8WithoutBomAndNuls(path: string): Transform {
  // The first bytes wait until there are enough of them to tell a BOM.
  let head: Buffer | undefined = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head === undefined) return done(null, withoutNulBytes(chunk, path));
      head = Buffer.concat([head, chunk]);
      if (head.length < UTF8_BOM.length) return done();
      const first = withoutNulBytes(withoutBom(head), path);
      head = undefined;
      done(null, first);
    },
    flush(done) {
      if (head !== undefined && head.length > 0) this.push(withoutNulBytes(withoutBom(head), path));
      done();
    },
  });
}

function withoutBom(bytes: Buffer): Buffer {
  return bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
}

/** In UTF-8 a 0x00 byte is only ever U+0000: removing the bytes removes exactly those characters. */
function withoutNulBytes(bytes: Buffer, path: string): Buffer {
  let nul = bytes.indexOf(0);
  if (nul === -1) return bytes;
  const kept = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  let start = 0;
  let count = 0;
  for (; nul !== -1; nul = bytes.indexOf(0, start)) {
    length += bytes.copy(kept, length, start, nul);
    count++;
    start = nul + 1;
  }
  length += bytes.copy(kept, length, start);
  removed.set(path, (removed.get(path) ?? 0) + count);
  return kept.subarray(0, length);
}

/** NUL characters removed from each file as it was read, until the importer takes the count. */
const removed = new Map<string, number>();

/**
 * NUL characters (a binary attachment pasted in, a disk error, a UTF-16 file read as UTF-8) are
 * removed from the text: in a CSV they split fields, in JSON they break strings. The importer
 * reports how many (`takeRemovedNuls`), so it is never silent.
 */
function withoutNuls(path: string): Transform {
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding, done) {
      done(null, withoutNulsCounted(path, chunk));
    },
  });
}

/** The text without its NUL characters, counted against the file. */
function withoutNulsCounted(path: string, text: string): string {
  if (!text.includes('\u0000')) return text;
  const parts = text.split('\u0000');
  countRemovedNuls(path, parts.length - 1);
  return parts.join('');
}

/** Adds NUL characters removed from a file elsewhere (a worker thread reading it) to its count. */
export function countRemovedNuls(path: string, count: number): void {
  if (count > 0) removed.set(path, (removed.get(path) ?? 0) + count);
}

/** How many NUL characters were removed from a file since the last call, for the importer to report. */
export function takeRemovedNuls(path: string): number {
  const count = removed.get(path) ?? 0;
  removed.delete(path);
  return count;
}
