import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { KnowledgeDoc, Ticket } from '../datasets/records.ts';
import { loadEmbedder, type Embedder } from './embed/embedder.ts';
import { ensureBuiltinModel, fittedInTime, removeUnusedModels } from './embed/workspace-model.ts';
import * as lancedb from '@lancedb/lancedb';
import { ShadowdeskError } from '../errors.ts';
import { INDEX_FORMAT, PERSONAL_SEPARATOR, WRITE_BATCH_ROWS, chunks, embeddingText, indexDir, passages, passageText, staleIndexReason, tablesLocation, writeTables, type IndexManifest, type Rows } from './search-tables.ts';
import { DEFAULT_WORKSPACE, RECORD_FILES, readJsonl, requireImport } from './workspace.ts';

/**
 * The search index: LanceDB tables of knowledge passages and of past tickets (the customer's
 * question and the agent's answer, each with its vector), each row carrying the time window in
 * which it existed, so that every query can be cut to what was known at a ticket's date.
 */

export const BUILTIN_MODEL = 'builtin';
const FAR_FUTURE = 8_640_000_000_000_000;

export interface IndexOptions {
  /** @default '.shadowdesk' */
  workspace?: string;
  /** `builtin` (fitted on the workspace), a hub id, or a model folder. @default 'builtin' */
  model?: string;
  /** @default 64 */
  batchSize?: number;
  allowDownload?: boolean;
  /**
   * A LanceDB URI to keep the tables under instead of the workspace: `s3://bucket/prefix`,
   * `gs://…`, `az://…` (credentials from the environment, as LanceDB reads them) or `file://…`.
   * The manifest, model and embedding cache stay in the workspace. @default the previous build's
   */
  tablesUri?: string;
  /**
   * Fit the built-in model only on what existed before this date (ISO): a replay starting then is
   * not judged with vectors shaped by its own tickets (see `corpusTexts`). @default the whole import
   */
  cutoff?: string;
  /**
   * With `cutoff`: fit on exactly what existed before it, even when a model fitted earlier is still
   * in time (each period of a replay refitted per period gets the model of its own start).
   */
  fitAtCutoff?: boolean;
  onProgress?: (progress: IndexProgress) => void;
}

export interface IndexProgress {
  stage: 'fit' | 'embed' | 'write';
  done: number;
  total: number;
}

export interface IndexSummary {
  model: string;
  dimensions: number;
  knowledgePassages: number;
  tickets: number;
  /** Texts that needed a vector, and how many of those were embedded now (the rest came from the cache). */
  texts: number;
  embedded: number;
  seconds: number;
  embedSeconds: number;
  modelFit?: { refitted: boolean; seconds: number; cutoff?: string };
  /** Set when the index was already built from the current import with this model: nothing was embedded or written. */
  upToDate?: true;
}

interface KnowledgeRow {
  id: string;
  doc_id: string;
  kind: string;
  title: string;
  text: string;
  url: string;
  locale: string;
  valid_from: number;
  valid_to: number;
}

interface TicketRow {
  id: string;
  question: string;
  answer: string;
  /** The answer's personal parts (Message.personal), one a line: what no candidate may reuse. */
  personal: string;
  created_ms: number;
  known_ms: number;
  channel: string;
  language: string;
  tags: string;
  /** The macro the agent's answer used, when the export says: what a macro responder learns from. */
  macro: string;
}

/** Each version of a document is valid from its date until the next version's date. */
async function knowledgeRows(importDir: string): Promise<KnowledgeRow[]> {
  const byId = new Map<string, KnowledgeDoc[]>();
  for await (const doc of readJsonl<KnowledgeDoc>(join(importDir, RECORD_FILES.knowledge))) byId.set(doc.id, [...(byId.get(doc.id) ?? []), doc]);
  const rows: KnowledgeRow[] = [];
  for (const versions of byId.values()) {
    versions.sort((a, b) => (a.updatedAt ?? '').localeCompare(b.updatedAt ?? ''));
    versions.forEach((doc, version) => {
      const from = doc.updatedAt ? Date.parse(doc.updatedAt) : 0;
      const next = versions[version + 1]?.updatedAt;
      passages(doc.body).forEach((text, index) => {
        rows.push({
          id: `${doc.id}@${doc.updatedAt ?? 'undated'}#${index}`,
          doc_id: doc.id,
          kind: doc.kind,
          title: doc.title,
          text: passageText(doc, text),
          url: doc.url ?? '',
          locale: doc.locale ?? '',
          valid_from: from,
          valid_to: next ? Date.parse(next) : FAR_FUTURE,
        });
      });
    });
  }
  return rows;
}

/**
 * A past ticket is retrievable once its answer exists: from its close (or, if never closed, its
 * last message) on. Tickets without an agent answer teach nothing and are left out, as is spam.
 */
export function ticketRow(ticket: Ticket): TicketRow | undefined {
  if (ticket.spam) return undefined;
  const question = ticket.messages.find((message) => message.role === 'customer' && !message.internal);
  if (!question) return undefined;
  const answer = ticket.messages.find((message) => message.role === 'agent' && !message.internal && message.sentAt >= question.sentAt);
  if (!answer) return undefined;
  const last = ticket.messages.at(-1)!.sentAt;
  return {
    id: ticket.id,
    question: [ticket.subject, question.text].filter(Boolean).join('\n'),
    answer: answer.text,
    personal: (answer.personal ?? []).join(PERSONAL_SEPARATOR),
    created_ms: Date.parse(ticket.createdAt),
    known_ms: Date.parse(ticket.closedAt ?? last),
    channel: ticket.channel,
    language: ticket.language ?? '',
    tags: ticket.tags.join(','),
    macro: answer.macro ?? '',
  };
}

function textKey(modelKey: string, text: string): Buffer {
  return createHash('sha1').update(modelKey).update('\u0000').update(text).digest();
}

const KEY_BYTES = 20;
const NOT_CACHED = 0xffff_ffff;

/**
 * The distinct texts of a build, as their 20-byte keys numbered in order of first use, each with
 * the record of its vector in the previous cache file (or NOT_CACHED). Flat arrays and open
 * addressing: 32 bytes a text (64 MB at two million), where a Map of hex keys took ~130.
 */
class TextKeys {
  private keys = Buffer.alloc(KEY_BYTES * 1024);
  /** Key number + 1 by hash slot; 0 is an empty slot. */
  private slots = new Uint32Array(2048);
  cachedAt = new Uint32Array(1024);
  size = 0;

  /** The key's number, given it now if it is new. */
  add(key: Buffer): number {
    const slot = this.slotOf(key);
    if (this.slots[slot]) return this.slots[slot]! - 1;
    if (this.size === this.cachedAt.length) this.grow();
    key.copy(this.keys, this.size * KEY_BYTES);
    this.cachedAt[this.size] = NOT_CACHED;
    this.slots[slot] = ++this.size;
    if (this.size * 2 > this.slots.length) this.rehash();
    return this.size - 1;
  }

  get(key: Buffer): number | undefined {
    const entry = this.slots[this.slotOf(key)]!;
    return entry ? entry - 1 : undefined;
  }

  key(number: number): Buffer {
    return this.keys.subarray(number * KEY_BYTES, (number + 1) * KEY_BYTES);
  }

  /** SHA-1 bytes are uniform: the first four are the hash. */
  private slotOf(key: Buffer, slots = this.slots, compare = true): number {
    const mask = slots.length - 1;
    for (let slot = key.readUInt32LE(0) & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (!entry || (compare && key.compare(this.keys, (entry - 1) * KEY_BYTES, entry * KEY_BYTES) === 0)) return slot;
    }
  }

  private grow(): void {
    const keys = Buffer.alloc(this.keys.length * 2);
    this.keys.copy(keys);
    this.keys = keys;
    const cachedAt = new Uint32Array(this.cachedAt.length * 2);
    cachedAt.set(this.cachedAt);
    this.cachedAt = cachedAt;
  }

  private rehash(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    for (let number = 0; number < this.size; number++) slots[this.slotOf(this.key(number), slots, false)] = number + 1;
    this.slots = slots;
  }
}

/**
 * Vectors by (model, text hash), kept in the index folder, so re-indexing embeds only new text:
 * a 4-byte dimension count, then records of a 20-byte key and the vector. Never loaded whole
 * (2 GB at two million texts): vectors are read by record as rows need them.
 */
const HEADER_BYTES = 4;
/** Neighbouring records are read in one call when at most this many records apart, and up to this many at once. */
const READ_GAP_RECORDS = 16;
const READ_RUN_RECORDS = 1024;

function cachePath(dir: string, modelKey: string): string {
  return join(dir, `embeddings-${createHash('sha1').update(modelKey).digest('hex').slice(0, 16)}.bin`);
}

function recordBytes(dimensions: number): number {
  return KEY_BYTES + dimensions * 4;
}

/** Notes which texts the previous cache file holds a vector for, reading its keys in one sequential pass. */
async function findCached(path: string, texts: TextKeys, dimensions: number): Promise<FileHandle | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const header = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
  // Another dimension count means other vectors: the file is of no use.
  if (bytesRead < HEADER_BYTES || header.readUInt32LE(0) !== dimensions) {
    await handle.close();
    return undefined;
  }
  const size = recordBytes(dimensions);
  const block = Buffer.alloc(size * READ_RUN_RECORDS);
  for (let record = 0; ; ) {
    const { bytesRead: read } = await handle.read(block, 0, block.length, HEADER_BYTES + record * size);
    const whole = Math.floor(read / size);
    for (let index = 0; index < whole; index++, record++) {
      const number = texts.get(block.subarray(index * size, index * size + KEY_BYTES));
      if (number !== undefined) texts.cachedAt[number] = record;
    }
    if (read < block.length) return handle;
  }
}

/**
 * The new cache file, written while the rows stream past: text number N is record N, appended
 * when the text is first used, its vector taken from the previous file or embedded. A text used
 * again later (templated messages are common) is read back from here.
 */
class CacheWriter {
  private written = 0;
  private readonly scratch: Buffer;
  embedded = 0;
  embedSeconds = 0;

  private constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    private readonly previous: FileHandle | undefined,
    private readonly texts: TextKeys,
    private readonly embedder: Embedder,
    private readonly embedBatch: number,
    private readonly onEmbedded: (done: number) => void,
  ) {
    this.scratch = Buffer.alloc(READ_RUN_RECORDS * recordBytes(embedder.dimensions));
  }

  /** Written beside the previous file (`previous` reads it), which it replaces on `commit`. */
  static async create(path: string, previous: FileHandle | undefined, texts: TextKeys, embedder: Embedder, embedBatch: number, onEmbedded: (done: number) => void): Promise<CacheWriter> {
    const handle = await open(`${path}.tmp`, 'w+');
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(embedder.dimensions, 0);
    await handle.write(header, 0, HEADER_BYTES, 0);
    return new CacheWriter(path, handle, previous, texts, embedder, embedBatch, onEmbedded);
  }

  /** The vector of each text number; `textOf` gives the raw text of a number's use at that index. */
  async vectors(numbers: readonly number[], textOf: (index: number) => string): Promise<Map<number, Float32Array>> {
    const dimensions = this.embedder.dimensions;
    // One block for the batch's vectors: views into read buffers kept whole runs of records alive.
    const block = new Float32Array(new Set(numbers).size * dimensions);
    const found = new Map<number, Float32Array>();
    const again: Array<[number, Float32Array]> = [];
    /** Texts first used now, ascending, with the index of that use. */
    const fresh = new Map<number, number>();
    numbers.forEach((number, index) => {
      if (found.has(number)) return;
      const vector = block.subarray(found.size * dimensions, (found.size + 1) * dimensions);
      found.set(number, vector);
      if (number < this.written) again.push([number, vector]);
      else fresh.set(number, index);
    });
    await this.read(this.handle, again);
    const cached: Array<[number, Float32Array]> = [];
    const missing: Array<[number, number]> = [];
    for (const [number, index] of fresh) {
      const record = this.texts.cachedAt[number]!;
      if (record === NOT_CACHED) missing.push([number, index]);
      else cached.push([record, found.get(number)!]);
    }
    if (this.previous) await this.read(this.previous, cached);
    for (let start = 0; start < missing.length; start += this.embedBatch) {
      const slice = missing.slice(start, start + this.embedBatch);
      const started = performance.now();
      const vectors = await this.embedder.embed(slice.map(([, index]) => embeddingText(textOf(index))));
      this.embedSeconds += (performance.now() - started) / 1000;
      slice.forEach(([number], index) => found.get(number)!.set(vectors[index]!));
      this.embedded += slice.length;
      this.onEmbedded(this.embedded);
    }
    await this.append([...fresh.keys()], found);
    return found;
  }

  /** Copies the vectors at [record, target] pairs out of a cache file, reading neighbouring records in one call. */
  private async read(handle: FileHandle, wanted: Array<[number, Float32Array]>): Promise<void> {
    const size = recordBytes(this.embedder.dimensions);
    wanted.sort((a, b) => a[0] - b[0]);
    for (let first = 0; first < wanted.length; ) {
      const start = wanted[first]![0];
      let last = first;
      while (last + 1 < wanted.length && wanted[last + 1]![0] - wanted[last]![0] <= READ_GAP_RECORDS && wanted[last + 1]![0] - start < READ_RUN_RECORDS) last++;
      const length = (wanted[last]![0] - start + 1) * size;
      const { bytesRead } = await handle.read(this.scratch, 0, length, HEADER_BYTES + start * size);
      if (bytesRead < length) throw new Error(`embedding cache ended early, before record ${wanted[last]![0]}`);
      for (const [record, target] of wanted.slice(first, last + 1)) target.set(new Float32Array(this.scratch.buffer, this.scratch.byteOffset + (record - start) * size + KEY_BYTES, target.length));
      first = last + 1;
    }
  }

  /** Appends the texts first used now: their numbers run on from the last record written. */
  private async append(numbers: readonly number[], vectors: Map<number, Float32Array>): Promise<void> {
    if (numbers.length === 0) return;
    const size = recordBytes(this.embedder.dimensions);
    const bytes = Buffer.alloc(numbers.length * size);
    numbers.forEach((number, index) => {
      const vector = vectors.get(number)!;
      this.texts.key(number).copy(bytes, index * size);
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(bytes, index * size + KEY_BYTES);
    });
    await this.handle.write(bytes, 0, bytes.length, HEADER_BYTES + this.written * size);
    this.written += numbers.length;
  }

  /** Once every text is in: only this build's texts are in the file, the others drop out. */
  async commit(): Promise<void> {
    await this.close();
    await rename(`${this.path}.tmp`, this.path);
  }

  /** Closing twice is harmless: a failed build closes what a commit may have closed. */
  async close(): Promise<void> {
    await this.handle.close();
    await this.previous?.close();
  }
}

/** Which text each vector column is made from. */
const VECTOR_TEXTS = {
  knowledge: [['vector', 'text']],
  tickets: [
    ['vector', 'question'],
    ['answer_vector', 'answer'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;
type VectorTexts = ReadonlyArray<readonly [string, string]>;

async function* ticketRows(file: string): AsyncGenerator<TicketRow> {
  for await (const ticket of readJsonl<Ticket>(file)) {
    const row = ticketRow(ticket);
    if (row) yield row;
  }
}

/** The first pass: the number of each row's texts, row by row; nothing else of a row is kept. */
async function textNumbers<R extends object>(rows: Rows<R>, columns: VectorTexts, texts: TextKeys, modelKey: string): Promise<number[]> {
  const numbers: number[] = [];
  for await (const row of rows) for (const [, field] of columns) numbers.push(texts.add(textKey(modelKey, embeddingText(String(row[field as keyof R])))));
  return numbers;
}

/** The second pass: rows with their vectors, a write batch at a time. */
async function* withVectors<R extends object>(rows: Rows<R>, numbers: readonly number[], columns: VectorTexts, cache: CacheWriter): AsyncGenerator<Record<string, unknown>> {
  const width = columns.length;
  let next = 0;
  for await (const chunk of chunks(rows, WRITE_BATCH_ROWS)) {
    const chunkNumbers = numbers.slice(next, (next += chunk.length * width));
    const vectors = await cache.vectors(chunkNumbers, (index) => String(chunk[Math.floor(index / width)]![columns[index % width]![1] as keyof R]));
    for (const [index, row] of chunk.entries()) {
      yield { ...row, ...Object.fromEntries(columns.map(([column], offset) => [column, vectors.get(chunkNumbers[index * width + offset]!)!])) };
    }
  }
}

/** The rows, then `after` once the last one is taken. */
async function* followedBy<R>(rows: AsyncIterable<R>, after: () => Promise<void>): AsyncGenerator<R> {
  yield* rows;
  await after();
}

/** The model an index build uses, and the key its vectors are cached under; fitted first if it is the built-in one. */
async function resolveModel(workspace: string, options: IndexOptions): Promise<{ modelPath: string; modelKey: string; fit?: IndexSummary['modelFit'] }> {
  const model = options.model ?? BUILTIN_MODEL;
  if (model !== BUILTIN_MODEL) return { modelPath: model, modelKey: model };
  options.onProgress?.({ stage: 'fit', done: 0, total: 1 });
  // Any change of corpus refits: a model kept because the corpus grew little would be an earlier period's.
  const fitted = await ensureBuiltinModel(workspace, { ...(options.cutoff !== undefined && { cutoff: options.cutoff }), ...(options.fitAtCutoff && { refitAbove: 0 }) });
  options.onProgress?.({ stage: 'fit', done: 1, total: 1 });
  return {
    modelPath: fitted.dir,
    modelKey: `builtin:${fitted.fitHash}`,
    fit: { refitted: fitted.refitted, seconds: fitted.seconds, ...(fitted.cutoff !== undefined && { cutoff: fitted.cutoff }) },
  };
}

/**
 * Why an index must not serve a replay or search as of `asOf`, or undefined when it may: its
 * built-in model was fitted on the whole import or with a later cut-off, so its vectors carry
 * co-occurrences from after that date. A downloaded model learned nothing from the workspace.
 */
export function modelLeakReason(manifest: Pick<IndexManifest, 'model' | 'modelCutoff'>, asOf: string): string | undefined {
  if (manifest.model !== BUILTIN_MODEL || fittedInTime(manifest.modelCutoff, asOf)) return undefined;
  const fitted = manifest.modelCutoff === undefined ? 'on the whole import' : `on what existed before ${manifest.modelCutoff}`;
  return `the index's built-in model was fitted ${fitted}, after ${asOf}`;
}

/** Whether an index's model was fitted at exactly `cutoff` (a downloaded model, never fitted, always is). */
function fittedAtCutoff(manifest: Pick<IndexManifest, 'model' | 'modelCutoff'>, cutoff: string): boolean {
  return manifest.model !== BUILTIN_MODEL || (manifest.modelCutoff !== undefined && Date.parse(manifest.modelCutoff) === Date.parse(cutoff));
}

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The committed build's manifest as written, if any (of any format: where its tables are always matters). */
async function previousBuild(dir: string): Promise<IndexManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
}

/**
 * Object storage has no folder to remove: the previous build's tables are dropped one by one. A
 * build killed before its commit leaves its tables behind there (locally they are swept up).
 */
async function dropRemoteTables(location: string): Promise<void> {
  const db = await lancedb.connect(location);
  try {
    await db.dropAllTables();
  } finally {
    db.close();
  }
}

/** Builds (or rebuilds) the search index of a workspace; unchanged texts reuse their cached vectors. */
export async function buildIndex(options: IndexOptions = {}): Promise<IndexSummary> {
  const started = performance.now();
  const workspace = options.workspace ?? DEFAULT_WORKSPACE;
  const dir = indexDir(workspace);
  // Nothing is written into a workspace with nothing imported: a mistyped path stays a message.
  const importDir = await requireImport(workspace);
  const importId = basename(importDir);
  const previous = await previousBuild(dir);
  const tablesUri = options.tablesUri ?? previous?.tablesUri;
  if (tablesUri !== undefined && !URI.test(tablesUri)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `tables URI "${tablesUri}": expected a LanceDB URI such as s3://bucket/prefix or file:///path; leave it out to keep the tables in the workspace`);
  }
  await mkdir(dir, { recursive: true });
  const { modelPath, modelKey, fit } = await resolveModel(workspace, options);
  if (previous && previous.modelKey === modelKey && previous.modelCutoff === fit?.cutoff && previous.tablesUri === tablesUri && staleIndexReason(workspace, previous, importId) === undefined) {
    const { model, dimensions, knowledgePassages, tickets, texts } = previous;
    return { model, dimensions, knowledgePassages, tickets, texts, embedded: 0, seconds: (performance.now() - started) / 1000, embedSeconds: 0, ...(fit && { modelFit: fit }), upToDate: true };
  }
  const embedder = await loadEmbedder(modelPath, { batchSize: options.batchSize ?? 64, allowDownload: options.allowDownload ?? false });
  try {
    // Both read from the import the manifest will name, even if another is committed meanwhile.
    const knowledge = await knowledgeRows(importDir);
    // Tickets are read twice: first for their texts' keys (so that what to embed is known up
    // front), then to write the rows. Nothing of a ticket is kept between the two.
    const tickets = () => ticketRows(join(importDir, RECORD_FILES.ticket));
    const texts = new TextKeys();
    const knowledgeTexts = await textNumbers(knowledge, VECTOR_TEXTS.knowledge, texts, modelKey);
    const ticketTexts = await textNumbers(tickets(), VECTOR_TEXTS.tickets, texts, modelKey);
    const path = cachePath(dir, modelKey);
    const previousCache = await findCached(path, texts, embedder.dimensions);
    const missing = texts.cachedAt.subarray(0, texts.size).filter((record) => record === NOT_CACHED).length;
    // Embedding ends before the last rows are written: `write` starts with the last vector embedded.
    const writing = () => options.onProgress?.({ stage: 'write', done: 0, total: 2 });
    const embedded = (done: number) => {
      options.onProgress?.({ stage: 'embed', done, total: missing });
      if (done === missing) writing();
    };
    if (missing === 0) writing();
    const cache = await CacheWriter.create(path, previousCache, texts, embedder, (options.batchSize ?? 64) * 16, embedded);
    const builtAt = new Date().toISOString();
    const tables = `tables-${builtAt.replace(/\D/g, '')}-${process.pid}`;
    try {
      await writeTables(tablesLocation(workspace, { tables, ...(tablesUri && { tablesUri }) }), {
        knowledge: withVectors(knowledge, knowledgeTexts, VECTOR_TEXTS.knowledge, cache),
        // Committed before the tables' indexes are built (26 s at a million tickets): a build
        // killed then has still kept what it embedded.
        tickets: followedBy(withVectors(tickets(), ticketTexts, VECTOR_TEXTS.tickets, cache), () => cache.commit()),
        dimensions: embedder.dimensions,
      });
    } finally {
      await cache.close();
    }
    // The built-in model lives in the workspace: named relative to it, a copied workspace still works.
    const storedPath = fit ? relative(workspace, modelPath) : modelPath;
    const manifest: IndexManifest = {
      format: INDEX_FORMAT,
      model: options.model ?? BUILTIN_MODEL,
      modelPath: storedPath,
      modelKey,
      ...(fit?.cutoff !== undefined && { modelCutoff: fit.cutoff }),
      dimensions: embedder.dimensions,
      builtAt,
      tables,
      ...(tablesUri && { tablesUri }),
      importId,
      knowledgePassages: knowledge.length,
      tickets: ticketTexts.length / 2,
      texts: texts.size,
    };
    await writeFile(join(dir, 'manifest.json.tmp'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(join(dir, 'manifest.json.tmp'), join(dir, 'manifest.json'));
    // Committed: earlier builds, and what a killed build left behind, are no longer anyone's.
    for (const entry of await readdir(dir)) if (entry !== tables && (entry.startsWith('tables-') || entry.endsWith('.lance'))) await rm(join(dir, entry), { recursive: true, force: true });
    if (previous?.tablesUri) await dropRemoteTables(tablesLocation(workspace, previous));
    if (fit) await removeUnusedModels(workspace, modelPath);
    options.onProgress?.({ stage: 'write', done: 2, total: 2 });
    return {
      model: manifest.model,
      dimensions: embedder.dimensions,
      knowledgePassages: knowledge.length,
      tickets: manifest.tickets,
      texts: manifest.texts,
      embedded: missing,
      seconds: (performance.now() - started) / 1000,
      embedSeconds: cache.embedSeconds,
      ...(fit && { modelFit: fit }),
    };
  } finally {
    await embedder.dispose();
  }
}

/**
 * The index of the current import, for a replay starting at `cutoff`: rebuilt when it is missing,
 * was built from an earlier import, or its built-in model was fitted on the whole import or after
 * `cutoff` (its vectors would carry the replay's future), with the model and tables location of
 * the previous build (a replay must not switch models behind the user's back). An index of the
 * current import whose model was fitted before `cutoff` is left alone, nothing fitted, read or
 * written: replays of later windows keep its tables, so their runs can be resumed. With
 * `fitAtCutoff`, only a model fitted at `cutoff` itself is left alone.
 * Undefined when there was nothing to do.
 */
export async function refreshIndex(options: Omit<IndexOptions, 'model' | 'tablesUri'> = {}): Promise<IndexSummary | undefined> {
  const workspace = options.workspace ?? DEFAULT_WORKSPACE;
  const importId = basename(await requireImport(workspace));
  const current = (manifest: IndexManifest | undefined): boolean =>
    manifest !== undefined &&
    (options.cutoff === undefined || (modelLeakReason(manifest, options.cutoff) === undefined && (!options.fitAtCutoff || fittedAtCutoff(manifest, options.cutoff)))) &&
    staleIndexReason(workspace, manifest, importId) === undefined;
  if (current(await previousBuild(indexDir(workspace)))) return undefined;
  // Shards of one run start together: one of them rebuilds, the others wait and find it done.
  return withBuildLock(indexDir(workspace), async () => {
    const previous = await previousBuild(indexDir(workspace));
    if (current(previous)) return undefined;
    return buildIndex({ ...options, workspace, ...(previous?.model && { model: previous.model }) });
  });
}

const LOCK_FILE = 'build.lock';

/** Whether the process that wrote a lock still runs (on this machine, where the workspace is). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `work` while holding the index folder's lock; a lock whose process has died is taken over. */
async function withBuildLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  for (;;) {
    const handle = await open(lock, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return undefined;
    });
    if (handle) {
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    }
    const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (holder > 0 && !running(holder)) await rm(lock, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
