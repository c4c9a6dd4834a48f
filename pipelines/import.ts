import { createHash, type Hash } from 'node:crypto';
import { lstat, open, readdir, readFile, readlink, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join as joinPath, resolve } from 'node:path';
import packageJson from '../package.json' with { type: 'json' };
import { ShadowdeskError } from '../errors.ts';
import { READ_CHUNK_BYTES, readTextHead, takeRemovedNuls } from '../datasets/io/text.ts';
import { DEFAULT_MAX_MESSAGE_CHARS, type RecordOrSkip, type Reader, type SourceLocation } from '../datasets/reader.ts';
import { parseRecord, recordKey, type RecordKind, type RecordOf, type Ticket } from '../datasets/records.ts';
import { detectReader, looksLikeGorgiasRules, probePath, readerFor } from '../datasets/readers/index.ts';
import { TicketJoin } from './join.ts';
import { addTicket, describeJudgeable, type JudgeableCount } from './judgeable.ts';
import { mergeRecords } from './merge.ts';
import {
  DEFAULT_WORKSPACE,
  ISSUES_FILE,
  JsonlWriter,
  RECORD_FILES,
  REPORT_FILE,
  WHOLE_FILE_BATCH_BYTES,
  commitImport,
  createImportDir,
  currentImportDir,
  discardImport,
  readJsonl,
} from './workspace.ts';

export interface ImportSource {
  /** A file, or a folder (a folder of articles, or a folder of exports to import one by one). */
  path: string;
  /** The `--format` name; detected from the content when absent. */
  format?: string;
  /** Column mapping for `generic-csv`. */
  mapping?: unknown;
  encoding?: string;
  delimiter?: string;
}

export interface ImportOptions {
  /** @default '.shadowdesk' */
  workspace?: string;
  /** @default 100000 */
  maxMessageChars?: number;
  /** Called as records are read; never slows the import down by more than a callback per 1,000 records. */
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  /** Read the sources again even when they are byte for byte those of the current import. */
  force?: boolean;
}

export interface ImportProgress {
  file: string;
  format: string;
  read: number;
  done: boolean;
}

export interface ImportIssue {
  at: SourceLocation;
  reason: string;
}

export interface FileImportReport {
  file: string;
  format: string;
  /** Input records seen: always `imported + skipped`. */
  read: number;
  imported: number;
  /** Of the imported, how many had an id seen before and were merged into that record. */
  merged: number;
  skipped: number;
  /** Records imported with a change worth knowing (a cut body, a date left out). */
  warned: number;
  /** New distinct records this file added, by kind (merged ones are not counted again). */
  records: Partial<Record<RecordKind, number>>;
  /** Said when a file held no record at all (an empty file, or only a header). */
  note?: string;
  /** The first skips and warnings; all of them are in the workspace's import-issues.jsonl. */
  skips: ImportIssue[];
  warnings: ImportIssue[];
  seconds: number;
}

export interface ImportReport {
  workspace: string;
  /** False when nothing usable was read: the workspace was then left as it was. */
  committed: boolean;
  importId: string;
  startedAt: string;
  seconds: number;
  files: FileImportReport[];
  /** Paths inside a given folder that are not exports shadowdesk reads. */
  ignored: string[];
  totals: {
    read: number;
    imported: number;
    merged: number;
    skipped: number;
    /** Distinct records now in the workspace, by kind. */
    records: Record<RecordKind, number>;
  };
  issuesFile: string;
  /** What was read: the readers, their options and every byte of the sources. */
  fingerprint: string;
  /** Set when the sources were those of the current import: nothing was read again, this is that import's report. */
  unchanged?: true;
  /** Of the tickets this import wrote, how many the judge can compare an answer on, and why not the others. */
  judgeable?: JudgeableCount;
  /** The helpdesks the tickets came from, for advice on what to export. */
  ticketSources?: string[];
  /** What else to export: messages or comments came whose tickets are in none of the files. */
  missing?: string[];
  /** Gorgias rules exports found among the sources: tried with `shadowdesk rules`, not imported. */
  rulesFiles?: string[];
}

const LISTED_ISSUES_PER_FILE = 50;
const PROGRESS_EVERY = 1000;
const EXPORT_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson', '.csv', '.tsv']);

interface PlannedSource extends ImportSource {
  reader: Reader;
}

/**
 * Reads every source, validates and normalizes its records, merges duplicated ids, and writes
 * the result to the workspace in one atomic step. Every input record is accounted for: it is
 * imported (perhaps merged into an earlier record with its id) or skipped with a reason and its
 * place in the file.
 */
export async function importSources(sources: ImportSource[], options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const workspace = options.workspace ?? DEFAULT_WORKSPACE;
  const { planned, ignored, rulesFiles } = await planSources(sources);
  const current = options.force ? undefined : await currentImportReport(workspace);
  // With no import to compare with, the fingerprint decides nothing: it is hashed while the sources
  // are read, in the time this thread would otherwise wait for a CSV's parsing thread to start.
  const fingerprinting = sourcesFingerprint(planned, options);
  fingerprinting.catch(() => undefined);
  if (current && current.fingerprint === (await fingerprinting)) return { ...current, unchanged: true };

  const { id: importId, dir } = await createImportDir(workspace);
  const writers = Object.fromEntries(
    Object.entries(RECORD_FILES).map(([kind, file]) => [kind, new JsonlWriter(joinPath(dir, file), 'w', WHOLE_FILE_BATCH_BYTES)]),
  ) as Record<RecordKind, JsonlWriter>;
  const issues = new JsonlWriter(joinPath(dir, ISSUES_FILE), 'w', WHOLE_FILE_BATCH_BYTES);
  const seen = new FirstSeen();
  const pending = new Map<string, { kind: RecordKind; later: unknown[] }>();
  const join = new TicketJoin(joinPath(dir, JOIN_FILE));
  const files: FileImportReport[] = [];

  try {
    const context: ImportContext = { ...options, writers, issues, seen, pending, join, written: new WrittenTickets(), fileIndex: 0 };
    for (const source of planned) {
      context.fileIndex = files.length;
      files.push(await importOne(source, context));
    }
    const missing = await joinTickets(files, context);
    for (const file of files) if (file.read === 0) file.note ??= await emptyNote(file.file);
    await Promise.all([...Object.values(writers).map((writer) => writer.close()), issues.close()]);
    const judged = await applyMerges(dir, pending, context.written);

    const records: Record<RecordKind, number> = { ticket: 0, knowledge: 0, order: 0 };
    for (const file of files) {
      for (const [kind, count] of Object.entries(file.records)) records[kind as RecordKind] += count;
    }
    const report: ImportReport = {
      workspace,
      committed: Object.values(records).some((count) => count > 0),
      importId,
      startedAt,
      seconds: (performance.now() - started) / 1000,
      files,
      ignored,
      totals: {
        read: sum(files, 'read'),
        imported: sum(files, 'imported'),
        merged: sum(files, 'merged'),
        skipped: sum(files, 'skipped'),
        records,
      },
      issuesFile: joinPath(dir, ISSUES_FILE),
      fingerprint: await fingerprinting,
      ...(judged.count.tickets > 0 && { judgeable: judged.count, ticketSources: [...judged.sources] }),
      ...(missing.length > 0 && { missing }),
      ...(rulesFiles.length > 0 && { rulesFiles }),
    };
    await writeFile(joinPath(dir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    if (report.committed) {
      await commitImport(workspace, importId);
    } else {
      await discardImport(dir);
      report.issuesFile = '';
    }
    return report;
  } catch (error) {
    await Promise.allSettled([...Object.values(writers).map((writer) => writer.close()), issues.close(), fingerprinting]);
    await discardImport(dir);
    throw error;
  } finally {
    join.close();
  }
}

/**
 * What a person must know after an import beyond the table: how many tickets can be judged (and
 * what to export when none can), and what else to export for messages whose tickets never came.
 */
export function importAdvice(report: ImportReport): string[] {
  const lines = report.judgeable ? [describeJudgeable(report.judgeable, report.ticketSources)] : [];
  for (const missing of report.missing ?? []) lines.push(`Messages came without their tickets: ${missing}.`);
  for (const file of report.rulesFiles ?? []) lines.push(`${file}: Gorgias rules, not imported; try them on this history with \`shadowdesk rules --gorgias-rules ${file}\`.`);
  return lines;
}

const JOIN_FILE = 'join.scratch';

/** Why a file gave no record: empty, or a header or wrapper alone. */
async function emptyNote(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isFile() && (await readTextHead(path)).replace(/^\uFEFF/, '').trim() === '') return 'the file is empty';
  return 'no records found: the file holds only a header, or an empty list';
}

/**
 * Joins the tickets that waited for their messages, each charged to the file it came from, and
 * returns what else to export for messages whose tickets never came.
 */
async function joinTickets(files: FileImportReport[], context: ImportContext): Promise<string[]> {
  const missing = new Set<string>();
  for (const outcome of context.join.joined((id) => context.seen.has('ticket', id))) {
    const report = files[outcome.file]!;
    if (outcome.kind === 'ticket') await accept(outcome.item, report, context);
    else if (outcome.kind === 'joined') report.imported++;
    else {
      missing.add(outcome.missing);
      await skipRecord(report, context, outcome.at, outcome.reason);
    }
  }
  return [...missing];
}

/**
 * The judgeable tickets among those written, and the helpdesks they came from, counted as each
 * ticket is written rather than by reading the file again.
 */
class WrittenTickets {
  readonly count: JudgeableCount = { tickets: 0, judgeable: 0, not: {} };
  readonly sources = new Set<string>();

  add(ticket: Ticket): void {
    addTicket(this.count, ticket);
    this.sources.add(ticket.source);
  }
}

/**
 * What an import reads: this version's readers with their options, and every byte of every
 * source (a folder's entries by name; a link by where it points, never followed). The same
 * fingerprint would write the same workspace again.
 */
async function sourcesFingerprint(planned: readonly PlannedSource[], options: ImportOptions): Promise<string> {
  const hash = createHash('sha256');
  // Every file is read into this one buffer: a fresh buffer a read (a read stream's a chunk, one
  // for each of a pulled folder's thousands of small pages) was most of the hashing's CPU, in
  // garbage collection. A 10,000-ticket export (39 MB): 0.15–0.26 → 0.07–0.10 s.
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  hash.update(JSON.stringify({ version: packageJson.version, maxMessageChars: options.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS }));
  for (const source of planned) {
    hash.update(JSON.stringify({ reader: source.reader.name, path: resolve(source.path), mapping: source.mapping, encoding: source.encoding, delimiter: source.delimiter }));
    await hashPath(hash, buffer, source.path, true);
  }
  return hash.digest('hex');
}

/** A path named on the command line is read through its link, as the readers do; one found inside a folder is not. */
async function hashPath(hash: Hash, buffer: Buffer, path: string, named = false): Promise<void> {
  const stats = named ? await stat(path) : await lstat(path);
  if (stats.isSymbolicLink()) hash.update(`link\0${await readlink(path)}\0`);
  else if (stats.isDirectory()) {
    for (const name of (await readdir(path)).sort()) {
      hash.update(`entry\0${name}\0`);
      await hashPath(hash, buffer, joinPath(path, name));
    }
  } else if (stats.isFile()) {
    hash.update(`file\0${stats.size}\0`);
    const handle = await open(path, 'r');
    try {
      for (let read = await handle.read(buffer, 0, buffer.length, null); read.bytesRead > 0; read = await handle.read(buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, read.bytesRead));
    } finally {
      await handle.close();
    }
  }
}

/** The report of the workspace's current import, if it has one this version can read. */
export async function currentImportReport(workspace: string): Promise<ImportReport | undefined> {
  const dir = await currentImportDir(workspace).catch(() => undefined);
  if (!dir) return undefined;
  return readFile(joinPath(dir, REPORT_FILE), 'utf8')
    .then((text) => JSON.parse(text) as ImportReport)
    .catch(() => undefined);
}

function sum(files: FileImportReport[], key: 'read' | 'imported' | 'merged' | 'skipped'): number {
  return files.reduce((total, file) => total + file[key], 0);
}

/** Resolves every source to a reader before anything is written, so a typo fails fast. */
async function planSources(sources: ImportSource[]): Promise<{ planned: PlannedSource[]; ignored: string[]; rulesFiles: string[] }> {
  if (sources.length === 0) {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', 'no input given: name the export files or folders to import');
  }
  const planned: PlannedSource[] = [];
  const ignored: string[] = [];
  const rulesFiles: string[] = [];
  for (const source of sources) {
    if (source.format) {
      planned.push({ ...source, reader: readerFor(source.format) });
      continue;
    }
    const probe = await probePath(source.path, source.encoding);
    if (probe.isDirectory && (await holdsExports(source.path))) {
      const inner = await planFolder(source);
      planned.push(...inner.planned);
      ignored.push(...inner.ignored);
      rulesFiles.push(...inner.rulesFiles);
      continue;
    }
    // Rules given with exports are pointed at `shadowdesk rules` rather than failing the import.
    if (looksLikeGorgiasRules(probe) && sources.length > 1) rulesFiles.push(source.path);
    else planned.push({ ...source, reader: detectReader(probe) });
  }
  return { planned, ignored, rulesFiles };
}

async function holdsExports(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries.some((entry) => entry.isFile() && EXPORT_EXTENSIONS.has(extname(entry.name).toLowerCase()));
}

/**
 * A folder of exports: each file, and each sub-folder of articles, is a source of its own.
 * Symbolic links are listed as ignored, never followed: one could lead out of the folder the
 * user chose (or loop).
 */
async function planFolder(source: ImportSource): Promise<{ planned: PlannedSource[]; ignored: string[]; rulesFiles: string[] }> {
  const planned: PlannedSource[] = [];
  const ignored: string[] = [];
  const rulesFiles: string[] = [];
  const entries = (await readdir(source.path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = entry.name;
    if (name.startsWith('.')) continue;
    const path = joinPath(source.path, name);
    if (entry.isSymbolicLink()) {
      ignored.push(path);
      continue;
    }
    const probe = await probePath(path, source.encoding);
    if (!probe.isDirectory && !EXPORT_EXTENSIONS.has(probe.ext)) {
      ignored.push(path);
      continue;
    }
    if (looksLikeGorgiasRules(probe)) {
      rulesFiles.push(path);
      continue;
    }
    try {
      planned.push({ ...source, path, reader: detectReader(probe) });
    } catch (error) {
      if ((error as ShadowdeskError).code !== 'SD_FORMAT_UNDETECTED') throw error;
      ignored.push(path);
    }
  }
  return { planned, ignored, rulesFiles };
}

interface ImportContext extends ImportOptions {
  writers: Record<RecordKind, JsonlWriter>;
  issues: JsonlWriter;
  seen: FirstSeen;
  pending: Map<string, { kind: RecordKind; later: unknown[] }>;
  join: TicketJoin;
  written: WrittenTickets;
  /** Index of the file being read among the import's files. */
  fileIndex: number;
}

/** Files a place can name; a file index and a line are packed into one number below this base. */
const FILE_BASE = 2 ** 20;

/**
 * Where each record id was first seen. A million ids must not cost a million location strings,
 * so a place is one number (line × FILE_BASE + file index) in a map per record kind.
 */
class FirstSeen {
  private readonly places: Record<RecordKind, Map<string, number>> = { ticket: new Map(), knowledge: new Map(), order: new Map() };
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();

  /** Records the place of a key seen for the first time; returns the earlier place otherwise. */
  claim(kind: RecordKind, key: string, at: SourceLocation): string | undefined {
    const packed = this.places[kind].get(key);
    if (packed !== undefined) {
      const file = this.files[packed % FILE_BASE]!;
      const line = Math.floor(packed / FILE_BASE);
      return line > 0 ? `${file}:${line}` : file;
    }
    let index = this.fileIndex.get(at.file);
    if (index === undefined) {
      index = this.files.push(at.file) - 1;
      this.fileIndex.set(at.file, index);
    }
    this.places[kind].set(key, (at.line ?? 0) * FILE_BASE + (index % FILE_BASE));
    return undefined;
  }

  /** Whether a record with this key was already read. */
  has(kind: RecordKind, key: string): boolean {
    return this.places[kind].has(key);
  }
}

async function importOne(source: PlannedSource, context: ImportContext): Promise<FileImportReport> {
  const started = performance.now();
  const report: FileImportReport = {
    file: source.path,
    format: source.reader.name,
    read: 0,
    imported: 0,
    merged: 0,
    skipped: 0,
    warned: 0,
    records: {},
    skips: [],
    warnings: [],
    seconds: 0,
  };
  const progress = (done: boolean) =>
    context.onProgress?.({ file: source.path, format: source.reader.name, read: report.read, done });

  const items = source.reader.read(source.path, {
    encoding: source.encoding,
    delimiter: source.delimiter,
    mapping: source.mapping,
    maxMessageChars: context.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS,
  });
  for await (const item of items) {
    if (context.signal?.aborted) throw context.signal.reason ?? new Error('import aborted');
    report.read++;
    if (report.read % PROGRESS_EVERY === 0) progress(false);
    // Tickets and messages from separate files wait until every file is read, then are joined.
    if (item.type === 'shell') context.join.addShell(item.shell, item.at, context.fileIndex);
    else if (item.type === 'thread') context.join.addThread(item.thread, item.at, context.fileIndex);
    else await accept(item, report, context);
  }
  progress(true);
  const nuls = takeRemovedNuls(source.path);
  if (nuls > 0) report.note = `${nuls.toLocaleString('en-US')} NUL characters were removed from the text (a binary attachment or a damaged export?)`;
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

async function skipRecord(report: FileImportReport, context: ImportContext, at: SourceLocation, reason: string): Promise<void> {
  report.skipped++;
  if (report.skips.length < LISTED_ISSUES_PER_FILE) report.skips.push({ at, reason });
  await context.issues.write({ type: 'skip', at, reason });
}

/** Validates one record and writes it, or keeps it aside to merge into the first with its id. */
async function accept(item: RecordOrSkip, report: FileImportReport, context: ImportContext): Promise<void> {
  if (item.type === 'skip') {
    await skipRecord(report, context, item.at, item.reason);
    return;
  }
  const parsed = parseRecord(item.kind, item.record);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`);
    await skipRecord(report, context, item.at, `invalid ${item.kind}: ${problems.slice(0, 3).join('; ')}`);
    return;
  }
  const record = parsed.data as RecordOf[RecordKind];
  report.imported++;
  if (item.warnings?.length) {
    report.warned++;
    for (const reason of item.warnings) {
      if (report.warnings.length < LISTED_ISSUES_PER_FILE) report.warnings.push({ at: item.at, reason });
      await context.issues.write({ type: 'warning', at: item.at, reason });
    }
  }
  const id = recordKey(item.kind, record);
  const first = context.seen.claim(item.kind, id, item.at);
  if (first === undefined) {
    report.records[item.kind] = (report.records[item.kind] ?? 0) + 1;
    if (item.kind === 'ticket') context.written.add(record as Ticket);
    await context.writers[item.kind].write(record);
    return;
  }
  // A repeated id: kept aside and merged into the first record once all files are read.
  report.merged++;
  const key = `${item.kind}\u0000${id}`;
  const entry = context.pending.get(key) ?? { kind: item.kind, later: [] };
  entry.later.push(record);
  context.pending.set(key, entry);
  await context.issues.write({ type: 'merged', at: item.at, reason: `same ${item.kind} id as ${first}: merged into it` });
}

/**
 * Rewrites the record files that have duplicates, folding each later record into the first; the
 * tickets written, counted again when theirs is rewritten (a merged ticket may judge otherwise).
 */
async function applyMerges(dir: string, pending: ImportContext['pending'], written: WrittenTickets): Promise<WrittenTickets> {
  const kinds = new Set([...pending.values()].map((entry) => entry.kind));
  for (const kind of kinds) {
    const path = joinPath(dir, RECORD_FILES[kind]);
    const merged = new JsonlWriter(`${path}.merged`, 'w', WHOLE_FILE_BATCH_BYTES);
    if (kind === 'ticket') written = new WrittenTickets();
    for await (const record of readJsonl<RecordOf[RecordKind]>(path)) {
      const entry = pending.get(`${kind}\u0000${recordKey(kind, record)}`);
      const folded = entry ? entry.later.reduce((into: RecordOf[RecordKind], later) => mergeRecords(kind, into, later as RecordOf[RecordKind]), record) : record;
      if (kind === 'ticket') written.add(folded as Ticket);
      await merged.write(folded);
    }
    await merged.close();
    await rename(merged.path, path);
  }
  return written;
}
