import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import { ShadowdeskError } from '../errors.ts';
import { READ_CHUNK_BYTES } from '../datasets/io/text.ts';
import type { RecordKind, RecordOf } from '../datasets/records.ts';

/**
 * The workspace holds what shadowdesk has imported and computed. Each import is written in full
 * to its own folder and only then made current by atomically replacing `current.json`, so a
 * crash or a failed import never leaves a half-written workspace behind.
 */

export const DEFAULT_WORKSPACE = '.shadowdesk';

export const RECORD_FILES: Record<RecordKind, string> = {
  ticket: 'tickets.jsonl',
  knowledge: 'knowledge.jsonl',
  order: 'orders.jsonl',
};
export const ISSUES_FILE = 'import-issues.jsonl';
export const REPORT_FILE = 'import-report.json';

interface CurrentPointer {
  import: string;
}

function importsDir(workspace: string): string {
  return join(workspace, 'imports');
}

/**
 * A workspace is a local folder (its search tables may live in object storage, see
 * `IndexOptions.tablesUri`). An object-storage URI would otherwise become a local folder named `s3:`.
 */
function localFolderOnly(workspace: string): void {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(workspace)) {
    throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: a workspace is a local folder; to keep its search tables in object storage, build the index with \`shadowdesk index --tables-uri ${workspace}\``);
  }
}

/** A fresh folder for an import in progress; it becomes current only through `commitImport`. */
export async function createImportDir(workspace: string): Promise<{ id: string; dir: string }> {
  localFolderOnly(workspace);
  const stamp = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15);
  const id = `${stamp}-${randomBytes(3).toString('hex')}`;
  const dir = join(importsDir(workspace), id);
  await mkdir(dir, { recursive: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: cannot create the workspace folder (${cause.code ?? cause.message}); give --workspace a folder you can write to`, { cause });
  });
  return { id, dir };
}

/** Makes an import current (atomic rename of the pointer), then removes older imports. */
export async function commitImport(workspace: string, id: string): Promise<void> {
  const pointer = join(workspace, 'current.json');
  const temporary = `${pointer}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ import: id } satisfies CurrentPointer)}\n`);
  await rename(temporary, pointer);
  for (const entry of await readdir(importsDir(workspace))) {
    if (entry !== id) await rm(join(importsDir(workspace), entry), { recursive: true, force: true });
  }
}

export async function discardImport(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The folder of the current import, or undefined when nothing was imported yet. */
export async function currentImportDir(workspace: string): Promise<string | undefined> {
  localFolderOnly(workspace);
  try {
    const pointer = JSON.parse(await readFile(join(workspace, 'current.json'), 'utf8')) as CurrentPointer;
    return join(importsDir(workspace), pointer.import);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new ShadowdeskError('SD_WORKSPACE', `${workspace}: a file, not a workspace folder; --workspace names the folder \`shadowdesk import\` wrote`, { cause: error });
    throw new ShadowdeskError('SD_WORKSPACE', `${resolve(workspace)}/current.json is unreadable (${code ?? (error as Error).message}); import again to rewrite it: \`shadowdesk import <your exports>\``, { cause: error });
  }
}

/**
 * The folder of the current import, or an error that says what to do. Called before anything is
 * written into a workspace (an index, a run), so a mistyped workspace path stays a message and
 * does not become an empty folder.
 */
export async function requireImport(workspace: string): Promise<string> {
  const dir = await currentImportDir(workspace);
  if (!dir) {
    throw new ShadowdeskError(
      'SD_WORKSPACE',
      `${workspace}: nothing imported yet; run \`shadowdesk import <your exports>\` first (or pass --workspace with the folder you imported into)`,
    );
  }
  return dir;
}

/** The file holding the records of one kind in the current import. */
export async function recordsFile(workspace: string, kind: RecordKind): Promise<string> {
  return join(await requireImport(workspace), RECORD_FILES[kind]);
}

/** Streams the records of one kind from the current import. */
export async function* readRecords<K extends RecordKind>(workspace: string, kind: K): AsyncGenerator<RecordOf[K]> {
  yield* readJsonl<RecordOf[K]>(await recordsFile(workspace, kind));
}

/**
 * The non-empty lines of a JSONL file, unparsed: a pass that needs few records parses only those.
 * Lines end at \n, \r\n or a lone \r, as readline splits them; split here with indexOf, since
 * readline cost a second of CPU a run on a 10,000-ticket history read six times.
 */
export async function* readJsonlLines(path: string): AsyncGenerator<string> {
  for await (const line of fileLines(path)) yield* nonEmptyLines(line.text);
}

/**
 * readJsonlLines' lines as bytes, those of each read together, for a pass that decides from a line's
 * first bytes whether to decode it: views of the read buffer, good until the next read is asked for.
 * Handed over one at a time, the lines cost a promise each, more than reading most of their starts.
 */
export async function* readJsonlLineBytes(path: string): AsyncGenerator<Buffer[]> {
  for await (const { lines } of fileLineBytes(path)) {
    yield lines.flatMap((bytes) => (!bytes.includes(0x0d) ? (bytes.length > 0 ? [bytes] : []) : [...nonEmptyLines(bytes.toString('utf8'))].map((text) => Buffer.from(text))));
  }
}

/** Where a line is in its file: its first byte and its length in bytes, without the \n. */
export interface LineSpan {
  offset: number;
  bytes: number;
}

/**
 * readJsonlLines' lines with where each one is, to be read again alone (`readLineSpans`); a part of
 * a line split at a lone \r has no span (the import writes none).
 */
export async function* readJsonlLineSpans(path: string): AsyncGenerator<{ text: string; span?: LineSpan }> {
  let offset = 0;
  for await (const line of fileLines(path)) {
    if (!line.text.includes('\r')) {
      if (line.text !== '') yield { text: line.text, span: { offset, bytes: line.bytes } };
    } else for (const text of nonEmptyLines(line.text)) yield { text };
    offset += line.bytes + 1;
  }
}

/** Bytes between two wanted lines below which `readLineSpans` reads through rather than seek. */
const SPAN_GAP_BYTES = 64 * 1024;
/** The most `readLineSpans` reads at once. */
const SPAN_READ_BYTES = 4 * 1024 * 1024;

/**
 * The lines at `spans` of a file, in the order asked: a few thousand of a history's lines without
 * reading the whole file again. Lines near each other are read together, in file order.
 */
export async function readLineSpans(path: string, spans: readonly LineSpan[]): Promise<string[]> {
  const texts = new Array<string>(spans.length);
  const order = spans.map((_, index) => index).sort((a, b) => spans[a]!.offset - spans[b]!.offset);
  const handle = await open(path, 'r');
  // One buffer for every read, made larger as a read needs: a fresh one a read was memory the
  // system mapped afresh each time.
  let buffer = Buffer.allocUnsafe(SPAN_GAP_BYTES);
  try {
    for (let first = 0; first < order.length; ) {
      const start = spans[order[first]!]!.offset;
      let end = start + spans[order[first]!]!.bytes;
      let last = first + 1;
      for (; last < order.length; last++) {
        const next = spans[order[last]!]!;
        if (next.offset - end > SPAN_GAP_BYTES || next.offset + next.bytes - start > SPAN_READ_BYTES) break;
        end = Math.max(end, next.offset + next.bytes);
      }
      if (end - start > buffer.length) buffer = Buffer.allocUnsafe(Math.max(end - start, 2 * buffer.length));
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      for (let at = first; at < last; at++) {
        const span = spans[order[at]!]!;
        texts[order[at]!] = buffer.toString('utf8', span.offset - start, Math.min(bytesRead, span.offset - start + span.bytes));
      }
      first = last;
    }
  } finally {
    await handle.close();
  }
  return texts;
}

/** A line without its \n, split again at any \r in it (the \r of a \r\n leaves an empty part). */
function* nonEmptyLines(line: string): Generator<string> {
  if (!line.includes('\r')) {
    if (line !== '') yield line;
    return;
  }
  for (const part of line.split('\r')) if (part !== '') yield part;
}

/**
 * Every line of a file split at \n on its bytes and decoded alone, with its length in bytes; the
 * last one is not `complete` when the file does not end with \n. Decoded a chunk at a time, one
 * accented letter made the whole chunk a string of two bytes a character, and every line sliced
 * from it; line by line, a line of ASCII stays one byte a character, which JSON.parse reads faster
 * (a 10,000-ticket history: a third less CPU a pass). Read into one buffer again and again: a read
 * stream's fresh buffer a chunk made a pass over 81 MB of orders take 181–471 ms against 148–187.
 */
async function* fileLines(path: string): AsyncGenerator<{ text: string; bytes: number; complete: boolean }> {
  for await (const { lines, complete } of fileLineBytes(path)) {
    for (const bytes of lines) yield { text: bytes.toString('utf8'), bytes: bytes.length, complete };
  }
}

/**
 * fileLines' lines undecoded, those of each read together: views of the read buffer, good until the
 * next read is asked for. A file's last line without its \n comes alone, not `complete`.
 */
async function* fileLineBytes(path: string): AsyncGenerator<{ lines: Buffer[]; complete: boolean }> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    // The start of a line whose end is not read yet, moved to the buffer's start.
    let kept = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, kept, buffer.length - kept, null);
      if (bytesRead === 0) break;
      const filled = buffer.subarray(0, kept + bytesRead);
      const lines: Buffer[] = [];
      let start = 0;
      for (let end = filled.indexOf(0x0a, kept); end !== -1; end = filled.indexOf(0x0a, start)) {
        lines.push(filled.subarray(start, end));
        start = end + 1;
      }
      if (lines.length > 0) yield { lines, complete: true };
      kept = filled.length - start;
      if (start > 0) filled.copy(buffer, 0, start);
      else if (kept === buffer.length) {
        // A line longer than the buffer: a larger one holds it.
        const larger = Buffer.allocUnsafe(2 * buffer.length);
        buffer.copy(larger);
        buffer = larger;
      }
    }
    if (kept > 0) yield { lines: [buffer.subarray(0, kept)], complete: false };
  } finally {
    await handle.close();
  }
}

/** A line of a JSONL file and where it is: a damaged record is named by its line, a cut-off tail is cut at its byte. */
export interface JsonlLine {
  /** 1-based and counting empty lines, as an editor numbers them. */
  number: number;
  text: string;
  /** Bytes before the line. */
  offset: number;
  /** False for a last line without its newline: a write that was cut short. */
  complete: boolean;
}

/**
 * The non-empty lines of a JSONL file with their positions. Split on bytes, not decoded text, so
 * the offset of a line stays exact when a kill cut a multi-byte character in two.
 */
export async function* readJsonlPositions(path: string): AsyncGenerator<JsonlLine> {
  let number = 0;
  let offset = 0;
  for await (const line of fileLines(path)) {
    number++;
    if (line.bytes > 0) yield { number, text: line.text, offset, complete: line.complete };
    offset += line.bytes + 1;
  }
}

export async function* readJsonl<T>(path: string): AsyncGenerator<T> {
  for await (const line of readJsonlLines(path)) yield JSON.parse(line) as T;
}

/** Bytes of JSONL handed to the disk at a time for a file that counts only once complete (an import's, a run's judged answers). */
export const WHOLE_FILE_BATCH_BYTES = 1 << 20;

/** Writes records as a whole JSONL file, in batches: one write a megabyte rather than one a line. */
export async function writeJsonlFile(file: string, records: Iterable<unknown>): Promise<void> {
  const writer = new JsonlWriter(file, 'w', WHOLE_FILE_BATCH_BYTES);
  try {
    for (const record of records) await writer.write(record);
  } finally {
    await writer.close();
  }
}

/** A JSONL file written with backpressure, so a million records never pile up in memory. */
export class JsonlWriter {
  private readonly stream: WriteStream;
  count = 0;
  private batch: Buffer | undefined;
  private batchBytes = 0;
  /**
   * Batches the file has taken, to fill again: a new megabyte each time was memory the system
   * had to map afresh, page by page (5,000 of the main thread's page faults in a 100,000-ticket import).
   */
  private readonly written: Buffer[] = [];
  private drained: Promise<unknown> | undefined;
  private failure: Error | undefined;

  /**
   * `a` appends to an existing file (a run's checkpoint); `w` starts it anew. With a `batchSize`
   * in bytes, lines are encoded into a buffer handed to the file when full: far fewer writes for
   * a file that counts only once closed (an import's), at the price of losing the last batch in
   * a crash.
   */
  constructor(
    readonly path: string,
    flags: 'w' | 'a' = 'w',
    private readonly batchSize = 0,
  ) {
    // Batches are big: room for a few of them keeps reading going while the disk writes one.
    this.stream = createWriteStream(path, { encoding: 'utf8', flags, ...(batchSize > 0 && { highWaterMark: 4 * batchSize }) });
    // Kept for the next write or the close: a file that fails while no one waits on it must not end the process.
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async write(value: unknown): Promise<void> {
    this.add(value);
    if (this.stream.writableNeedDrain) await this.drain();
  }

  /**
   * Encodes the line now and hands a full batch to the file without waiting for it to take it: for
   * a caller that cannot wait (a synchronous loop). The file takes the lines once the caller returns
   * to the event loop; `close` says if it could not.
   */
  add(value: unknown): void {
    if (this.failure) throw this.failure;
    this.count++;
    const json = JSON.stringify(value);
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: a line that may not fit goes after the batch.
    const room = json.length * 3 + 1;
    if (this.batchBytes + room > this.batchSize) this.flush();
    if (room > this.batchSize) {
      this.stream.write(`${json}\n`);
      return;
    }
    this.batch ??= this.written.pop() ?? Buffer.allocUnsafe(this.batchSize);
    // The line end as a byte: appending it to the text would copy the whole line once more.
    this.batchBytes += this.batch.write(json, this.batchBytes);
    this.batch[this.batchBytes++] = 0x0a;
  }

  async close(): Promise<void> {
    this.flush();
    this.stream.end();
    // Rejects with the file's error, even one from before this call.
    await finished(this.stream);
  }

  /** Hands the batch to the file; the next line starts another buffer, since the stream keeps this one until written. */
  private flush(): void {
    const batch = this.batch;
    if (!batch) return;
    const lines = batch.subarray(0, this.batchBytes);
    this.batch = undefined;
    this.batchBytes = 0;
    this.stream.write(lines, () => this.written.push(batch));
  }

  /**
   * Until the file has taken what it holds. The replay's tickets in flight write without waiting
   * for one another: each waiting with a listener of its own, more than ten at once made Node warn
   * of a leak on the user's terminal.
   */
  private drain(): Promise<unknown> {
    this.drained ??= once(this.stream, 'drain').finally(() => {
      this.drained = undefined;
    });
    return this.drained;
  }
}
