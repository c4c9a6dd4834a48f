import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { KnowledgeDoc, Ticket } from '../datasets/records.ts';
import { loadEmbedder } from './embed/embedder.ts';
import { ensureBuiltinModel, removeUnusedModels } from './embed/workspace-model.ts';
import * as lancedb from '@lancedb/lancedb';
import { ShadowdeskError } from '../errors.ts';
import { INDEX_FORMAT, embeddingText, indexDir, passages, passageText, tablesLocation, writeTables, type IndexManifest } from './search-tables.ts';
import { DEFAULT_WORKSPACE, readRecords, requireImport } from './workspace.ts';

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
  modelFit?: { refitted: boolean; seconds: number };
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
  created_ms: number;
  known_ms: number;
  channel: string;
  language: string;
  tags: string;
  /** The macro the agent's answer used, when the export says: what a macro responder learns from. */
  macro: string;
}

/** Each version of a document is valid from its date until the next version's date. */
async function knowledgeRows(workspace: string): Promise<KnowledgeRow[]> {
  const byId = new Map<string, KnowledgeDoc[]>();
  for await (const doc of readRecords(workspace, 'knowledge')) byId.set(doc.id, [...(byId.get(doc.id) ?? []), doc]);
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
    created_ms: Date.parse(ticket.createdAt),
    known_ms: Date.parse(ticket.closedAt ?? last),
    channel: ticket.channel,
    language: ticket.language ?? '',
    tags: ticket.tags.join(','),
    macro: answer.macro ?? '',
  };
}

function textKey(modelKey: string, text: string): string {
  return createHash('sha1').update(modelKey).update('\u0000').update(text).digest('hex');
}

/** Vectors by (model, text hash), kept in the index folder, so re-indexing embeds only new text. */
class EmbeddingCache {
  private constructor(
    private readonly path: string,
    private readonly vectors: Map<string, Float32Array>,
  ) {}

  static async open(dir: string, modelKey: string): Promise<EmbeddingCache> {
    const path = join(dir, `embeddings-${createHash('sha1').update(modelKey).digest('hex').slice(0, 16)}.bin`);
    const vectors = new Map<string, Float32Array>();
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes && bytes.length >= 4) {
      const dimensions = bytes.readUInt32LE(0);
      const record = 20 + dimensions * 4;
      for (let offset = 4; offset + record <= bytes.length; offset += record) {
        const key = bytes.subarray(offset, offset + 20).toString('hex');
        vectors.set(key, new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset + 20, bytes.byteOffset + offset + record)));
      }
    }
    return new EmbeddingCache(path, vectors);
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  set(key: string, vector: Float32Array): void {
    this.vectors.set(key, vector);
  }

  /** Keeps only the given keys (texts no longer in the corpus drop out) and writes atomically. */
  async save(keep: Set<string>, dimensions: number): Promise<void> {
    const entries = [...this.vectors.entries()].filter(([key]) => keep.has(key));
    const record = 20 + dimensions * 4;
    const bytes = Buffer.alloc(4 + entries.length * record);
    bytes.writeUInt32LE(dimensions, 0);
    entries.forEach(([key, vector], index) => {
      const offset = 4 + index * record;
      Buffer.from(key, 'hex').copy(bytes, offset);
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(bytes, offset + 20);
    });
    await writeFile(`${this.path}.tmp`, bytes);
    await rename(`${this.path}.tmp`, this.path);
  }
}

/** The model an index build uses, and the key its vectors are cached under; fitted first if it is the built-in one. */
async function resolveModel(workspace: string, options: IndexOptions): Promise<{ modelPath: string; modelKey: string; fit?: IndexSummary['modelFit'] }> {
  const model = options.model ?? BUILTIN_MODEL;
  if (model !== BUILTIN_MODEL) return { modelPath: model, modelKey: model };
  options.onProgress?.({ stage: 'fit', done: 0, total: 1 });
  const fitted = await ensureBuiltinModel(workspace);
  options.onProgress?.({ stage: 'fit', done: 1, total: 1 });
  return { modelPath: fitted.dir, modelKey: `builtin:${fitted.fitHash}`, fit: { refitted: fitted.refitted, seconds: fitted.seconds } };
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
  const importId = basename(await requireImport(workspace));
  const previous = await previousBuild(dir);
  const tablesUri = options.tablesUri ?? previous?.tablesUri;
  if (tablesUri !== undefined && !URI.test(tablesUri)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `tables URI "${tablesUri}": expected a LanceDB URI such as s3://bucket/prefix or file:///path; leave it out to keep the tables in the workspace`);
  }
  await mkdir(dir, { recursive: true });
  const { modelPath, modelKey, fit } = await resolveModel(workspace, options);
  if (
    previous?.format === INDEX_FORMAT &&
    previous.importId === importId &&
    previous.modelKey === modelKey &&
    previous.tablesUri === tablesUri &&
    (tablesUri !== undefined || existsSync(tablesLocation(workspace, previous)))
  ) {
    const { model, dimensions, knowledgePassages, tickets, texts } = previous;
    return { model, dimensions, knowledgePassages, tickets, texts, embedded: 0, seconds: (performance.now() - started) / 1000, embedSeconds: 0, ...(fit && { modelFit: fit }), upToDate: true };
  }
  const embedder = await loadEmbedder(modelPath, { batchSize: options.batchSize ?? 64, allowDownload: options.allowDownload ?? false });
  try {
    const knowledge = await knowledgeRows(workspace);
    const tickets: TicketRow[] = [];
    for await (const ticket of readRecords(workspace, 'ticket')) {
      const row = ticketRow(ticket);
      if (row) tickets.push(row);
    }
    const texts = [...knowledge.map((row) => row.text), ...tickets.flatMap((row) => [row.question, row.answer])].map(embeddingText);
    const keys = texts.map((text) => textKey(modelKey, text));
    const cache = await EmbeddingCache.open(dir, modelKey);
    const missing = [...new Set(keys)].filter((key) => !cache.get(key));
    const textOf = new Map(keys.map((key, index) => [key, texts[index]!]));
    const embedStarted = performance.now();
    const batch = (options.batchSize ?? 64) * 16;
    for (let start = 0; start < missing.length; start += batch) {
      const slice = missing.slice(start, start + batch);
      const vectors = await embedder.embed(slice.map((key) => textOf.get(key)!));
      slice.forEach((key, index) => cache.set(key, vectors[index]!));
      options.onProgress?.({ stage: 'embed', done: Math.min(start + batch, missing.length), total: missing.length });
    }
    const embedSeconds = (performance.now() - embedStarted) / 1000;
    await cache.save(new Set(keys), embedder.dimensions);

    options.onProgress?.({ stage: 'write', done: 0, total: 2 });
    const builtAt = new Date().toISOString();
    const tables = `tables-${builtAt.replace(/\D/g, '')}-${process.pid}`;
    await writeTables(tablesLocation(workspace, { tables, ...(tablesUri && { tablesUri }) }), {
      knowledge: knowledge.map((row, index) => ({ ...row, vector: cache.get(keys[index]!)! })),
      tickets: tickets.map((row, index) => ({
        ...row,
        vector: cache.get(keys[knowledge.length + index * 2]!)!,
        answer_vector: cache.get(keys[knowledge.length + index * 2 + 1]!)!,
      })),
      dimensions: embedder.dimensions,
    });
    // The built-in model lives in the workspace: named relative to it, a copied workspace still works.
    const storedPath = fit ? relative(workspace, modelPath) : modelPath;
    const manifest: IndexManifest = {
      format: INDEX_FORMAT,
      model: options.model ?? BUILTIN_MODEL,
      modelPath: storedPath,
      modelKey,
      dimensions: embedder.dimensions,
      builtAt,
      tables,
      ...(tablesUri && { tablesUri }),
      importId,
      knowledgePassages: knowledge.length,
      tickets: tickets.length,
      texts: new Set(keys).size,
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
      tickets: tickets.length,
      texts: manifest.texts,
      embedded: missing.length,
      seconds: (performance.now() - started) / 1000,
      embedSeconds,
      ...(fit && { modelFit: fit }),
    };
  } finally {
    await embedder.dispose();
  }
}
