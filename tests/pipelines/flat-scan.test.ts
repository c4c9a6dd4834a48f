import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Float64, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../datasets/records.ts';
import { Random } from '../../datasets/text/random.ts';
import type { Embedder } from '../../pipelines/embed/embedder.ts';
import { fma32, openFlatScan } from '../../pipelines/flat-scan.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { openRowProducts } from '../../pipelines/vector-scan.ts';
import { fullTextColumn, fullTextQuery, NPROBES, openSearcher, REFINE_FACTOR, timeTravelFilter, type SearchOptions } from '../../pipelines/search-tables.ts';
import { openIndexedTables, ticketsByLanceDb, type IndexedTables } from '../helpers/lance-search.ts';
import { useTempDir } from '../helpers/temp.ts';

/**
 * Below 5,000 past tickets their vector searches are LanceDB's flat search done in JavaScript with
 * its arithmetic: the same rows in the same order at the same distances, to the bit, or the
 * replay's results would change.
 */

const tempDir = useTempDir();

/** a × b + c for 32-bit floats, computed with integers and rounded once to the nearest 32-bit float, ties to even: the reference. */
function exactFma32(a: number, b: number, c: number): number {
  const bits = new DataView(new ArrayBuffer(4));
  /** A 32-bit float as m × 2^e with an integer m. */
  const parts = (value: number): { m: bigint; e: number } => {
    bits.setFloat32(0, value);
    const word = bits.getUint32(0);
    const sign = word >>> 31 ? -1n : 1n;
    const exponent = (word >>> 23) & 0xff;
    const fraction = BigInt(word & 0x7fffff);
    return exponent === 0 ? { m: sign * fraction, e: -149 } : { m: sign * (fraction | 0x800000n), e: exponent - 150 };
  };
  const [x, y, z] = [parts(a), parts(b), parts(c)];
  const product = { m: x.m * y.m, e: x.e + y.e };
  const e = Math.min(product.e, z.e);
  const sum = product.m * 2n ** BigInt(product.e - e) + z.m * 2n ** BigInt(z.e - e);
  if (sum === 0n) return 0;
  const size = sum < 0n ? -sum : sum;
  // The result keeps 24 bits from its leading one, and none below 2^-149.
  const quantum = Math.max(size.toString(2).length - 1 + e - 23, -149);
  let kept = size;
  if (quantum > e) {
    const shift = BigInt(quantum - e);
    kept = size >> shift;
    const rest = size - (kept << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && kept % 2n === 1n)) kept += 1n;
  } else kept = size << BigInt(e - quantum);
  return Math.fround((sum < 0n ? -1 : 1) * Number(kept) * 2 ** quantum);
}

describe('a fused multiply-add in 32-bit floats', () => {
  it('rounds once, also where rounding the double sum first would land halfway and tie the wrong way', () => {
    const a = 1 + 2 ** -12;
    // a × a = 1 + 2^-11 + 2^-24: exactly halfway between two 32-bit floats; a tiny c decides the side.
    expect(fma32(a, a, 2 ** -80)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(fma32(a, a, -(2 ** -80))).toBe(1 + 2 ** -11);
    // Exactly halfway: ties to even.
    expect(fma32(a, a, 0)).toBe(1 + 2 ** -11);
    expect(Math.fround(a * a + 2 ** -80)).toBe(1 + 2 ** -11);
  });

  it('is the exact result rounded once to a 32-bit float (ties to even), over magnitudes from subnormal to large and at halfway points', () => {
    const random = new Random(11);
    const scaled = () => Math.fround((random.next() - 0.5) * 2 ** Math.floor(random.next() * 90 - 70));
    const cases: Array<[number, number, number]> = [];
    for (let index = 0; index < 100_000; index++) cases.push([scaled(), scaled(), scaled()]);
    // Products of the embeddings' sizes, where a sixth of the sums are not exact in a double.
    for (let index = 0; index < 100_000; index++) cases.push([Math.fround(random.next() - 0.5), Math.fround(random.next() - 0.5), Math.fround((random.next() - 0.5) * 4)]);
    // a × a with a = 1 + 2^-k is halfway between two 32-bit floats for k = 12; a c far below decides the side.
    for (let k = 12; k <= 23; k++) for (const c of [0, 2 ** -80, -(2 ** -80), 2 ** -40, -(2 ** -40), 2 ** -24, -(2 ** -24)]) cases.push([1 + 2 ** -k, 1 + 2 ** -k, c]);
    const wrong = cases.filter(([a, b, c]) => fma32(a, b, c) !== exactFma32(a, b, c));
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('is the 32-bit rounding of the exact result for ordinary values', () => {
    const random = new Random(5);
    for (let index = 0; index < 1_000; index++) {
      const [a, b, c] = [random.next() - 0.5, random.next() - 0.5, random.next() - 0.5].map(Math.fround) as [number, number, number];
      expect(fma32(a, b, c)).toBe(Math.fround(a * b + c));
    }
  });
});

describe('the flat scan', () => {
  const DIMENSIONS = 256;
  const COUNT = 600;
  /** Random rows, some repeated word for word (ties), one all zeros (row 5). */
  const vectors = new Float32Array(COUNT * DIMENSIONS);
  const random = new Random(17);
  for (let row = 0; row < COUNT; row++) {
    if (row % 7 === 3) vectors.copyWithin(row * DIMENSIONS, (row - 1) * DIMENSIONS, row * DIMENSIONS);
    else if (row !== 5) for (let index = 0; index < DIMENSIONS; index++) vectors[row * DIMENSIONS + index] = random.next() - 0.5;
  }
  const known = Array.from({ length: COUNT }, (_, row) => 1_000 * ((row * 37) % COUNT));

  it('finds what LanceDB finds under a time filter, in its order, at its distances to the bit, with the rows measured roughly in doubles or by onnxruntime', async () => {
    const db = await lancedb.connect(join(await tempDir(), 'tables'));
    const schema = new Schema([new Field('id', new Utf8(), false), new Field('known_ms', new Float64(), false), new Field('vector', new FixedSizeList(DIMENSIONS, new Field('item', new Float32(), true)), false)]);
    const rows = Array.from({ length: COUNT }, (_, row) => ({ id: `r${row}`, known_ms: known[row], vector: Array.from(vectors.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS)) }));
    const table = await db.createTable('tickets', rows, { schema });
    try {
      const scan = openFlatScan(vectors, DIMENSIONS);
      const products = await openRowProducts(vectors, DIMENSIONS);
      let compared = 0;
      for (const asked of [2, 3, 10, 299, 598]) {
        const query = Array.from(vectors.subarray(asked * DIMENSIONS, (asked + 1) * DIMENSIONS));
        for (const [at, limit] of [
          [known[asked]!, 11],
          [400_000, 2],
          [COUNT * 1_000, 1],
          [COUNT * 1_000, COUNT],
        ] as const) {
          const lance = await table.query().nearestTo(query).column('vector').distanceType('cosine').where(`known_ms < ${at}`).select(['id', '_distance']).limit(limit).toArray();
          const found = scan.nearest(query, limit, (row) => known[row]! < at);
          expect(found.map(({ row, distance }) => [`r${row}`, distance])).toEqual(lance.map((row) => [row.id, row._distance]));
          expect(scan.nearest(query, limit, (row) => known[row]! < at, await products.of(query))).toEqual(found);
          compared += found.length;
        }
      }
      expect(compared).toBeGreaterThan(COUNT);
      // A zero vector has no cosine, asked or stored.
      expect(scan.nearest(Array.from(vectors.subarray(5 * DIMENSIONS, 6 * DIMENSIONS)), 3, () => true)).toEqual([]);
      expect(scan.nearest(Array.from(vectors.subarray(4 * DIMENSIONS, 5 * DIMENSIONS)), 3, (row) => row === 5)).toEqual([]);
      await products.release();
    } finally {
      table.close();
      db.close();
    }
  });
});

const TICKETS = 400;
const hour = (index: number) => new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
const ASKS = ['Where is my order {n}?', 'Can I return the candle from order {n}?', 'Où est ma commande {n} ?', 'Le diffuseur de la commande {n} est arrivé cassé'];
const REPLIES = ['Your order {n} left our warehouse.', 'You can return it within 30 days.', 'Votre commande {n} est partie.', 'Désolés : nous renvoyons un diffuseur.'];

function ticket(index: number): Ticket {
  const kind = (index * 5) % 4;
  const fill = (text: string) => text.replace('{n}', `#ML${10_000 + (index % 40)}`);
  return {
    id: `t${index}`,
    source: 'test',
    createdAt: hour(index),
    closedAt: hour(index + 1),
    channel: 'email',
    language: kind >= 2 ? 'fr' : 'en',
    subject: fill(ASKS[kind]!).slice(0, 30),
    customer: { email: `c${index}@example.com` },
    tags: [],
    messages: [
      { role: 'customer', sentAt: hour(index), text: fill(ASKS[kind]!) },
      { role: 'agent', sentAt: hour(index + 1), text: fill(REPLIES[kind]!) },
    ],
  };
}

/** Versions of a returns policy, a macro, and articles: the knowledge a date sees changes. */
const KNOWLEDGE = [
  { id: 'returns', kind: 'policy', title: 'Returns', body: 'Return a candle within 14 days of delivery for a refund.', updatedAt: hour(0) },
  { id: 'returns', kind: 'policy', title: 'Returns', body: 'Return a candle or a diffuser within 30 days of delivery for a refund.', updatedAt: hour(150) },
  { id: 'retours', kind: 'policy', title: 'Retours', locale: 'fr', body: 'Retournez un diffuseur sous 30 jours pour être remboursé.', updatedAt: hour(100) },
  { id: 'where', kind: 'article', title: 'Where is my order', body: 'Every order ships in 2 days; its tracking link comes by e-mail.' },
  { id: 'commande', kind: 'article', title: 'Où est ma commande', locale: 'fr', body: 'Chaque commande part sous 2 jours ; le lien de suivi arrive par e-mail.' },
  { id: 'broken', kind: 'macro', title: 'Arrived broken', body: 'Sorry, we are sending a new one today.' },
];

describe(`past tickets searched by vector below 5,000 tickets (${TICKETS})`, () => {
  let indexed: IndexedTables;
  let workspace: string;
  let embedder: Embedder;
  let table: lancedb.Table;
  beforeAll(async () => {
    indexed = await openIndexedTables('shadowdesk-flat-scan-', [...Array.from({ length: TICKETS }, (_, index) => ticket(index)), ...KNOWLEDGE]);
    ({ workspace, embedder, tickets: table } = indexed);
  }, 120_000);
  afterAll(() => indexed?.close());

  /** LanceDB's flat search with the SQL time filter, the replayed ticket left out. */
  const byLanceDb = (query: string, column: string, options: SearchOptions) => ticketsByLanceDb(table, embedder, query, column, options);

  it('finds by question and by answer what LanceDB finds, in its order, with its scores, asking LanceDB only to check its arithmetic once', async () => {
    const searcher = await openSearcher(workspace, embedder);
    const vectorQueries = vi.spyOn(lancedb.VectorQuery.prototype, 'toArrow');
    try {
      let searches = 0;
      for (const asked of [3, 41, 200, 399]) {
        const { id, createdAt, messages } = ticket(asked);
        for (const [query, against] of [[messages[0]!.text, 'question'], [messages[1]!.text, 'answer']] as const) {
          for (const limit of [1, 8]) {
            const options: SearchOptions = { table: 'tickets', mode: 'vector', against, asOf: createdAt, excludeTicketId: id, limit };
            const hits = (await searcher.search(query, options)).map((hit) => ({ id: hit.id, score: hit.score }));
            expect(hits, `${query} at ${createdAt}`).toEqual(await byLanceDb(query, against === 'answer' ? 'answer_vector' : 'vector', options));
            expect(hits.every((hit) => Number(hit.id.slice(1)) < asked)).toBe(true);
            searches++;
          }
        }
      }
      // byLanceDb's own queries aside: the searcher asked only its few rows' checks per column.
      expect(vectorQueries.mock.calls.length - searches).toBeLessThanOrEqual(6);
    } finally {
      vectorQueries.mockRestore();
      await searcher.close();
    }
  });

  it('ranks the passages by vector as LanceDB does under the time filter, at its scores, asking it only to check the arithmetic', async () => {
    const searcher = await openSearcher(workspace, embedder);
    const { knowledge } = indexed;
    const vectorQueries = vi.spyOn(lancedb.Query.prototype, 'nearestTo');
    try {
      let compared = 0;
      for (const asked of [3, 120, 230]) {
        // A question of its own at each date: each is a ranking LanceDB would have been asked for.
        for (const [query, kinds] of [
          [`Can I return a candle for a refund? Order ${asked}`, undefined],
          [`Où est ma commande ${asked} ?`, undefined],
          [`Order ${asked} arrived broken`, ['macro'] as const],
        ] as const) {
          const options: SearchOptions = { table: 'knowledge', mode: 'vector', asOf: hour(asked), limit: 3, ...(kinds && { kinds }) };
          const hits = (await searcher.search(query, options)).map((hit) => ({ id: hit.id, score: hit.score }));
          const [vector] = await embedder.embed([embeddingText(query)]);
          const lance = await knowledge.query().nearestTo(Array.from(vector!)).column('vector').distanceType('cosine').where(timeTravelFilter('knowledge', options)!).select(['id', '_distance']).limit(3).toArray();
          expect(hits, `${query} at ${hour(asked)}`).toEqual(lance.map((row) => ({ id: String(row.id), score: 1 - Number(row._distance) })));
          compared += hits.length;
        }
      }
      expect(compared).toBeGreaterThan(10);
      // The reference's own 9 queries aside, LanceDB was asked only the probes, not the 9 rankings.
      expect(vectorQueries.mock.calls.length - 9).toBeLessThanOrEqual(3);
    } finally {
      vectorQueries.mockRestore();
      await searcher.close();
    }
  });

  it('finds by full text the past tickets and passages LanceDB finds under its SQL time filter, in its order, with its scores, asking it without one when the filter keeps most rows', async () => {
    const searcher = await openSearcher(workspace, embedder);
    const filters = vi.spyOn(lancedb.Query.prototype, 'where');
    const limits = vi.spyOn(lancedb.Query.prototype, 'limit');
    try {
      let compared = 0;
      /** Per table, the dates whose searches asked LanceDB with its filter. */
      const filtered = { tickets: new Set<number>(), knowledge: new Set<number>(), macros: new Set<number>() };
      /** The match counts each unfiltered search of past tickets asked LanceDB for. */
      const unfiltered: number[][] = [];
      for (const asked of [3, 41, 120, 230, 399]) {
        const { id, createdAt, messages, language } = ticket(asked);
        for (const [table, query, options] of [
          ['tickets', messages[0]!.text, { language, excludeTicketId: id }],
          ['knowledge', `${messages[0]!.text} return refund délai`, {}],
          ['knowledge', messages[1]!.text, { kinds: ['macro'] }],
        ] as const) {
          for (const limit of [1, 4, 60]) {
            const searched: SearchOptions = { table, mode: 'fts', asOf: createdAt, limit, ...options };
            const filtersBefore = filters.mock.calls.length;
            const limitsBefore = limits.mock.calls.length;
            const hits = (await searcher.search(query, searched)).map((hit) => ({ id: hit.id, score: hit.score }));
            if (filters.mock.calls.length > filtersBefore) filtered['kinds' in options ? 'macros' : table].add(asked);
            if (table === 'tickets' && !filtered.tickets.has(asked)) unfiltered.push(limits.mock.calls.slice(limitsBefore).map(([count]) => count));
            const lance = await indexed[table]
              .query()
              .fullTextSearch(fullTextQuery(lancedb, query, fullTextColumn(table, searched.language)))
              .where(timeTravelFilter(table, searched)!)
              .select(['id', '_score'])
              .limit(limit + 1)
              .toArray();
            const expected = lance.filter((row) => String(row.id) !== searched.excludeTicketId).slice(0, limit).map((row) => ({ id: String(row.id), score: Number(row._score) }));
            expect(hits, `${table} ${query} at ${createdAt}`).toEqual(expected);
            compared += hits.length;
          }
        }
      }
      expect(compared).toBeGreaterThan(20);
      // Where it keeps few rows LanceDB scores otherwise: the search is then its own, filtered.
      expect(filtered).toEqual({ tickets: new Set([3, 41, 120]), knowledge: new Set(), macros: new Set([3, 41, 120, 230, 399]) });
      // The best few matches, and every match only where those held too few of the date's rows or
      // a tie at their cut (60 asked of these word-for-word repeated questions).
      expect(unfiltered.filter((asked) => asked.length === 1 && asked[0]! < TICKETS)).toHaveLength(4);
      expect(unfiltered.filter((asked) => asked.length === 2 && asked[0]! < TICKETS && asked[1] === TICKETS)).toHaveLength(2);
    } finally {
      limits.mockRestore();
      filters.mockRestore();
      await searcher.close();
    }
  });
});

/**
 * Past tickets searched through a vector index (above 50,000 of them, where more than 50,000 existed
 * as asked: `scannedUpTo`, which these tests lower) keep LanceDB's candidates and rank them here, on
 * the held vectors, with its arithmetic, together with every row sharing a candidate's vector: the
 * nearest of those rows by LanceDB's own exact search, whichever of a group of identical questions
 * the index chose. An index is built on the small history itself, so the searcher takes that path
 * on a few hundred rows; its 40 order numbers masked, most questions and answers are word for word
 * another's.
 */
describe(`past tickets searched through a vector index, re-ranked in memory (${TICKETS})`, () => {
  let indexed: IndexedTables;
  beforeAll(async () => {
    indexed = await openIndexedTables('shadowdesk-refine-', [...Array.from({ length: TICKETS }, (_, index) => ticket(index)), ...KNOWLEDGE]);
    // 16 partitions, 5 probed: LanceDB's candidates are a part of the rows, not all of them.
    for (const column of ['vector', 'answer_vector']) await indexed.tickets.createIndex(column, { config: lancedb.Index.ivfRq({ distanceType: 'cosine', numBits: 8, numPartitions: 16 }), replace: true });
  }, 120_000);
  afterAll(() => indexed?.close());

  /** What the searcher should find: LanceDB's own filtered candidates and their twins, ranked by its exact search. */
  const expectedHits = async (query: string, column: 'vector' | 'answer_vector', options: SearchOptions, id: string) => {
    const { embedder, tickets } = indexed;
    const keys = new Map((await tickets.query().select(['id', column]).toArray()).map((row) => [String(row.id), JSON.stringify(Array.from(row[column]))]));
    const [vector] = await embedder.embed([embeddingText(query)]);
    const filter = timeTravelFilter('tickets', options)!;
    const near = () => tickets.query().nearestTo(Array.from(vector!)).column(column).distanceType('cosine');
    const candidates = await near().nprobes(NPROBES).where(filter).select(['id']).limit((options.limit! + 1) * REFINE_FACTOR).toArray();
    const candidateKeys = new Set(candidates.map((row) => keys.get(String(row.id))));
    const withTwins = [...keys].filter(([, key]) => candidateKeys.has(key)).map(([twin]) => `'${twin}'`);
    // Probed partitions may hold no row of the time filter's (the index's training is random): then LanceDB finds nothing, and `IN ()` is not SQL.
    const lance = withTwins.length === 0 ? [] : await near().bypassVectorIndex().where(`${filter} AND id IN (${withTwins.join(', ')})`).select(['id', '_distance']).limit(options.limit! + 1).toArray();
    return { twins: withTwins.length - candidates.length, hits: lance.filter((row) => String(row.id) !== id).slice(0, options.limit).map((row) => ({ id: String(row.id), score: 1 - Number(row._distance) })) };
  };

  it('finds by question and by answer the nearest of LanceDB\'s candidates and their twins, in its order, with its scores, re-ranked without asking LanceDB to', async () => {
    const { workspace, embedder } = indexed;
    const searcher = await openSearcher(workspace, embedder, { scannedUpTo: 0 });
    const refines = vi.spyOn(lancedb.VectorQuery.prototype, 'refineFactor');
    const filters = vi.spyOn(lancedb.VectorQuery.prototype, 'where');
    try {
      let compared = 0;
      let twinsRanked = 0;
      const prefiltered: number[] = [];
      for (const asked of [30, 41, 200, 399]) {
        const { id, createdAt, messages } = ticket(asked);
        for (const [query, column] of [[messages[0]!.text, 'vector'], [messages[1]!.text, 'answer_vector']] as const) {
          for (const limit of [1, 8]) {
            const options: SearchOptions = { table: 'tickets', mode: 'vector', ...(column === 'answer_vector' && { against: 'answer' }), asOf: createdAt, excludeTicketId: id, limit };
            const filtersBefore = filters.mock.calls.length;
            const hits = (await searcher.search(query, options)).map((hit) => ({ id: hit.id, score: hit.score }));
            if (filters.mock.calls.length > filtersBefore) prefiltered.push(asked);
            const expected = await expectedHits(query, column, options, id);
            expect(hits, `${column} ${query} at ${createdAt}`).toEqual(expected.hits);
            compared += hits.length;
            twinsRanked += expected.twins;
          }
        }
      }
      expect(compared).toBeGreaterThan(30);
      expect(twinsRanked).toBeGreaterThan(0);
      // LanceDB re-ranked only the three checks per column. Its candidates were filtered here at the
      // last ticket (the filter keeps nearly every row), by LanceDB at the early ones (a tenth).
      expect(refines.mock.calls.length).toBeLessThanOrEqual(6);
      expect(prefiltered).toContain(30);
      expect(prefiltered).toContain(41);
      expect(prefiltered).not.toContain(399);
    } finally {
      filters.mockRestore();
      refines.mockRestore();
      await searcher.close();
    }
  });

  it('asks LanceDB once for a vector searched again at other times, under a filter keeping every row the later ones keep, and finds at each time what its own filtered search finds', async () => {
    const { workspace, embedder } = indexed;
    const searcher = await openSearcher(workspace, embedder, { scannedUpTo: 0 });
    const { messages } = ticket(200);
    // Late tickets, whose candidates are asked without a filter, then early ones, the later first. The
    // latest's candidates are deep enough for the next two: at most 14 of its rows came after them.
    const times = [399, 390, 386, 130, 90, 60];
    const asked = (at: number) =>
      ([[messages[0]!.text, 'vector'], [messages[1]!.text, 'answer_vector']] as const).map(([query, column]) => ({
        query,
        column,
        options: { table: 'tickets', mode: 'vector', ...(column === 'answer_vector' && { against: 'answer' }), asOf: ticket(at).createdAt, excludeTicketId: ticket(at).id, limit: 3 } satisfies SearchOptions,
      }));
    // Read before the count starts: the hit columns and vectors, and the one check per column.
    for (const { options } of asked(399)) await searcher.search(ticket(5).messages[0]!.text, options);
    const searches = vi.spyOn(lancedb.Query.prototype, 'nearestTo');
    try {
      const queries: number[] = [];
      const found = [];
      for (const at of times) {
        for (const { query, options } of asked(at)) found.push((await searcher.search(query, options)).map((hit) => ({ id: hit.id, score: hit.score })));
        queries.push(searches.mock.calls.length);
      }
      searches.mockRestore();
      const expected = [];
      for (const at of times) for (const { query, column, options } of asked(at)) expected.push((await expectedHits(query, column, options, options.excludeTicketId)).hits);
      expect(found).toEqual(expected);
      // One query a column at the latest ticket, none for the late ones after it; the early ones ask
      // again where too few of the rows found passed their filter.
      expect(queries.slice(0, 3)).toEqual([2, 2, 2]);
      expect(queries.at(-1)).toBeLessThan(2 * times.length - 4);
    } finally {
      searches.mockRestore();
      await searcher.close();
    }
  });

  it('asks LanceDB once for the candidates of early tickets searched together, under the loosest of their time filters, and finds for each what its own filtered search finds', async () => {
    const { workspace, embedder } = indexed;
    const searcher = await openSearcher(workspace, embedder, { scannedUpTo: 0 });
    // Tickets written apart, when a tenth to a third of the history existed: each keeps fewer rows than the next.
    const early = [40, 55, 70, 90, 110, 130];
    const asked = early.flatMap((index) => {
      const { id, createdAt, messages } = ticket(index);
      return [
        { id, query: messages[0]!.text, column: 'vector' as const, options: { table: 'tickets', mode: 'vector', asOf: createdAt, excludeTicketId: id, limit: 3 } satisfies SearchOptions },
        { id, query: messages[1]!.text, column: 'answer_vector' as const, options: { table: 'tickets', mode: 'vector', against: 'answer', asOf: createdAt, excludeTicketId: id, limit: 3 } satisfies SearchOptions },
      ];
    });
    // Read before the count starts: the hit columns and vectors, and the one check per column.
    await searcher.search(asked[0]!.query, asked[0]!.options);
    await searcher.search(asked[1]!.query, asked[1]!.options);
    const filters = vi.spyOn(lancedb.VectorQuery.prototype, 'where');
    try {
      const found = await Promise.all(asked.map(({ query, options }) => searcher.search(query, options)));
      const bounds = filters.mock.calls.map(([filter]) => String(filter));
      filters.mockRestore();
      for (const [index, { id, query, column, options }] of asked.entries()) {
        expect(found[index]!.map((hit) => ({ id: hit.id, score: hit.score })), `${column} ${query} at ${options.asOf}`).toEqual((await expectedHits(query, column, options, id)).hits);
      }
      // One query a column for the ten searches after the first ticket's, under the latest ticket's
      // filter (and one alone for a search too few of whose rows passed, which the index's random
      // training may leave), where each search was a query of its own.
      expect(bounds.filter((bound) => bound === timeTravelFilter('tickets', { asOf: ticket(130).createdAt })).length).toBeGreaterThanOrEqual(2);
      expect(bounds.length).toBeLessThan(asked.length / 2);
    } finally {
      filters.mockRestore();
      await searcher.close();
    }
  });

  it('measures every past ticket that existed, as LanceDB\'s flat search does, where no more than `scannedUpTo` did, asking LanceDB nothing', async () => {
    const { workspace, embedder, tickets } = indexed;
    const searcher = await openSearcher(workspace, embedder, { scannedUpTo: 150 });
    const asked = (index: number) =>
      ([[ticket(index).messages[0]!.text, 'vector'], [ticket(index).messages[1]!.text, 'answer_vector']] as const).flatMap(([query, column]) =>
        [1, 8].map((limit) => ({ query, column, options: { table: 'tickets', mode: 'vector', ...(column === 'answer_vector' && { against: 'answer' }), asOf: ticket(index).createdAt, excludeTicketId: ticket(index).id, limit } satisfies SearchOptions })),
      );
    // Read before the count starts: the hit columns and vectors, and the one check per column.
    for (const { options } of asked(399)) await searcher.search(ticket(5).messages[0]!.text, options);
    const searches = vi.spyOn(lancedb.Query.prototype, 'nearestTo');
    try {
      const early = [...asked(20), ...asked(75), ...asked(151)];
      const found = await Promise.all(early.map(({ query, options }) => searcher.search(query, options)));
      expect(searches).not.toHaveBeenCalled();
      const late = asked(300);
      const foundLate = [];
      for (const { query, options } of late) foundLate.push(await searcher.search(query, options));
      expect(searches).toHaveBeenCalled();
      searches.mockRestore();
      for (const [index, { query, column, options }] of early.entries()) {
        expect(found[index]!.map((hit) => ({ id: hit.id, score: hit.score })), `${column} ${query} at ${options.asOf}`).toEqual(await ticketsByLanceDb(tickets, embedder, query, column, options, true));
      }
      // Past 150 tickets, LanceDB's candidates through the index, re-ranked as before.
      for (const [index, { query, column, options }] of late.entries()) {
        expect(foundLate[index]!.map((hit) => ({ id: hit.id, score: hit.score })), `${column} ${query} at ${options.asOf}`).toEqual((await expectedHits(query, column, options, options.excludeTicketId)).hits);
      }
    } finally {
      searches.mockRestore();
      await searcher.close();
    }
  });
});
