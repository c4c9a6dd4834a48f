import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FullTextQuery, Table as LanceTable, VectorQuery } from '@lancedb/lancedb';
import type { Field, RecordBatch, Schema, Table } from 'apache-arrow';
import { KNOWLEDGE_KINDS, type KnowledgeKind } from '../datasets/records.ts';
import { indexModel, loadEmbedder, type Embedder } from './embed/embedder.ts';
import { DEFAULT_WORKSPACE } from './workspace.ts';
import { readCurrentManifest, tablesLocation } from './index-manifest.ts';
import { embeddingText } from './passages.ts';
import { batching, createGate } from './batching.ts';
import { openPrefixProducts, openRowProducts, openVectorScan } from './vector-scan.ts';
import { openFlatScan, type FlatNeighbour, type FlatScan } from './flat-scan.ts';
import { twinGroups } from './vector-twins.ts';

/** LanceDB tables behind the search index, and hybrid retrieval over them with the time-travel filter. */

/** LanceDB and the Arrow tables it reads and writes (kept out of the published types, like transformers.js). */
interface Lance {
  lancedb: typeof import('@lancedb/lancedb');
  arrow: typeof import('apache-arrow');
}

let lance: Promise<Lance> | undefined;

/**
 * LanceDB and Arrow, loaded on first use: they take about a second to load, which every command
 * importing the library (`formats`, `config check`, `--help`) would pay without ever searching.
 * Arrow is the copy LanceDB requires (its CommonJS build): importing it loaded the ES module build
 * too, a second copy of some 200 files (0.2 s, and 0.35–0.45 s under a checkout's tsx hooks).
 */
function loadLance(): Promise<Lance> {
  lance ??= import('@lancedb/lancedb').then((lancedb) => ({ lancedb, arrow: createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow') }));
  return lance;
}

/** Between the personal parts in their column: no handle or link holds a line break. */
export const PERSONAL_SEPARATOR = '\n';

const TEXT_COLUMN = { knowledge: 'text', tickets: 'question' } as const;
/**
 * Full text in a language, with its stemmer and stop words: a customer's "returns" finds the
 * article's "return", and "the", "you", "my" no longer outweigh the word naming the topic. The
 * text column keeps its language-neutral index, for tickets in any other language.
 */
const STEMMED = { en: 'English', fr: 'French' } as const;
type StemmedLanguage = keyof typeof STEMMED;
const STEMMED_COLUMNS = Object.keys(STEMMED).map((language) => `words_${language}`);
/** Named in the selection, since LanceDB will stop adding its score columns on its own. */
const SCORE_COLUMNS = { vector: ['_distance'], fts: ['_score'] } as const;
/** Which text each vector column is made from. */
export const VECTOR_TEXTS = {
  knowledge: [['vector', 'text']],
  tickets: [
    ['vector', 'question'],
    ['answer_vector', 'answer'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, string]>>;
export type VectorTexts = ReadonlyArray<readonly [string, string]>;
const HIT_COLUMNS = { knowledge: ['id', 'title', 'text', 'url', 'kind', 'locale'], tickets: ['id', 'question', 'answer', 'personal', 'macro', 'known_ms'] } as const;
/** The column every time-travel filter reads first. */
const TIME_COLUMN = { knowledge: 'valid_from', tickets: 'known_ms' } as const;
/**
 * From this many rows a vector index (knowledge passages; past tickets above SCANNED_MAX_ROWS)
 * beats LanceDB's flat scan: at 9,884 tickets under the time filter a flat
 * scan took 10.6 ms p50 and the index 7.1 ms, with the same 20 neighbours; at 1,000–4,000 rows
 * flat was as fast. IVF_RQ replaced IVF_FLAT, whose copy of every vector LanceDB caches as
 * partitions are probed: replay at a million tickets peaked at 1,783 MB (IVF_RQ: under 0.9 GB).
 *
 * 8 bits per dimension, not 4: for 150 past questions asked at their own dates, 0.997 of the
 * neighbours as close as the exact top 11 at 100k tickets (4 bits: 0.976), 0.986 at 1M (0.958),
 * as fast; the index is larger (265 against 151 MB at 1M, replay 887 against 716 MB peak) and
 * trains in 63 s against 27. One bit mis-ranked whole groups of identical questions (0.77–0.85);
 * IVF_PQ's recall measured 0.13–0.61.
 */
const ANN_MIN_ROWS = 5_000;
const ANN_BITS = 8;
/**
 * Candidates re-ranked on their stored vectors, per result asked. 10x was as good for real
 * questions but not always for the demo's short ones: when a group of identical questions has
 * the nearer codes, it fills the candidates and hides the nearest (0.700 of the exact top 10 on
 * one 4-bit build, 0.900 on one 8-bit build; 20x found all on every build measured).
 */
export const REFINE_FACTOR = 20;
/**
 * The vectors LanceDB's IVF training sorts into partitions in memory before it writes them out
 * (its default 128 MiB, held several times over while sorted). Training the index of a million
 * tickets alone, in a fresh process: peak RSS 991 MB by default, 747 MB at 32 MiB, 767 MB at
 * 16 MiB (the rest is not the shuffle: a kmeans sample of 128 instead of 256 a partition read
 * 732 MB). The whole build of a million tickets: 1,291 → 1,171 MB.
 */
const SHUFFLE_BATCH_BYTES = 32 * 2 ** 20;
export const NPROBES = 5;
/**
 * From ANN_MIN_ROWS past tickets up to this many, their vector searches scan every row exactly in
 * memory (vector-scan.ts) instead of asking LanceDB: at 10,000 tickets a LanceDB query under the
 * time filter cost 4 ms of CPU through the vector index and 9 ms without one, the scan 0.03–0.3
 * ms (a few queries at once or one). The scan's cost and memory grow with the rows (1 KB a row for
 * each vector column searched, held twice: once by onnxruntime, once by the searcher, which looks a
 * replayed ticket's own question and reply up in it; and the rows' hit columns):
 * at 100,000 tickets one query alone cost 6–8 ms and a 1,000-ticket replay peaked at 1.1 GB
 * against 0.5 GB with the index, so larger histories keep LanceDB's index, whose memory does not
 * grow with them. Below ANN_MIN_ROWS the searches are LanceDB's flat search, its distances to the
 * bit, done in JavaScript with its arithmetic (flat-scan.ts), so a small workspace's results stay as
 * they were. The tickets' vector indexes (questions and answers) are built only above this.
 */
const SCANNED_MAX_ROWS = 50_000;
/**
 * Up to this many past tickets, a search through their vector index re-ranks its candidates here
 * rather than in LanceDB: LanceDB's re-ranking (refineFactor) reads each candidate's vector and
 * hit columns back from disk, 10–20 ms of CPU of a 13–22 ms query at 100,000 tickets; its
 * candidates alone, as row ids, cost 3–5 ms. The hit columns and the searched vector columns
 * are then held (at 100,000 tickets about 60 MB of rows and 100 MB a column), and the re-ranking
 * is LanceDB's own arithmetic and order (flat-scan.ts), at its distances (checked when a column is
 * first searched). It ranks every row sharing a candidate's vector too (vector-twins.ts), so of a
 * question asked word for word by hundreds, the earliest come first, as in an exact search, rather
 * than those the index happened to return. Larger histories keep LanceDB's, whose memory does not
 * grow with them.
 *
 * A search when no more than SCANNED_MAX_ROWS past tickets existed (an early ticket's) measures all
 * of those instead, as a history of their size is searched, without the index: onnxruntime
 * multiplies its vector with the earliest rows by `known_ms`, and the nearest are measured again
 * with LanceDB's arithmetic, so they are its flat search's rows, order and distances. Through the
 * index, LanceDB's prefiltered candidates had cost 2.6–2.9 ms of its CPU a vector, and held other
 * rows than the nearest for some: in a 3,000-ticket draw from 100,000, half of whose searches are
 * so, the replay took 9.7–10.4 s against 11.7–12.6 s (CPU 14.9–15.8 against 19.2–20.7 s), 36 of
 * its 12,000 answers changed, and its peak memory rose by about 150 MB (the early rows' blocks,
 * held by onnxruntime).
 */
const HELD_MAX_ROWS = 150_000;
/**
 * A held search through a vector index (more than SCANNED_MAX_ROWS past tickets existed) asks
 * LanceDB for its candidates without the time filter when the filter keeps at least this share of
 * the rows (a replay's window, late in a history), for enough of them to pass with room (the
 * margin): at 100,000 tickets a query for 180 candidates cost 2.6–2.9 ms of CPU prefiltered and
 * 1.4–1.6 ms without the filter for 262 of them.
 */
const UNFILTERED_CANDIDATES_SHARE = 0.5;
const UNFILTERED_CANDIDATES_MARGIN = 1.25;
/**
 * Vectors whose LanceDB candidates are kept for a later search of the same vector: tickets repeat
 * questions and replies (in a 3,000-ticket draw of 100,000, 5,996 candidate searches had 4,421
 * distinct vectors).
 */
const VECTORS_KEPT = 4_096;
/**
 * A search among the earliest past tickets (`SearcherOptions.scannedUpTo`) has onnxruntime multiply
 * its vector with the blocks of this many rows that hold those that existed, not with every early row.
 */
const EARLY_BLOCK_ROWS = 10_000;
export type SearchTable = keyof typeof TEXT_COLUMN;

function vectorField(arrow: Lance['arrow'], name: string, dimensions: number): Field {
  return new arrow.Field(name, new arrow.FixedSizeList(dimensions, new arrow.Field('item', new arrow.Float32(), true)), false);
}

function schemaOf(arrow: Lance['arrow'], table: SearchTable, dimensions: number): Schema {
  const text = (name: string) => new arrow.Field(name, new arrow.Utf8(), false);
  const number = (name: string) => new arrow.Field(name, new arrow.Float64(), false);
  return table === 'knowledge'
    ? new arrow.Schema([text('id'), text('doc_id'), text('kind'), text('title'), text('text'), text('url'), text('locale'), number('valid_from'), number('valid_to'), ...STEMMED_COLUMNS.map(text), vectorField(arrow, 'vector', dimensions)])
    : new arrow.Schema([
        text('id'),
        text('question'),
        text('answer'),
        text('personal'),
        number('created_ms'),
        number('known_ms'),
        text('channel'),
        text('language'),
        text('tags'),
        text('macro'),
        ...STEMMED_COLUMNS.map(text),
        vectorField(arrow, 'vector', dimensions),
        vectorField(arrow, 'answer_vector', dimensions),
      ]);
}

/** Rows go to LanceDB this many at a time, so a large index is never held twice in memory. */
export const WRITE_BATCH_ROWS = 20_000;

/**
 * From this many rows in a table, the garbage of its written batches is collected before its
 * indexes are built (collectGarbage). Below it the batches held a few MB (180 MB at 100k rows),
 * less than the two full collections cost: 0.1 s of CPU each time on a small heap, more in a
 * long-lived process with a large one.
 */
const COLLECT_MIN_ROWS = 5_000;

/** Rows in memory or produced while they are written (the tickets are streamed). */
export type Rows<R> = Iterable<R> | AsyncIterable<R>;

/** The rows `size` at a time, the last batch shorter. */
export async function* chunks<R>(rows: Rows<R>, size: number): AsyncGenerator<R[]> {
  let chunk: R[] = [];
  for await (const row of rows) {
    if (chunk.push(row) < size) continue;
    yield chunk;
    chunk = [];
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Rows as an Arrow table of the schema, built column by column: vectors go in as one contiguous
 * Float32 buffer each. (Rows of plain objects made LanceDB's conversion hold every vector as an
 * array of doubles: 2.3 GB of RSS at 100k tickets.)
 */
function arrowBatch(arrow: Lance['arrow'], schema: Schema, rows: ReadonlyArray<Record<string, unknown>>): Table {
  const children = schema.fields.map((field) => {
    const values = rows.map((row) => row[field.name]);
    if (field.type instanceof arrow.FixedSizeList) {
      const size = field.type.listSize;
      const flat = new Float32Array(rows.length * size);
      values.forEach((vector, index) => flat.set(vector as Float32Array, index * size));
      return arrow.makeData({ type: field.type, length: rows.length, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: flat.length, data: flat }) });
    }
    if (field.type instanceof arrow.Float64) return arrow.makeData({ type: field.type, length: rows.length, data: Float64Array.from(values as number[]) });
    return arrow.vectorFromArray(values as string[], new arrow.Utf8()).data[0]!;
  });
  return new arrow.Table(schema, [new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children }))]);
}

/**
 * Full garbage collections now. The batches just written (Arrow buffers, vectors, LanceDB's
 * handles on them) stay allocated until V8 collects them, which it does when JavaScript
 * allocates, not while LanceDB's native index builds run: at 100k tickets 180 MB of them were
 * still there when the builds started. A native module's objects are finalized on the event
 * loop's next turn after the collection that found them dead: the second collection frees what
 * they held (one collection: 180 MB left; two: 37 MB). V8's `gc` is borrowed for the calls, as
 * `--expose-gc` would give it, and hidden again.
 */
export async function collectGarbage(): Promise<void> {
  const gc = globalThis.gc ? () => void globalThis.gc?.() : borrowedGc();
  gc();
  await setImmediate();
  gc();
}

function borrowedGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}

/**
 * Writes both tables, with their indexes, into a folder of their own, WRITE_BATCH_ROWS rows at a
 * time as they come. The build becomes the index only when the manifest naming the folder is
 * renamed into place, so a reader (or a crash at any point) sees either the previous index or the
 * new one, never half of one.
 */
export async function writeTables(
  dir: string,
  data: { knowledge: Rows<Record<string, unknown>>; tickets: Rows<Record<string, unknown>>; dimensions: number },
): Promise<void> {
  const { lancedb, arrow } = await loadLance();
  const db = await lancedb.connect(dir);
  for (const table of ['knowledge', 'tickets'] as const) {
    const schema = schemaOf(arrow, table, data.dimensions);
    const created = await db.createEmptyTable(table, schema);
    let rows = 0;
    for await (const batch of chunks(data[table], WRITE_BATCH_ROWS)) {
      const words = (row: Record<string, unknown>) => Object.fromEntries(STEMMED_COLUMNS.map((column) => [column, row[TEXT_COLUMN[table]]]));
      await created.add(arrowBatch(arrow, schema, batch.map((row) => ({ ...row, ...words(row) }))));
      rows += batch.length;
    }
    if (rows >= COLLECT_MIN_ROWS) await collectGarbage();
    // Full-text first: a vector index built first left 400 MB the full-text builds did not reuse (1M tickets: 1,178 MB peak).
    if (rows > 0) {
      // Language-neutral full-text: no stemming or stop words (tickets mix French and English), accents folded.
      await created.createIndex(TEXT_COLUMN[table], {
        config: lancedb.Index.fts({ withPosition: false, stem: false, removeStopWords: false, asciiFolding: true, lowercase: true }),
        replace: true,
      });
      for (const [language, name] of Object.entries(STEMMED)) {
        await created.createIndex(`words_${language}`, {
          config: lancedb.Index.fts({ withPosition: false, stem: true, language: name, removeStopWords: true, asciiFolding: true, lowercase: true }),
          replace: true,
        });
      }
    }
    if (rows >= ANN_MIN_ROWS) {
      // Past tickets up to SCANNED_MAX_ROWS are searched by a scan in memory: no vector index to train (1.5 s of CPU at 10,000).
      if (table === 'knowledge' || rows > SCANNED_MAX_ROWS) {
        // A value the user set wins: it is LanceDB's own setting.
        process.env.LANCE_SHUFFLE_BATCH_BYTES ??= String(SHUFFLE_BATCH_BYTES);
        // A LanceDB index definition serves one build only.
        const vectorIndex = () => ({ config: lancedb.Index.ivfRq({ distanceType: 'cosine', numBits: ANN_BITS }), replace: true });
        await created.createIndex('vector', vectorIndex());
        // The past answers are searched by vector too, once a replayed ticket (the answer its agent
        // repeated): without an index each search compared every row, 45 ms of CPU at 100k tickets.
        if (table === 'tickets') await created.createIndex('answer_vector', vectorIndex());
      }
      await created.createIndex(TIME_COLUMN[table], { config: lancedb.Index.btree(), replace: true });
    }
    created.close();
  }
  db.close();
}

export type SearchMode = 'hybrid' | 'vector' | 'fts';

/**
 * What full text searches for: each distinct word once, weighted 1 + ln(times the query says it).
 * The BM25 of an OR query sums over its words as written, so in a long customer script "you" and
 * "the", written dozens of times, outweighed the one word naming the topic: each distinct word
 * once took τ²-bench banking's full text from recall@5 / MRR 0.230 / 0.355 to 0.279 / 0.439.
 * Once stop words were dropped by the stemmed columns, the words a script repeats are its topic
 * ("card", "cash back", "fee"), and counting them sublinearly (as the built-in model pools a
 * repeated token) took τ² full text from 0.451 / 0.649 to 0.541 / 0.710 and hybrid from 0.459 /
 * 0.644 to 0.547 / 0.700 (the distinct gold documents in the top 5: 0.331 → 0.363); Bitext's
 * short questions, whose words are seldom repeated, did not move (0.921 → 0.920); the demo's
 * policy questions, widened with past answers, 0.962 → 0.967 in the top 3. √n read 0.541 /
 * 0.702, 1 + ½ ln n 0.506 / 0.694, n 0.558 / 0.693.
 */
export function queryWordWeights(query: string): Array<[word: string, weight: number]> {
  const counts = new Map<string, number>();
  for (const word of query.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts].map(([word, count]) => [word, 1 + Math.log(count)]);
}

/**
 * The full-text query over one column: any of the query's words, each boosted by its weight. The
 * words of one weight go in one match: the same scores (τ²'s 97 scripts: the same top 20) as one
 * match a word, which took 4 times as long for a 241-word script (p50 39 against 11 ms).
 */
export function fullTextQuery(lancedb: Lance['lancedb'], query: string, column: string): FullTextQuery {
  const byWeight = new Map<number, string[]>();
  for (const [word, weight] of queryWordWeights(query)) {
    const words = byWeight.get(weight);
    if (words) words.push(word);
    else byWeight.set(weight, [word]);
  }
  return new lancedb.BooleanQuery([...byWeight].map(([boost, words]) => [lancedb.Occur.Should, new lancedb.MatchQuery(words.join(' '), column, { boost })]));
}

/**
 * The column full text searches for a ticket's language: the stemmed one of its language, the
 * English one when the language is unknown (on τ²-bench banking and Bitext, which have none,
 * English stemming and stop words lifted full text from recall@5 / MRR 0.279 / 0.439 to 0.451 /
 * 0.649 and from 0.889 / 0.965 to 0.921 / 0.973; stemming without removing stop words, to 0.341 /
 * 0.441; searching the French column too, to 0.343 / 0.498), and the language-neutral one for a
 * language without a stemmed column.
 */
export function fullTextColumn(table: SearchTable, language: string | undefined): string {
  const code = primaryLanguage(language || 'en');
  return code in STEMMED ? `words_${code as StemmedLanguage}` : TEXT_COLUMN[table];
}

/** A locale's language, lower-cased: `fr-FR` and `FR` give `fr`. */
function primaryLanguage(locale: string): string {
  return locale.toLowerCase().split(/[-_]/)[0]!;
}

export interface SearchOptions {
  table?: SearchTable;
  /** Only what existed at this moment: knowledge as it was, tickets already answered. */
  asOf?: string | number | Date;
  /** The ticket being answered: never retrieve it (nor anything under its id). */
  excludeTicketId?: string;
  /** @default 5 */
  limit?: number;
  /** @default 'hybrid' */
  mode?: SearchMode;
  /** Knowledge only: these kinds of document, e.g. `['macro']`. */
  kinds?: readonly KnowledgeKind[];
  /** The ticket's language (`fr`, `en-US`…): full text uses its stemmer and stop words, and knowledge passages in it come before others. */
  language?: string;
  /**
   * Knowledge only, with `asOf`: the query is widened with the answers the team gave to this many
   * nearest past questions (answered before `asOf`): the team's own words for what was asked.
   */
  pastAnswers?: number;
  /** Tickets only: compare the query with the past answers' vectors rather than the questions' (the search is then by vector). */
  against?: 'question' | 'answer';
}

export interface SearchHit {
  table: SearchTable;
  id: string;
  title: string;
  text: string;
  /** For tickets, the agent's answer. */
  answer?: string;
  /** For tickets, the parts of the answer that belong to its own conversation (the @handles it opens with, its links): never to be reused. */
  personal?: string[];
  /** For tickets, the macro the agent's answer used, when known. */
  macro?: string;
  /** For tickets, when the answer was known (ms since the epoch): newer answers follow newer policies. */
  answeredAt?: number;
  url?: string;
  /** For knowledge: article, macro, internal, product or policy. */
  kind?: string;
  /** For knowledge: the language it is written in, when known. */
  locale?: string;
  /** Higher is better: the fused 0..1 relevance for hybrid, 1 − cosine distance for vector, BM25 for full text. */
  score: number;
}

/** The moment `asOf` names, in ms since the epoch. */
function asOfMs(options: SearchOptions): number | undefined {
  const at = options.asOf === undefined ? undefined : new Date(options.asOf).getTime();
  if (at !== undefined && Number.isNaN(at)) throw new RangeError(`not a date: ${String(options.asOf)}`);
  return at;
}

/** The kinds of knowledge asked for, those of the closed list only; none: every kind. */
function knownKinds(options: SearchOptions): readonly KnowledgeKind[] {
  return options.kinds?.filter((kind) => KNOWLEDGE_KINDS.includes(kind)) ?? [];
}

/** The filter every query carries: what existed at `asOf`. */
export function timeTravelFilter(table: SearchTable, options: SearchOptions): string | undefined {
  const at = asOfMs(options);
  const clauses: string[] = [];
  if (table === 'knowledge') {
    if (at !== undefined) clauses.push(`valid_from <= ${at}`, `valid_to > ${at}`);
    // Only names from the closed list reach the SQL, so quoting them cannot inject anything.
    const kinds = knownKinds(options);
    if (kinds.length > 0) clauses.push(`kind IN (${kinds.map((kind) => `'${kind}'`).join(', ')})`);
  } else {
    if (at !== undefined) clauses.push(`known_ms < ${at}`);
  }
  return clauses.length > 0 ? clauses.join(' AND ') : undefined;
}

/** A knowledge passage's validity and kind, as the index stores them. */
export interface PassageFacts {
  valid_from: number;
  valid_to: number;
  kind: string;
}

/** timeTravelFilter for knowledge, as a test of one passage: for rows already read. */
export function existedAsAsked(options: SearchOptions): (passage: PassageFacts) => boolean {
  const at = asOfMs(options);
  const kinds = new Set<string>(knownKinds(options));
  return (passage) => (at === undefined || (passage.valid_from <= at && passage.valid_to > at)) && (kinds.size === 0 || kinds.has(passage.kind));
}

/** timeTravelFilter for past tickets, as a test of one ticket's `known_ms`: for rows scanned in memory. */
function knownAsAsked(options: SearchOptions): (knownMs: number) => boolean {
  const at = asOfMs(options);
  return at === undefined ? () => true : (knownMs) => knownMs < at;
}

/**
 * Hybrid relevance: each retriever's scores scaled to 0..1 over its own results, then a weighted
 * sum. Measured on τ²-bench and Bitext, reciprocal rank fusion let the weaker retriever pull good
 * full-text hits down (τ² recall@5 0.173 against 0.230 for full text alone); this fusion keeps them.
 */
function fuse(vector: ReadonlyArray<Record<string, unknown>>, words: ReadonlyArray<Record<string, unknown>>, vectorShare: number): Array<Record<string, unknown>> {
  const scaled = (rows: ReadonlyArray<Record<string, unknown>>) => {
    const scores = rows.map((row) => Number(row._score));
    const [low, high] = [Math.min(...scores), Math.max(...scores)];
    return new Map(rows.map((row, index) => [String(row.id), high > low ? (scores[index]! - low) / (high - low) : 1]));
  };
  const [byVector, byWords] = [scaled(vector), scaled(words)];
  const rows = new Map([...words, ...vector].map((row) => [String(row.id), row]));
  return [...rows.values()]
    .map((row) => {
      const id = String(row.id);
      return { row: { ...row, _score: vectorShare * (byVector.get(id) ?? 0) + (1 - vectorShare) * (byWords.get(id) ?? 0) }, id };
    })
    .sort((a, b) => b.row._score - a.row._score || a.id.localeCompare(b.id))
    .map(({ row }) => row);
}

/**
 * The vector's share of a hybrid score. With full text stemmed and stripped of stop words, full
 * text is the stronger retriever on long and short questions alike and the vector breaks its
 * ties: on τ²-bench banking hybrid recall@5 / MRR went from 0.395 / 0.467 (with the share words /
 * (words + 8), which left a 200–1,250-word script almost wholly to the vector) to 0.459 / 0.644,
 * Bitext from 0.914 / 0.972 to 0.921 / 0.976, the demo's policy questions (top 3) from 0.850 to
 * 0.920. 0.3 was picked on those three sets, which therefore flatter it a little (on τ²: 0.7
 * gave 0.422 / 0.537, 0.5 0.459 / 0.619, 0.2 0.445 / 0.635, 0.1 0.448 / 0.641).
 */
export const VECTOR_SHARE = 0.3;

/**
 * Past tickets whose answer agrees with the answers of the other best hits come first: a team
 * answers one kind of question in about the same words, so a hit answered like its neighbours is
 * the usual answer to such a question, and one answered unlike them matched a word, not the
 * question. Each of the best CONSENSUS_HITS gains CONSENSUS_WEIGHT × its agreement (the other
 * hits' shares of their summed score, times the words its answer shares with theirs over the
 * shorter answer's), past answers only, so it holds under the time filter. On Bitext (hybrid)
 * recall@5 0.920 → 0.930 (leak-free fit 0.930), MRR 0.976 unchanged; weight 0.5 / 1 / 2 / 4 over
 * the best 10: 0.925 / 0.928 / 0.930 / 0.930 (MRR 0.969); the best 20 with 2: 0.926; 3 over 15:
 * 0.931 (picked on that set, so flattered). A fixed 10, not the number of results asked, so a
 * replay asking 5 and the bench asking 10 rerank about the same hits.
 */
export const CONSENSUS_WEIGHT = 2;
const CONSENSUS_HITS = 10;

/** A past answer's distinct words, for agreement between answers. */
function answerWords(answer: string): Set<string> {
  return new Set(answer.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []);
}

/** Share of the shorter answer's words the two answers have in common (0 when either has none). */
function wordsShared(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [shorter, longer] = a.size <= b.size ? [a, b] : [b, a];
  if (shorter.size === 0) return 0;
  let shared = 0;
  for (const word of shorter) if (longer.has(word)) shared++;
  return shared / shorter.size;
}

/** Hybrid ticket rows, best first, the best CONSENSUS_HITS reranked by how far their answers agree with the others' (see CONSENSUS_WEIGHT). */
export function byAnswerConsensus<R extends { id: unknown; answer: unknown; _score: unknown }>(rows: readonly R[]): R[] {
  const best = rows.slice(0, CONSENSUS_HITS);
  const words = best.map((row) => answerWords(String(row.answer)));
  const scores = best.map((row) => Number(row._score));
  const total = scores.reduce((sum, score) => sum + score, 0);
  if (total <= 0) return [...rows];
  const agreement = (index: number) => words.reduce((sum, other, j) => (j === index ? sum : sum + (scores[j]! / total) * wordsShared(words[index]!, other)), 0);
  // Divided by 1 + CONSENSUS_WEIGHT, every row alike: scores stay 0..1 and the reranked stay above the rest.
  const reranked = best
    .map((row, index) => ({ row: { ...row, _score: (scores[index]! + CONSENSUS_WEIGHT * agreement(index)) / (1 + CONSENSUS_WEIGHT) }, id: String(row.id) }))
    .sort((a, b) => b.row._score - a.row._score || a.id.localeCompare(b.id))
    .map(({ row }) => row);
  return [...reranked, ...rows.slice(CONSENSUS_HITS).map((row) => ({ ...row, _score: Number(row._score) / (1 + CONSENSUS_WEIGHT) }))];
}

/**
 * How many past answers widen a customer's question before knowledge is searched. A customer
 * writes "can I send back my order?", the returns article says "return within 30 days", and the
 * team's replies to such questions say the article's words. On the demo's policy questions (the
 * article in the top 3, hybrid, before stemming): 0.413 without, 0.696 with the 3 nearest
 * answers' searches fused by rank, 0.846 with them added to the query; after stemming, 0.491
 * without, 0.792 with 1, 0.920 with 3, 0.935 with 5, 0.951 with 8, 0.935 with 12. Past only: the
 * time filter holds for them as for every search.
 */
export const PAST_ANSWERS = 8;
/**
 * Only answers to past questions at least this close to the customer's (1 − cosine distance,
 * built-in model) widen it: "combien de jours pour retourner", which no demo customer wrote,
 * had for nearest past questions "combien de temps pour être livré" (0.62) and was widened into
 * a shipping question. With the floor it is searched as written and finds the returns article;
 * the demo's policy questions went from 0.951 to 0.962 in the top 3 (0.6: 0.973 but the example
 * lost; 0.7: 0.940; 0.8: 0.857). Another model's similarities are on another scale.
 */
export const PAST_QUESTION_SIMILARITY = 0.65;

/** Locales `fr-FR` and `fr`, `en-US` and `EN` are one language; a passage of unknown locale is in every language. */
function inLanguage(locale: string, language: string): boolean {
  const of = primaryLanguage(locale);
  return !of || of === primaryLanguage(language);
}

/** Passages in the ticket's language first, each group in its order: a French question is answered from the French article. */
function languageFirst<R extends { locale?: unknown }>(rows: R[], language: string | undefined): R[] {
  if (!language) return rows;
  const same = (row: R) => inLanguage(String(row.locale ?? ''), language);
  return [...rows.filter(same), ...rows.filter((row) => !same(row))];
}

/**
 * A held table's full-text search asks LanceDB without its filter only when the filter keeps at
 * least this share of the rows. LanceDB scores a prefiltered full-text search the same as the
 * unfiltered one while the filter keeps many rows, but in other bits (its last ones) once it keeps
 * few: on the demo's 2,372 past tickets, every one of 159 questions scored alike at 11 % of the rows
 * and above, most differently at 10 % and below. Half leaves a wide margin; a replay's window
 * (the demo's: 88 % and more) is above it.
 */
const UNFILTERED_FULL_TEXT_SHARE = 0.5;
/**
 * Such a search asks for the best (needed ÷ share kept × margin) + this many matches rather than
 * every one (1,095 of the demo's 2,372 past tickets on average for its last 300 questions), and for
 * every one only when too few of those pass or a row at their cut's score may be missing: 2.4–3.3 →
 * 1.7–1.9 ms of CPU a query, and LanceDB's first 40 were the first 40 of every match, scores and
 * order, for all 300.
 */
const FULL_TEXT_PAD = 8;
/**
 * Rows of each of three probes' rankings the flat scan checks against LanceDB's: with another
 * arithmetic than LanceDB's, about one distance in eight differs in its last bits.
 */
const PROBED_ROWS = 256;
/** Knowledge searches remembered per searcher, oldest dropped first. */
const KNOWLEDGE_SEARCHES_KEPT = 4096;
/**
 * One retriever's results remembered per searcher: a replayed ticket's candidates, the past
 * answers that widen its question and the macro's fallback ask the same searches (2.4 searches of
 * past tickets by vector per ticket with the four built-in candidates, 1 once shared). Enough for
 * every ticket in flight, few enough to hold little.
 */
const RUNS_KEPT = 512;
/**
 * Queries of the tickets in flight embedded by one run of the built-in model: a replay spent a
 * sixth of its main thread embedding queries one at a time, and the 1,780 queries of a 600-ticket
 * replay, embedded in the batches it formed (3 a run on average), took 370–382 against 443–462 ms
 * of CPU. Its graph (a lookup, then a weighted sum) gives a short text the same bits alone or
 * padded beside longer ones (3,101 texts checked). A text of more than about 100 words (a question
 * widened with past answers) can come out a float32 step apart in a few dimensions, with what is
 * batched beside it: one knowledge-base confidence of 12,000 answers at 100,000 tickets moved
 * between runs. Embedding each query alone cost a 10,000-ticket replay 4.0–4.6 ms of CPU a ticket
 * against 3.0–3.2 (load 4). Another model's attention over padding is not known to keep even short
 * texts alike, so its queries go one at a time.
 */
const EMBEDDING_BATCH = { size: 32, waitMs: 0 };
/** Queries whose vector, and whose ranking of a small knowledge table, are remembered. */
const QUERIES_KEPT = 64;
/**
 * Rankings of a small knowledge table asked together go to LanceDB as one query of many vectors
 * (the tickets in flight): 2.1 against 3.1–3.5 ms of CPU a ranking for 16 at once, 105 passages.
 */
const RANKING_BATCH = { size: 16, waitMs: 2 };
/**
 * Candidate searches of past tickets through their vector index asked together (the tickets in
 * flight): one query of many vectors. At 100,000 tickets, LanceDB's query and the decoding of its
 * result cost 0.5 ms of the main thread's CPU whatever the query's size; the early tickets of 3,000
 * drawn from the whole history, each asked alone under its own filter until then, 10.50–13.13 →
 * 9.42–11.49 s in six pairs (the main thread 6.7–8.6 → 5.5–6.8 CPU-s), the same 12,000 answers.
 * (Those early tickets have since been measured exactly, see HELD_MAX_ROWS: a search under a filter
 * comes here only where more than SCANNED_MAX_ROWS rows passed it, in histories above 100,000.)
 */
const CANDIDATES_BATCH = { size: 16, waitMs: 0 };
/**
 * LanceDB queries of one searcher running at once, the others waiting their turn. Each query runs
 * on LanceDB's threads, and many at once cost more CPU apiece (buffers allocated afresh, threads
 * switching): replaying 128 demo tickets with 64 in flight (an LLM at concurrency 32, 2 cores)
 * spent 30–33 ms of LanceDB CPU a ticket with every query at once, 17–20 with 4 at a time.
 */
export const QUERIES_AT_ONCE = 2 * availableParallelism();
/**
 * …twice as many where the held past tickets are searched through their vector index (from
 * SCANNED_MAX_ROWS to HELD_MAX_ROWS): each candidate query takes its time on LanceDB's threads
 * while the main thread waits. A 3,000-ticket replay of 100,000 tickets, alternated: 111.3, 126.5,
 * 139.5, 145.8 tickets/s with 4 at once, 141.0, 155.7, 149.0, 159.7 with 8 (10.1–13.1 against
 * 9.3–10.6 ms of CPU a ticket). The demo's LLM replay at 8 kept less of c / L (0.935 against 0.961
 * at c = 16, L = 500 ms).
 */
const HELD_INDEX_QUERIES_AT_ONCE = 2 * QUERIES_AT_ONCE;
/**
 * How deep an exact search by vector goes at least: on a column without a vector index, or
 * scanned in memory. Every row is then ranked exactly, by distance then row, so a search's best n
 * are the first n of any deeper one: the past answers that widen a question (8) and the past
 * tickets of a hybrid search (10) are then one search, not two (a LanceDB one cost about 5 ms of
 * CPU, mostly copying the column's vectors, whatever its depth).
 */
const FLAT_DEPTH = 10;

/**
 * A vector as the plain numbers LanceDB's queries take, copied in a loop: `Array.from` walks a
 * typed array through its iterator, an object a value, 11 times slower (4.7 against 0.4 µs for
 * 256 dimensions) and an eighth of the garbage of a 10,000-ticket replay.
 */
function plainVector(values: Float32Array): number[] {
  const plain = new Array<number>(values.length);
  for (let index = 0; index < values.length; index++) plain[index] = values[index]!;
  return plain;
}

/** A vector as a key: its float32 bits, which are all the search reads of it. */
function vectorKey(vector: readonly number[]): string {
  return Buffer.from(Float32Array.from(vector).buffer).toString('latin1');
}

/** What `make` gives for a column, asked once per column: `made` lists what was asked, to release it. */
function perColumn<T>(make: (column: string) => Promise<T>): { of: (column: string) => Promise<T>; made: () => Array<Promise<T>> } {
  const made = new Map<string, Promise<T>>();
  return {
    of(column) {
      let one = made.get(column);
      if (!one) made.set(column, (one = make(column)));
      return one;
    },
    made: () => [...made.values()],
  };
}

/** A promise remembered under its key, the oldest of more than `kept` dropped; one that fails is forgotten, so it is asked again. */
function remembering<V>(kept: number): (key: string, make: () => Promise<V>) => Promise<V> {
  const entries = new Map<string, Promise<V>>();
  return (key, make) => {
    let value = entries.get(key);
    if (!value) {
      value = make();
      entries.set(key, value);
      value.catch(() => entries.delete(key));
      if (entries.size > kept) entries.delete(entries.keys().next().value!);
    }
    return value;
  };
}

export interface Searcher {
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  close(): Promise<void>;
}

type Row = Record<string, unknown>;

/**
 * The past tickets of a history small enough to hold, each part read whole once, on first use:
 * their hit columns, each vector column, the exact scans over those, and the vector each question
 * and answer was indexed with.
 */
interface PastTickets {
  /** The `depth` rows nearest `vector` in `column` of those whose `known_ms` passes `known`, with their `_distance`. */
  nearest(column: string, vector: number[], depth: number, known: (knownMs: number) => boolean): Promise<Row[]>;
  /**
   * `nearest` as LanceDB's flat search of `column` answers it, to the bit (flat-scan.ts); undefined
   * where LanceDB's arithmetic is not the one flat-scan.ts does (checked once per column).
   */
  flatNearest(column: string, vector: number[], depth: number, known: (knownMs: number) => boolean): Promise<Row[] | undefined>;
  /**
   * The `limit` rows nearest `vector` in `column`, of those that existed as asked, among LanceDB's
   * candidates through its vector index and every row sharing a candidate's vector, ranked on the
   * held vectors with LanceDB's arithmetic as its refineFactor would; undefined where that
   * arithmetic is not LanceDB's (checked once per column).
   */
  refinedNearest(column: string, vector: number[], limit: number, options: SearchOptions): Promise<Row[] | undefined>;
  /** The vector a past ticket's question or answer of exactly this text was indexed with, if one was. */
  indexedVector(text: string): Promise<number[] | undefined>;
  /** The share of the rows that existed as asked (their `known_ms` before its date). */
  knownShare(options: SearchOptions): Promise<number>;
  /** The row of a LanceDB row id, when its `known_ms` passes `known`. */
  keptRows(known: (knownMs: number) => boolean): Promise<(rowId: number) => Row | undefined>;
  /** Starts reading the hit columns and every vector column now rather than at the first search that needs them. */
  readAhead(): void;
  release(): Promise<void>;
}

function pastTickets(table: LanceTable, rowCount: number, dimensions: number, inTurn: ReturnType<typeof createGate>, scannedUpTo: number): PastTickets {
  // Every read is a whole scan of one table version, so a row is at the same position in each.
  let hits: Promise<{ read: Table; rows: RowsRead; knownMs: Float64Array; sortedKnownMs: Float64Array; byRowId: RowPositions; inRowIdOrder: boolean }> | undefined;
  const hitRows = () =>
    (hits ??= inTurn(() => table.query().withRowId().select([...HIT_COLUMNS.tickets]).toArrow()).then((read) => {
      const rows = rowsRead(read, '_rowid');
      const rowIds = rowIdsOf(read);
      const knownMs = Float64Array.from(read.getChild('known_ms') ?? [], Number);
      return {
        read,
        rows,
        knownMs,
        sortedKnownMs: Float64Array.from(knownMs).sort(),
        byRowId: rowPositions(rowIds),
        // LanceDB breaks a tie of distances by row id; the flat scan by position.
        inRowIdOrder: rowIds.every((rowId, row) => row === 0 || rowId > rowIds[row - 1]!),
      };
    }));
  // Read beside the hit columns, not after them: the table's version holds `rowCount` rows.
  const vectorsOf = perColumn((column) =>
    // A batch at a time: the whole column read at once was held twice over (100 MB at 100,000 tickets).
    inTurn(async () => {
      const values = new Float32Array(rowCount * dimensions);
      let at = 0;
      for await (const batch of table.query().select([column])) at = copyVectors(batch, column, dimensions, values, at);
      if (at !== values.length) throw new Error(`${column}: read ${at / dimensions} rows of a table version counted with ${rowCount}`);
      return values;
    }),
  ).of;
  const scans = perColumn((column) => vectorsOf(column).then((vectors) => openVectorScan(vectors, dimensions)));
  const checked = new Map<string, Promise<FlatScan | undefined>>();
  /** onnxruntime's products of a column's rows with the queries in flight, the rough measure of a flat scan. */
  const products = perColumn((column) => vectorsOf(column).then((vectors) => openRowProducts(vectors, dimensions)));
  /** LanceDB's first `count` candidates of a search through the vector index, as row ids in its order. */
  const candidates = (column: string, vector: number[], count: number, filter: string | undefined): Promise<BigUint64Array> => {
    let builder = table.query().nearestTo(vector).column(column).distanceType('cosine').nprobes(NPROBES);
    if (filter) builder = builder.where(filter);
    const asked = builder.withRowId().select([...SCORE_COLUMNS.vector]).limit(count);
    return inTurn(() => asked.toArrow()).then(rowIdsOf);
  };
  /** How many rows existed as asked (their `known_ms` before its date). */
  const knownCount = async (options: SearchOptions): Promise<number> => {
    const [{ sortedKnownMs }, at] = [await hitRows(), asOfMs(options)];
    return at === undefined ? sortedKnownMs.length : countBefore(sortedKnownMs, (ms) => ms < at);
  };
  const knownShare = async (options: SearchOptions): Promise<number> => (rowCount === 0 ? 0 : (await knownCount(options)) / rowCount);
  /**
   * The first `scannedUpTo` rows by `known_ms` (ties by position): those that existed at a time are
   * the first of them. Sorted at the first search among them (50 ms at 100,000 rows), not at every start.
   */
  let earliestRows: Promise<Int32Array> | undefined;
  const rowsByKnownMs = () =>
    (earliestRows ??= hitRows().then(({ knownMs }) => Int32Array.from(knownMs.keys()).sort((a, b) => knownMs[a]! - knownMs[b]! || a - b).subarray(0, scannedUpTo)));
  /** A column's first `scannedUpTo` rows by `known_ms`: the flat scan among them, and onnxruntime's products of their vectors with the queries in flight. */
  const earliest = perColumn((column) =>
    Promise.all([rowsByKnownMs(), vectorsOf(column), checkedScan(column, 're-ranking')]).then(async ([rows, vectors, scan]) => {
      return { scan: scan?.inOrder(rows), products: await openPrefixProducts(vectors, dimensions, rows, EARLY_BLOCK_ROWS) };
    }),
  );
  /** A candidate search waiting for its batch: `share` of the rows existed before `at` (undefined: every row). */
  interface AskedCandidates {
    vector: number[];
    count: number;
    share: number;
    at: number | undefined;
  }
  /** LanceDB's candidates of a search, as asked in a batch: under `at` (undefined: without a filter). */
  interface FoundCandidates {
    rowIds: BigUint64Array;
    whole: boolean;
    at: number | undefined;
  }
  const candidateBatches = new Map<string, (asked: AskedCandidates) => Promise<FoundCandidates>>();
  /**
   * LanceDB's candidates of a search through the vector index, asked together with the other
   * tickets' in flight as one query of many vectors (each its own ranking, as deep as the deepest):
   * without a filter where the search's filter keeps most rows, otherwise in a batch of their own
   * under the latest of their dates, so that an early ticket's search never makes a late one's go
   * deep. Each goes deep enough for `count` of its rows to pass its own filter, which the caller
   * applies; `whole` where the probed partitions held fewer rows than that (none is then missing).
   */
  const batchedCandidates = (column: string, asked: AskedCandidates) => {
    const filtered = asked.share < UNFILTERED_CANDIDATES_SHARE;
    const key = `${column}\u0000${filtered}`;
    let batch = candidateBatches.get(key);
    if (!batch) {
      batch = batching(async (all: AskedCandidates[]) => {
        // The latest date of the batch, as a search asks for it: its share of the rows and its filter.
        const latest = filtered ? Math.max(...all.map((one) => one.at!)) : undefined;
        const loosest: SearchOptions | undefined = latest === undefined ? undefined : { asOf: new Date(latest).toISOString() };
        const looseShare = loosest === undefined ? 1 : await knownShare(loosest);
        const { rows } = await hitRows();
        const deep = all.map((one) => Math.min(rows.length, Math.ceil((one.count / one.share) * looseShare * UNFILTERED_CANDIDATES_MARGIN)));
        const limit = Math.max(...deep);
        let query = all.slice(1).reduce((built, one) => built.addQueryVector(one.vector), table.query().nearestTo(all[0]!.vector)).column(column).distanceType('cosine').nprobes(NPROBES);
        if (loosest !== undefined) query = query.where(timeTravelFilter('tickets', loosest)!);
        const found = await inTurn(() => query.withRowId().select([...SCORE_COLUMNS.vector]).limit(limit).toArrow());
        const rowIds = rowIdsOf(found);
        return rowsByQuery(found, all.length, (row) => rowIds[row]!).map((ids) => ({ rowIds: BigUint64Array.from(ids), whole: ids.length < limit, at: latest }));
      }, CANDIDATES_BATCH);
      candidateBatches.set(key, batch);
    }
    return batch(asked);
  };
  /** The latest candidates LanceDB was asked for of a vector of a column (by `vectorKey`), VECTORS_KEPT of them. */
  const askedVectors = new Map<string, Promise<FoundCandidates>>();
  /** Keeps `found` as the latest candidates of `key`, the least lately used dropped past VECTORS_KEPT. */
  const keepAsked = (key: string, found: Promise<FoundCandidates>) => {
    askedVectors.delete(key);
    askedVectors.set(key, found);
    if (askedVectors.size > VECTORS_KEPT) askedVectors.delete(askedVectors.keys().next().value!);
  };
  /**
   * The positions of LanceDB's first `count` candidates among the rows that existed as asked. LanceDB
   * is asked for the searches in flight together (`batchedCandidates`: one query and one answer to
   * decode for many), deep enough for `count` of each one's rows to pass its time filter, applied
   * here; without a filter where it keeps most rows (at 100,000 tickets LanceDB's prefilter was half
   * a query's cost). They are the filtered query's candidates but for which of a group of identical
   * rows reach the cut, which `refinedNearest` makes irrelevant (12,000 answers alike either way at
   * 100,000); with too few passing, the search is asked again alone, with its own filter. A vector
   * asked before (a question or reply repeated) takes the candidates it was given then, where their
   * filter kept every row this search's keeps and enough of them pass: the first of one ranking.
   */
  const knownCandidates = async (column: string, vector: number[], count: number, options: SearchOptions): Promise<Int32Array> => {
    const [{ knownMs, byRowId }, share, known] = [await hitRows(), await knownShare(options), knownAsAsked(options)];
    // No row existed yet: LanceDB's filtered search finds none.
    if (share === 0) return new Int32Array(0);
    const at = asOfMs(options);
    const passing = ({ rowIds, whole }: FoundCandidates): Int32Array | undefined => {
      const kept = byRowId.of(rowIds).filter((row) => known(knownMs[row]!));
      return kept.length >= count || whole ? kept.subarray(0, count) : undefined;
    };
    const key = `${column}\u0000${vectorKey(vector)}`;
    const earlier = askedVectors.get(key);
    // A search that failed fails its own ticket, not this one: it is asked again.
    const found = await earlier?.catch(() => undefined);
    if (earlier && found) {
      // Under a filter that keeps every row this one does, the same ranking with more rows in it.
      const reused = found.at === undefined || (at !== undefined && at <= found.at) ? passing(found) : undefined;
      if (reused) {
        keepAsked(key, earlier);
        return reused;
      }
    }
    const asked = batchedCandidates(column, { vector, count, share, at });
    keepAsked(key, asked);
    asked.catch(() => askedVectors.get(key) === asked && askedVectors.delete(key));
    return passing(await asked) ?? byRowId.of(await candidates(column, vector, count, timeTravelFilter('tickets', options)));
  };
  const twins = perColumn((column) => vectorsOf(column).then((vectors) => twinGroups(vectors, dimensions)));
  /**
   * A flat scan of a column, opened once, checked against LanceDB as what it stands in for: its
   * flat search, or its re-ranking of a vector index's candidates; undefined where they differ.
   */
  const checkedScan = (column: string, standsFor: 'flat search' | 're-ranking'): Promise<FlatScan | undefined> => {
    const key = `${standsFor} of ${column}`;
    let scan = checked.get(key);
    if (!scan) {
      scan = Promise.all([hitRows(), vectorsOf(column)]).then(async ([{ rows, byRowId, inRowIdOrder }, vectors]) => {
        const opened = openFlatScan(vectors, dimensions);
        const ids = { count: rows.length, of: (row: number) => String(rows.at(row).id) };
        if (standsFor === 'flat search') return (await flatAlike({ table, column, inTurn }, opened, vectors, ids)) ? opened : undefined;
        const asked = (probe: number[]) => table.query().nearestTo(probe).column(column).distanceType('cosine').nprobes(NPROBES).refineFactor(REFINE_FACTOR).select(['id', '_distance']).limit(PROBED_REFINE_LIMIT);
        const ours = (probe: number[]) => candidates(column, probe, PROBED_REFINE_LIMIT * REFINE_FACTOR, undefined).then((found) => opened.nearestOf(probe, byRowId.of(found), PROBED_REFINE_LIMIT));
        return inRowIdOrder && (await rankedAlike({ inTurn, asked }, ours, vectors, ids)) ? opened : undefined;
      });
      checked.set(key, scan);
    }
    return scan;
  };
  let indexedTexts: Promise<(text: string) => TextPlace | undefined> | undefined;
  return {
    async nearest(column, vector, depth, known) {
      const [{ rows, knownMs }, scanned] = await Promise.all([hitRows(), scans.of(column)]);
      return (await scanned.nearest(vector, depth, (row) => known(knownMs[row]!))).map(({ row, distance }) => ({ ...rows.at(row), _distance: distance }));
    },
    async flatNearest(column, vector, depth, known) {
      const [{ rows, knownMs }, scanned] = await Promise.all([hitRows(), checkedScan(column, 'flat search')]);
      if (!scanned || isZero(vector)) return undefined;
      const rough = await (await products.of(column)).of(vector);
      return scanned.nearest(vector, depth, (row) => known(knownMs[row]!), rough).map(({ row, distance }) => ({ ...rows.at(row), _distance: distance }));
    },
    async refinedNearest(column, vector, limit, options) {
      const [{ rows, knownMs }, refining] = await Promise.all([hitRows(), checkedScan(column, 're-ranking')]);
      if (!refining || isZero(vector)) return undefined;
      const count = await knownCount(options);
      // So few existed that all are measured, exactly as LanceDB's flat search would.
      if (count <= scannedUpTo) {
        const { scan, products } = await earliest.of(column);
        // The scan is the one `refining` is, there since the check passed.
        return scan!.nearest(vector, count, limit, await products.of(vector, count)).map(({ row, distance }) => ({ ...rows.at(row), _distance: distance }));
      }
      const [found, twinned] = await Promise.all([knownCandidates(column, vector, limit * REFINE_FACTOR, options), twins.of(column)]);
      // Which of a group of rows sharing one vector LanceDB's candidates hold is its choice (hundreds
      // of tickets can ask the same question); the nearest of them are the earliest that existed.
      const known = knownAsAsked(options);
      const ranked = twinned.withTwins(found, limit, (row) => known(knownMs[row]!));
      return refining.nearestOf(vector, ranked, limit).map(({ row, distance }) => ({ ...rows.at(row), _distance: distance }));
    },
    async indexedVector(text) {
      indexedTexts ??= hitRows().then(({ read }) => textPlaces(read, VECTOR_TEXTS.tickets));
      const at = (await indexedTexts)(text);
      if (!at) return undefined;
      const vectors = await vectorsOf(at.column);
      return plainVector(vectors.subarray(at.row * dimensions, (at.row + 1) * dimensions));
    },
    knownShare,
    async keptRows(known) {
      const { rows, knownMs, byRowId } = await hitRows();
      return (rowId) => {
        const row = byRowId.at(rowId);
        return known(knownMs[row]!) ? rows.at(row) : undefined;
      };
    },
    readAhead() {
      // A read that fails fails the search that needs it, as it would have read it then.
      for (const read of [hitRows(), ...VECTOR_TEXTS.tickets.map(([column]) => vectorsOf(column))]) read.catch(() => undefined);
    },
    async release() {
      // A scan that could not be built failed its search already: closing must not throw that again.
      const early = earliest.made().map((made) => made.then(({ products }) => products));
      await Promise.all([...scans.made(), ...products.made(), ...early].map(async (opened) => (await opened.catch(() => undefined))?.release()));
    },
  };
}

/** Rows of each of three probes' rankings a re-ranking here checks against LanceDB's refineFactor: as deep as a replay's searches of past tickets go. */
const PROBED_REFINE_LIMIT = 21;

/**
 * Whether rows ranked here come out as LanceDB ranks them (the same rows, order and distances),
 * asked with a few rows' own vectors: `asked` is LanceDB's search, `ours` the same one done here.
 * LanceDB's arithmetic is its build's for this processor (its lanes and their sums), which
 * flat-scan.ts copies from the x86-64 one; where they differ, the searches stay LanceDB's.
 */
async function rankedAlike(
  lance: { inTurn: ReturnType<typeof createGate>; asked: (vector: number[]) => Pick<VectorQuery, 'toArrow'> },
  ours: (vector: number[]) => FlatNeighbour[] | Promise<FlatNeighbour[]>,
  vectors: Float32Array,
  ids: RowIds,
): Promise<boolean> {
  if (ids.count === 0) return true;
  const dimensions = vectors.length / ids.count;
  for (const probe of new Set([0, ids.count >> 1, ids.count - 1])) {
    const vector = plainVector(vectors.subarray(probe * dimensions, (probe + 1) * dimensions));
    if (isZero(vector)) continue;
    const [ranked, found] = await Promise.all([lance.inTurn(() => lance.asked(vector).toArrow()), ours(vector)]);
    const [rankedIds, distances] = [ranked.getChild('id')!, ranked.getChild('_distance')!];
    if (found.length !== ranked.numRows || found.some(({ row, distance }, index) => ids.of(row) !== String(rankedIds.get(index)) || distance !== distances.get(index))) return false;
  }
  return true;
}

/** Whether the flat scan of a column ranks its rows as LanceDB's flat search does, PROBED_ROWS deep. */
function flatAlike(lance: { table: LanceTable; column: string; inTurn: ReturnType<typeof createGate> }, scan: FlatScan, vectors: Float32Array, ids: RowIds): Promise<boolean> {
  const depth = Math.min(ids.count, PROBED_ROWS);
  const asked = (probe: number[]) => lance.table.query().nearestTo(probe).column(lance.column).distanceType('cosine').select(['id', '_distance']).limit(depth);
  return rankedAlike({ inTurn: lance.inTurn, asked }, (probe) => scan.nearest(probe, depth, () => true), vectors, ids);
}

/** The first `count` matches, in LanceDB's order, whose row `kept` gives, each with its score. */
function firstMatches(rowIds: ArrayLike<bigint>, scores: ArrayLike<number>, count: number, kept: (rowId: number) => Row | undefined): Row[] {
  const found: Row[] = [];
  for (let index = 0; index < rowIds.length && found.length < count; index++) {
    const row = kept(Number(rowIds[index]));
    if (row) found.push({ ...row, _score: scores[index] });
  }
  return found;
}

/**
 * A vector column's values, row after row, copied a batch at a time: reading them a row at a time
 * through Arrow cost a second of CPU at 100,000 tickets. (Arrow slices a list's values with its rows.)
 */
function vectorColumn(read: Table, column: string, dimensions: number): Float32Array {
  const values = new Float32Array(read.numRows * dimensions);
  copyVectors(read, column, dimensions, values, 0);
  return values;
}

/** Copies a result's vectors into `values` from `at`; where the next rows go. */
function copyVectors(read: Table | RecordBatch, column: string, dimensions: number, values: Float32Array, at: number): number {
  for (const data of read.numRows === 0 ? [] : read.getChild(column)!.data) {
    values.set((data.children[0]!.values as Float32Array).subarray(0, data.length * dimensions), at);
    at += data.length * dimensions;
  }
  return at;
}

/** Rows' positions in a whole read of a table, by their LanceDB row ids. */
interface RowPositions {
  at(rowId: number): number;
  of(rowIds: BigUint64Array): Int32Array;
}

/**
 * A LanceDB row id is its fragment's id in the high 32 bits and its offset in the fragment in the
 * low ones: a position is then an array's entry of its fragment (a Map of 100,000 row ids, each
 * turned from a BigInt, was a tenth of a large replay's main thread). Read as 32-bit halves.
 */
function rowPositions(rowIds: BigUint64Array): RowPositions {
  const halves = (ids: BigUint64Array) => new Uint32Array(ids.buffer, ids.byteOffset, ids.length * 2);
  const [low, high] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const all = halves(rowIds);
  const sizes = new Map<number, number>();
  for (let index = 0; index < rowIds.length; index++) sizes.set(all[2 * index + high]!, Math.max(sizes.get(all[2 * index + high]!) ?? 0, all[2 * index + low]! + 1));
  const fragments = new Map([...sizes].map(([fragment, size]) => [fragment, new Int32Array(size).fill(-1)]));
  for (let index = 0; index < rowIds.length; index++) fragments.get(all[2 * index + high]!)![all[2 * index + low]!] = index;
  return {
    at: (rowId) => fragments.get(Math.floor(rowId / 2 ** 32))![rowId % 2 ** 32]!,
    of(ids) {
      const asked = halves(ids);
      // A plain loop: Int32Array.from with a mapping function was a tenth of this search's main thread.
      const positions = new Int32Array(ids.length);
      for (let index = 0; index < ids.length; index++) positions[index] = fragments.get(asked[2 * index + high]!)![asked[2 * index + low]!]!;
      return positions;
    },
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The rows of a query of many vectors, by the vector that found them, each vector's in the order
 * LanceDB ranked them (one query's rows never change places). A query of one vector has no
 * `query_index`.
 */
function rowsByQuery<T>(read: Table, queries: number, item: (row: number) => T): T[][] {
  const queryIndex = read.getChild('query_index')?.toArray() as ArrayLike<number> | undefined;
  const found = Array.from({ length: queries }, (): T[] => []);
  for (let row = 0; row < read.numRows; row++) found[Number(queryIndex?.[row] ?? 0)]!.push(item(row));
  return found;
}

/** A result's row ids (LanceDB gives a result of no rows no columns). */
function rowIdsOf(read: Table): BigUint64Array {
  return read.numRows === 0 ? new BigUint64Array(0) : (read.getChild('_rowid')!.toArray() as BigUint64Array);
}

/** How many of `sorted`'s values come before the first that `before` refuses (it accepts a prefix of them). */
function countBefore(sorted: Float64Array, before: (value: number) => boolean): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (before(sorted[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A vector of zeros (a text of no known word): LanceDB's searches with one are left to LanceDB. */
function isZero(vector: ArrayLike<number>): boolean {
  for (let index = 0; index < vector.length; index++) if (vector[index] !== 0) return false;
  return true;
}

/** Where a text was indexed: the vector column that holds its vector, and the row. */
interface TextPlace {
  column: string;
  row: number;
}

/**
 * The first row holding a text in one of `fields` (the first field's rows first), and the vector
 * column of that field. Each row's text is keyed by its UTF-8 length and 32 of its bytes, spread
 * over it, read from the table's buffers; a text looked up is compared with the rows of its key
 * alone, decoded. Decoding and hashing every row's texts took 0.17 s at 100,000 tickets, to look up
 * a replay's few.
 */
function textPlaces(read: Table, fields: ReadonlyArray<readonly [column: string, field: string]>): (text: string) => TextPlace | undefined {
  // Templated texts share their length and much of their wording; a key small enough for V8 to keep unboxed.
  const keyOf = (bytes: Uint8Array, start: number, length: number) => {
    let key = length;
    if (length > 0) for (let part = 0; part < 32; part++) key = (Math.imul(key, 31) + bytes[start + ((part * length) >> 5)]!) | 0;
    return key & 0x3fffffff;
  };
  const chunks = fields.map(([, field]) => read.getChild(field)!.data);
  // Every field's rows, in order (an entry's place tells its field and row): their chunk, place in it and key (-1: no text).
  const count = fields.length * read.numRows;
  const [chunkOf, indexIn, keys] = [new Int32Array(count), new Int32Array(count), new Int32Array(count).fill(-1)];
  let entry = 0;
  for (const fieldChunks of chunks) {
    fieldChunks.forEach((chunk, place) => {
      for (let index = 0; index < chunk.length; index++, entry++) {
        chunkOf[entry] = place;
        indexIn[entry] = index;
        const start = Number(chunk.valueOffsets[index]);
        if (chunk.getValid(index)) keys[entry] = keyOf(chunk.values, start, Number(chunk.valueOffsets[index + 1]) - start);
      }
    });
  }
  // Each key's first entry, and each entry's next of the same key: filled from the last entry back, so a chain runs in order.
  const first = new Map<number, number>();
  const next = new Int32Array(count).fill(-1);
  for (let at = count - 1; at >= 0; at--) {
    if (keys[at] === -1) continue;
    next[at] = first.get(keys[at]!) ?? -1;
    first.set(keys[at]!, at);
  }
  const [encoder, decoder] = [new TextEncoder(), new TextDecoder('utf-8', { ignoreBOM: true })];
  return (text) => {
    const bytes = encoder.encode(text);
    for (let at = first.get(keyOf(bytes, 0, bytes.length)) ?? -1; at >= 0; at = next[at]!) {
      const field = Math.floor(at / read.numRows);
      const chunk = chunks[field]![chunkOf[at]!]!;
      const start = Number(chunk.valueOffsets[indexIn[at]!]);
      const end = Number(chunk.valueOffsets[indexIn[at]! + 1]);
      if (end - start === bytes.length && decoder.decode(chunk.values.subarray(start, end)) === text) return { column: fields[field]![0], row: at - field * read.numRows };
    }
    return undefined;
  };
}

/** The ids of a table's rows, by position. */
interface RowIds {
  count: number;
  of(row: number): string;
}

/** A table's rows, by position, each made a plain object the first time it is read. */
interface RowsRead {
  readonly length: number;
  at(row: number): Row;
}

/**
 * `plainRows`, a row at a time: a search reads a few of a history's rows, and making every one
 * at once (their texts decoded) took 0.18 s of a replay of 3,000 tickets among 100,000, and the
 * memory of them all until it ended.
 */
function rowsRead(table: Table, except: string): RowsRead {
  const rowAt = plainRow(table, except);
  const made: Array<Row | undefined> = new Array(table.numRows);
  return {
    length: table.numRows,
    at: (index) => (made[index] ??= rowAt(index)),
  };
}

/**
 * A result's rows as plain objects, read column by column. The rows of LanceDB's `toArray()` are
 * proxies that go through Arrow on every read: copying them into hits was the searcher's largest
 * JavaScript cost in an LLM replay.
 */
function plainRows(table: Table, except?: string): Row[] {
  const rowAt = plainRow(table, except);
  return Array.from({ length: table.numRows }, (_, index) => rowAt(index));
}

/** The row at a position as a plain object, every column but `except`. */
function plainRow(table: Table, except?: string): (index: number) => Row {
  const columns = table.schema.fields.filter((field) => field.name !== except).map((field) => [field.name, table.getChild(field.name)!] as const);
  return (index) => {
    const row: Row = {};
    for (const [name, column] of columns) row[name] = column.get(index);
    return row;
  };
}

/** A knowledge passage as read once from its table: what a hit carries, its validity and kind. */
type Passage = Row & PassageFacts;

export interface SearcherOptions {
  /**
   * The past tickets will be searched by question and by answer (a replay): their rows and vectors
   * are read from the start, on LanceDB's threads, while this one loads the model. Not for a
   * search or two, which may never read them.
   */
  readAhead?: boolean;
  /**
   * A search of past tickets held in memory with their vector index measures every one that existed
   * as asked instead, exactly, when no more than this many did. @default SCANNED_MAX_ROWS, as many
   * as a history searched without an index holds; a test lowers it to take either way on a small history.
   */
  scannedUpTo?: number;
}

/** Opens a workspace's index with the model that built it, for many queries; an index of an earlier import is refused. */
export async function openSearcher(workspace = DEFAULT_WORKSPACE, embedder?: Embedder | Promise<Embedder>, options: SearcherOptions = {}): Promise<Searcher> {
  // A model still loading is awaited once the index is open: failing before that, it fails the wait, not the process.
  if (embedder instanceof Promise) embedder.catch(() => undefined);
  const manifest = await readCurrentManifest(workspace);
  const { lancedb } = await loadLance();
  const db = await lancedb.connect(tablesLocation(workspace, manifest));
  const tables = { knowledge: await db.openTable('knowledge'), tickets: await db.openTable('tickets') };
  const ticketRows = await tables.tickets.countRows();
  const inTurn = createGate(ticketRows > SCANNED_MAX_ROWS && ticketRows <= HELD_MAX_ROWS ? HELD_INDEX_QUERIES_AT_ONCE : QUERIES_AT_ONCE);
  const inMemory = ticketRows <= HELD_MAX_ROWS ? pastTickets(tables.tickets, ticketRows, manifest.dimensions, inTurn, options.scannedUpTo ?? SCANNED_MAX_ROWS) : undefined;
  if (options.readAhead) inMemory?.readAhead();
  const closeTables = async () => {
    await inMemory?.release();
    tables.knowledge.close();
    tables.tickets.close();
    db.close();
  };
  let model: Embedder;
  try {
    model = embedder ? indexModel(await embedder, manifest.modelPath) : await loadEmbedder(manifest.modelPath);
  } catch (error) {
    await closeTables();
    throw error;
  }
  const builtin = manifest.model === 'builtin';
  // A replayed ticket's question is searched several times (tables, modes, candidates): embed it once.
  const embedded = remembering<number[]>(QUERIES_KEPT);
  const embedOne = builtin ? batching((texts: string[]) => model.embed(texts), EMBEDDING_BATCH) : (text: string) => model.embed([text]).then(([vector]) => vector!);
  // Two of a replayed ticket's three queries, searched among the past tickets, are its own
  // question and its agent's reply, indexed with it: the built-in model embeds a short text to the
  // same bits alone or among others, so their indexed vectors are what embedding them again would
  // give, a long one within a float32 step (tokenizing and embedding were a quarter of a
  // 10,000-ticket replay's main thread).
  const indexedVector = builtin ? inMemory?.indexedVector : undefined;
  const embedQuery = (query: string, table: SearchTable): Promise<number[]> =>
    embedded(query, async () => (table === 'tickets' ? await indexedVector?.(query) : undefined) ?? plainVector(await embedOne(embeddingText(query))));

  // Below ANN_MIN_ROWS LanceDB compares a query with every passage (no vector index): it ranks
  // them all once per query, without a filter, and each search keeps the passages its filter
  // would (the knowledge-base and macro candidates search one widened question for other kinds,
  // at another knowledge version). The distances are LanceDB's own.
  const knowledgeRows = await tables.knowledge.countRows();
  let passages: Promise<Map<number, Passage>> | undefined;
  const passagesByRowId = () =>
    (passages ??= inTurn(() => tables.knowledge.query().withRowId().select([...HIT_COLUMNS.knowledge, 'valid_from', 'valid_to']).toArrow()).then((table) => new Map(plainRows(table).map((row) => [Number(row._rowid), row as Passage]))));
  const rankAll = batching(
    async (vectors: number[][]): Promise<Array<Array<{ passage: Passage; distance: number }>>> => {
      // Read while LanceDB ranks them.
      const read = passagesByRowId();
      const query = vectors.slice(1).reduce((built, vector) => built.addQueryVector(vector), tables.knowledge.query().nearestTo(vectors[0]!));
      // LanceDB refuses a limit of 0, which an import without knowledge would ask.
      const ranked = await inTurn(() => query.column('vector').distanceType('cosine').withRowId().select([...SCORE_COLUMNS.vector]).limit(Math.max(knowledgeRows, 1)).toArrow());
      const byRow = await read;
      const [rowIds, distances] = ['_rowid', '_distance'].map((column) => ranked.getChild(column)?.toArray() as ArrayLike<number | bigint> | undefined);
      return rowsByQuery(ranked, vectors.length, (row) => ({ passage: byRow.get(Number(rowIds![row]))!, distance: Number(distances![row]) }));
    },
    RANKING_BATCH,
  );
  // …or by the flat scan, with LanceDB's arithmetic, when it ranks alike (flat-scan.ts): 2.1 ms of CPU a ranking in LanceDB.
  let flatPassages: Promise<{ scan: FlatScan; passages: Passage[] } | undefined> | undefined;
  const flatKnowledge = () =>
    (flatPassages ??= Promise.all([passagesByRowId(), inTurn(() => tables.knowledge.query().withRowId().select(['vector']).toArrow())]).then(async ([byRow, read]) => {
      const vectors = vectorColumn(read, 'vector', manifest.dimensions);
      const passages = Array.from(rowIdsOf(read), (rowId) => byRow.get(Number(rowId))!);
      const scan = openFlatScan(vectors, manifest.dimensions);
      const ids = { count: passages.length, of: (row: number) => String(passages[row]!.id) };
      return (await flatAlike({ table: tables.knowledge, column: 'vector', inTurn }, scan, vectors, ids)) ? { scan, passages } : undefined;
    }));
  const rankings = remembering<Array<{ passage: Passage; distance: number }>>(QUERIES_KEPT);
  /**
   * The `depth` passages nearest `query` of those `existed` keeps. The flat scan measures only
   * those exactly: ranking every passage exactly first, for the searches to filter, was a tenth
   * of a 10,000-ticket replay's main thread.
   */
  const nearestPassages = async (query: string, existed: (passage: Passage) => boolean, depth: number): Promise<Array<{ passage: Passage; distance: number }>> => {
    const [vector, flat] = await Promise.all([embedQuery(query, 'knowledge'), flatKnowledge()]);
    if (flat && !isZero(vector)) return flat.scan.nearest(vector, depth, (row) => existed(flat.passages[row]!)).map(({ row, distance }) => ({ passage: flat.passages[row]!, distance }));
    return (await rankings(query, () => rankAll(vector))).filter(({ passage }) => existed(passage)).slice(0, depth);
  };

  const indexedTicketColumns = new Set((await tables.tickets.listIndices()).flatMap((index) => index.columns));
  const scans = ticketRows >= ANN_MIN_ROWS && ticketRows <= SCANNED_MAX_ROWS ? inMemory : undefined;
  const runs = remembering<Row[]>(RUNS_KEPT);
  /**
   * Tables of under ANN_MIN_ROWS rows held in memory (the passages; the past tickets' hit columns),
   * by their row count: their full-text searches ask LanceDB for every match, unfiltered, and
   * filter those rows here, when the filter keeps most rows (UNFILTERED_FULL_TEXT_SHARE): the rows,
   * order and scores of the filtered query. On the demo, 5.2 → 2.9 ms of CPU a search of past
   * tickets, 2.8 → 1.0 ms of the passages.
   */
  const heldWhole = {
    knowledge: knowledgeRows > 0 && knowledgeRows < ANN_MIN_ROWS ? knowledgeRows : 0,
    tickets: inMemory && ticketRows > 0 && ticketRows < ANN_MIN_ROWS ? ticketRows : 0,
  };
  /** The share of a held table's rows the search's time filter (and kinds) keeps. */
  const existedShare = async (table: SearchTable, options: SearchOptions): Promise<number> => {
    if (table === 'tickets') return inMemory!.knownShare(options);
    const existed = existedAsAsked(options);
    let count = 0;
    for (const passage of (await passagesByRowId()).values()) if (existed(passage)) count++;
    return count / heldWhole.knowledge;
  };
  /** The passage of a LanceDB row id, when it existed as asked. */
  const keptPassages = async (options: SearchOptions): Promise<(rowId: number) => Row | undefined> => {
    const [byRow, existed] = [await passagesByRowId(), existedAsAsked(options)];
    return (rowId) => {
      const passage = byRow.get(rowId)!;
      return existed(passage) ? passage : undefined;
    };
  };
  /** One retriever's rows, best first, without the replayed ticket. */
  const run = async (table: SearchTable, mode: 'vector' | 'fts', query: string, options: SearchOptions, depth: number): Promise<Row[]> => {
    const column = mode === 'fts' ? fullTextColumn(table, options.language) : table === 'tickets' && options.against === 'answer' ? 'answer_vector' : 'vector';
    if (table === 'knowledge' && mode === 'vector' && knowledgeRows < ANN_MIN_ROWS) {
      return (await nearestPassages(query, existedAsAsked(options), depth)).map(({ passage, distance }) => ({ ...passage, _score: 1 - distance }));
    }
    const filter = timeTravelFilter(table, options);
    const excluded = table === 'tickets' ? options.excludeTicketId : undefined;
    // The ticket under replay is dropped from the results rather than filtered in SQL: an
    // `id !=` prefilter scans every row (3 ms at 100k), one extra result costs nothing.
    const limit = (deep: number) => (excluded === undefined ? deep : deep + 1);
    const ticketVectors = table === 'tickets' && mode === 'vector';
    const scanned = ticketVectors ? scans : undefined;
    const exact = ticketVectors && (scanned !== undefined || !indexedTicketColumns.has(column));
    // Without a vector index LanceDB would search flat: done here with its arithmetic, without a query's cost.
    const flat = exact && scanned === undefined ? inMemory : undefined;
    const refined = ticketVectors && !exact ? inMemory : undefined;
    const asked = exact ? Math.max(depth, FLAT_DEPTH) : depth;
    const rows = await runs(JSON.stringify([table, mode, column, query, filter, excluded, asked]), async () => {
      if (scanned) return scanned.nearest(column, await embedQuery(query, table), limit(asked), knownAsAsked(options));
      const found = (await flat?.flatNearest(column, await embedQuery(query, table), limit(asked), knownAsAsked(options))) ?? (await refined?.refinedNearest(column, await embedQuery(query, table), limit(asked), options));
      if (found) return found;
      const share = mode === 'fts' && heldWhole[table] ? await existedShare(table, options) : 0;
      if (share >= UNFILTERED_FULL_TEXT_SHARE) {
        // The best matches, unfiltered, as row ids and scores; the rows and the time filter are applied
        // here, on rows already held (a SQL prefilter and the hit columns were most of the query's cost).
        const kept = table === 'tickets' ? await inMemory!.keptRows(knownAsAsked(options)) : await keptPassages(options);
        const wanted = limit(asked);
        const matches = async (count: number) => {
          const matched = await inTurn(() => tables[table].query().fullTextSearch(fullTextQuery(lancedb, query, column)).withRowId().select([...SCORE_COLUMNS.fts]).limit(count).toArrow());
          const scores = (matched.getChild('_score')?.toArray() ?? new Float32Array(0)) as Float32Array;
          return { every: matched.numRows < count || count === heldWhole[table], found: firstMatches(rowIdsOf(matched), scores, wanted, kept), cut: scores[scores.length - 1] };
        };
        const first = Math.min(heldWhole[table], Math.ceil((wanted / share) * UNFILTERED_CANDIDATES_MARGIN) + FULL_TEXT_PAD);
        const best = await matches(first);
        // Those are the first of every match unless a row at the cut's score was left out.
        const whole = best.every || (best.found.length === wanted && Number(best.found[wanted - 1]!._score) > best.cut!);
        return whole ? best.found : (await matches(heldWhole[table])).found;
      }
      let builder = mode === 'fts' ? tables[table].query().fullTextSearch(fullTextQuery(lancedb, query, column)) : tables[table].query().nearestTo(await embedQuery(query, table)).column(column).distanceType('cosine').nprobes(NPROBES).refineFactor(REFINE_FACTOR);
      if (filter) builder = builder.where(filter);
      // Only what a hit carries: converting the vector columns to JS arrays cost more than the search.
      builder = builder.select([...HIT_COLUMNS[table], ...SCORE_COLUMNS[mode]]);
      const searched = builder.limit(limit(asked));
      return plainRows(await inTurn(() => searched.toArrow()));
    });
    // As LanceDB would have answered a search of this depth: its first rows.
    return rows
      .slice(0, limit(depth))
      .filter((row) => excluded === undefined || String(row.id) !== excluded)
      .slice(0, depth)
      .map((row) => ({ ...row, _score: mode === 'vector' ? 1 - Number(row._distance) : Number(row._score) }));
  };

  const search = async (query: string, options: SearchOptions): Promise<SearchHit[]> => {
    const table = options.table ?? 'knowledge';
    const limit = options.limit ?? 5;
    const hasWords = /[\p{L}\p{N}]/u.test(query);
    const mode = hasWords && options.against !== 'answer' ? (options.mode ?? 'hybrid') : 'vector';
    // Passages of the ticket's language go first: a deeper search keeps enough of them.
    const depth = table === 'knowledge' && options.language ? Math.max(limit * 2, 10) : limit;
    let rows: Row[];
    if (mode !== 'hybrid') rows = await run(table, mode, query, options, depth);
    else {
      // Each retriever's best 2 × depth are fused. Four times, as before, cost a third more
      // (hybrid p50 12.4 against 9.0 ms at 100k tickets: the vector re-ranks 20 × depth
      // candidates) for the same quality within noise: τ² recall@5 / MRR 0.393 / 0.465 against
      // 0.393 / 0.467, Bitext 0.908 / 0.973 against 0.907 / 0.969 (standard error 0.005).
      const fused = Math.max(depth * 2, 10);
      const [vector, words] = await Promise.all([run(table, 'vector', query, options, fused), run(table, 'fts', query, options, fused)]);
      rows = fuse(vector, words, VECTOR_SHARE);
      if (table === 'tickets') rows = byAnswerConsensus(rows as Array<Row & { id: unknown; answer: unknown; _score: unknown }>);
    }
    if (table === 'knowledge') rows = languageFirst(rows, options.language);
    return rows.slice(0, limit).map((row) => {
      const score = Number(row._score);
      return table === 'knowledge'
        ? { table, id: String(row.id), title: String(row.title), text: String(row.text), url: String(row.url), kind: String(row.kind), locale: String(row.locale), score }
        : { table, id: String(row.id), title: String(row.question).split('\n')[0]!, text: String(row.question), answer: String(row.answer), ...(row.personal ? { personal: String(row.personal).split(PERSONAL_SEPARATOR) } : {}), answeredAt: Number(row.known_ms), ...(row.macro ? { macro: String(row.macro) } : {}), score };
    });
  };

  // Knowledge changes only at its passages' valid_from and valid_to: every moment between two of
  // those sees the same knowledge, so tickets of that stretch share a knowledge search. (The macro
  // candidate looks its macro up by name for every ticket: 1,028 searches over 1,118 tickets.)
  let changes: Promise<Float64Array> | undefined;
  const knowledgeVersion = async (at: number): Promise<number> => {
    changes ??= inTurn(() => tables.knowledge.query().select(['valid_from', 'valid_to']).toArrow()).then((table) => new Float64Array(new Set(plainRows(table).flatMap((row) => [Number(row.valid_from), Number(row.valid_to)]))).sort());
    return countBefore(await changes, (change) => change <= at);
  };
  const knowledgeSearches = remembering<SearchHit[]>(KNOWLEDGE_SEARCHES_KEPT);
  /** The question and the answers to the nearest past questions, as one query (each answer's words counted once by full text). */
  const withPastAnswers = async (query: string, options: SearchOptions, count: number): Promise<string> => {
    const past = await search(query, { table: 'tickets', mode: 'vector', limit: count, ...(options.asOf !== undefined && { asOf: options.asOf }), ...(options.excludeTicketId !== undefined && { excludeTicketId: options.excludeTicketId }) });
    return [query, ...past.filter((hit) => hit.score >= PAST_QUESTION_SIMILARITY).flatMap((hit) => hit.answer ?? [])].join('\n');
  };

  return {
    async search(asked, options = {}) {
      const at = options.asOf === undefined ? undefined : new Date(options.asOf).getTime();
      if ((options.table ?? 'knowledge') !== 'knowledge' || Number.isNaN(at)) return search(asked, options);
      const query = at !== undefined && options.pastAnswers ? await withPastAnswers(asked, options, options.pastAnswers) : asked;
      const key = JSON.stringify([query, at === undefined ? 'any time' : await knowledgeVersion(at), options.limit, options.mode, options.kinds, options.language]);
      return (await knowledgeSearches(key, () => search(query, options))).map((hit) => ({ ...hit }));
    },
    async close() {
      await closeTables();
      if (!embedder) await model.dispose();
    },
  };
}
