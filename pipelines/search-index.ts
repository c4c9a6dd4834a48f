import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { KnowledgeDoc, Ticket } from '../datasets/records.ts';
import { loadEmbedder } from './embed/embedder.ts';
import { ensureBuiltinModel, fittedInTime, removeUnusedModels } from './embed/workspace-model.ts';
import { ShadowdeskError } from '../errors.ts';
import { PERSONAL_SEPARATOR, VECTOR_TEXTS, WRITE_BATCH_ROWS, chunks, writeTables, type Rows, type VectorTexts } from './search-tables.ts';
import { embeddingText, passages, passageText } from './passages.ts';
import { INDEX_FORMAT, indexDir, staleIndexReason, tablesLocation, type IndexManifest } from './index-manifest.ts';
import { DEFAULT_WORKSPACE, RECORD_FILES, readJsonl, requireImport } from './workspace.ts';
import { CacheWriter, NOT_CACHED, TextKeys, cachePath, findCached, textKey } from './vector-cache.ts';
import { withBuildLock } from './build-lock.ts';

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

/** `run` on the first call only; later calls get the first call's promise. */
function once(run: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= run());
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
  // Loaded here, not at the top: importing the library must not pay for LanceDB (see search-tables.ts).
  const lancedb = await import('@lancedb/lancedb');
  const db = await lancedb.connect(location);
  try {
    await db.dropAllTables();
  } finally {
    db.close();
  }
}

/** The summary of an index left as it was built. */
function upToDate({ model, dimensions, knowledgePassages, tickets, texts }: IndexManifest, started: number): IndexSummary {
  return { model, dimensions, knowledgePassages, tickets, texts, embedded: 0, seconds: (performance.now() - started) / 1000, embedSeconds: 0, upToDate: true };
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
    return { ...upToDate(previous, started), ...(fit && { modelFit: fit }) };
  }
  const embedder = await loadEmbedder(modelPath, { batchSize: options.batchSize ?? 64, allowDownload: options.allowDownload ?? false });
  const releaseEmbedder = once(() => embedder.dispose());
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
        tickets: followedBy(withVectors(tickets(), ticketTexts, VECTOR_TEXTS.tickets, cache), async () => {
          await cache.commit();
          await releaseEmbedder();
        }),
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
    await releaseEmbedder();
  }
}

/**
 * The index of the current import, for a replay starting at `cutoff`: rebuilt when it is missing,
 * was built from an earlier import, or its built-in model was fitted on the whole import or after
 * `cutoff` (its vectors would carry the replay's future), with the model and tables location of
 * the previous build (a replay must not switch models behind the user's back). An index of the
 * current import whose model was fitted before `cutoff` is left alone, nothing fitted, read or
 * written: replays of later windows keep its tables, so their runs can be resumed. With
 * `fitAtCutoff`, only a model fitted at `cutoff` itself is left alone. An index left alone is
 * summed up from its manifest, `upToDate`.
 */
export async function refreshIndex(options: Omit<IndexOptions, 'model' | 'tablesUri'> = {}): Promise<IndexSummary> {
  const started = performance.now();
  const workspace = options.workspace ?? DEFAULT_WORKSPACE;
  const importId = basename(await requireImport(workspace));
  const current = (manifest: IndexManifest): boolean =>
    (options.cutoff === undefined || (modelLeakReason(manifest, options.cutoff) === undefined && (!options.fitAtCutoff || fittedAtCutoff(manifest, options.cutoff)))) &&
    staleIndexReason(workspace, manifest, importId) === undefined;
  const built = await previousBuild(indexDir(workspace));
  if (built && current(built)) return upToDate(built, started);
  // Shards of one run start together: one of them rebuilds, the others wait and find it done.
  return withBuildLock(indexDir(workspace), async () => {
    const previous = await previousBuild(indexDir(workspace));
    if (previous && current(previous)) return upToDate(previous, started);
    return buildIndex({ ...options, workspace, ...(previous?.model && { model: previous.model }) });
  });
}
