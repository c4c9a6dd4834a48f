import * as lancedb from '@lancedb/lancedb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KnowledgeDoc, KnowledgeKind, Ticket } from '../../datasets/records.ts';
import type { Embedder } from '../../pipelines/embed/embedder.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { existedAsAsked, openSearcher, QUERIES_AT_ONCE, timeTravelFilter, type SearchHit, type SearchOptions } from '../../pipelines/search-tables.ts';
import { openIndexedTables, type IndexedTables } from '../helpers/lance-search.ts';
import { indexedWorkspace } from '../helpers/replay-workspace.ts';
import { useTempDir } from '../helpers/temp.ts';

/**
 * Searches shared within a searcher: a knowledge table small enough to be scanned whole is ranked
 * once per query and each search keeps what its time filter and kinds would, and a search asked
 * again (the past answers that widen a question, the macro's fallback) is not run again. Both
 * must return exactly what LanceDB's own filtered search returns.
 */

const day = (date: string, hour = 9) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00.000Z`).toISOString();

const doc = (id: string, kind: KnowledgeKind, locale: string, title: string, body: string, updatedAt?: string): KnowledgeDoc => ({ id, kind, locale, title, body, ...(updatedAt && { updatedAt }) });

const KNOWLEDGE: KnowledgeDoc[] = [
  doc('returns-en', 'policy', 'en-GB', 'Returns', 'You can return an item within 14 days of delivery. Returns are free.', '2024-11-01T00:00:00.000Z'),
  doc('returns-en', 'policy', 'en-GB', 'Returns', 'You can return an item within 30 days of delivery. Returns are free.', '2025-01-15T00:00:00.000Z'),
  doc('returns-fr', 'policy', 'fr-FR', 'Retours', 'Vous pouvez retourner un article sous 14 jours après la livraison. Le retour est gratuit.', '2024-11-01T00:00:00.000Z'),
  doc('returns-fr', 'policy', 'fr-FR', 'Retours', 'Vous pouvez retourner un article sous 30 jours après la livraison. Le retour est gratuit.', '2025-01-15T00:00:00.000Z'),
  doc('care-en', 'article', 'en-GB', 'Candle care', 'Trim the wick before each burn; the wax should melt to the edges.'),
  doc('care-fr', 'article', 'fr-FR', 'Entretien', 'Coupez la mèche avant chaque utilisation ; la cire doit fondre jusqu’aux bords.'),
  doc('return-macro-en', 'macro', 'en-GB', 'EN - return', 'Hello {{customer.firstname}}, print the return label attached and drop the parcel at a post office.'),
  doc('return-macro-fr', 'macro', 'fr-FR', 'FR - retour', 'Bonjour {{customer.firstname}}, imprimez l’étiquette de retour jointe et déposez le colis à la poste.'),
  doc('escalation', 'internal', 'en-GB', 'Escalation', 'Refunds above 200 euros go to a team lead before they are paid.'),
];

const QUESTIONS = {
  en: ['How many days do I have to return my order?', 'Can I send back the candle I bought?'],
  fr: ['Combien de jours pour retourner ma commande ?', 'Puis-je renvoyer la bougie achetée ?'],
} as const;

/** Returns questions in both languages, answered on consecutive days of January 2025. */
function ticket(index: number): Ticket {
  const language = index % 2 === 0 ? 'en' : 'fr';
  const question = QUESTIONS[language][index % 4 < 2 ? 0 : 1];
  const date = `2025-01-${String(2 + index).padStart(2, '0')}`;
  return {
    id: `t${index}`,
    source: 'test',
    createdAt: day(date),
    closedAt: day(date, 15),
    channel: 'email',
    language,
    subject: language === 'en' ? 'Return' : 'Retour',
    customer: { email: `c${index}@example.com` },
    tags: [],
    messages: [
      { role: 'customer', sentAt: day(date), text: question },
      { role: 'agent', sentAt: day(date, 14), text: language === 'en' ? `You have ${index % 3 === 0 ? 14 : 30} days to return it, free of charge.` : `Vous avez ${index % 3 === 0 ? 14 : 30} jours pour le retourner, gratuitement.` },
    ],
  };
}

const DATES = [day('2024-12-01'), day('2025-01-10'), day('2025-01-15', 0), day('2025-01-20')];
const KINDS: Array<readonly KnowledgeKind[] | undefined> = [undefined, ['macro'], ['article', 'policy', 'product'], ['internal']];

describe('searches shared within a searcher', () => {
  let indexed: IndexedTables;
  let workspace: string;
  let embedder: Embedder;
  let connection: lancedb.Connection;
  let table: lancedb.Table;
  beforeAll(async () => {
    indexed = await openIndexedTables('shadowdesk-search-shared-', [...Array.from({ length: 24 }, (_, index) => ticket(index)), ...KNOWLEDGE]);
    ({ workspace, embedder, connection, knowledge: table } = indexed);
  }, 60_000);
  afterAll(() => indexed?.close());
  const tempDir = useTempDir();
  afterEach(() => vi.restoreAllMocks());

  /** What LanceDB's own search with the SQL time filter returns: the ids and 1 − cosine distance, best first. */
  const filteredByLanceDb = async (query: string, options: SearchOptions) => {
    const [vector] = await embedder.embed([embeddingText(query)]);
    let builder = table.query().nearestTo(Array.from(vector!)).column('vector').distanceType('cosine');
    const filter = timeTravelFilter('knowledge', options);
    if (filter) builder = builder.where(filter);
    const rows = await builder.select(['id', '_distance']).limit(options.limit ?? 5).toArray();
    return rows.map((row) => ({ id: String(row.id), score: 1 - Number(row._distance) }));
  };

  it('returns by vector the passages, in the order and with the scores, of LanceDB’s filtered search, at every date and for every kind (English and French)', async () => {
    const searcher = await openSearcher(workspace, embedder);
    try {
      let compared = 0;
      for (const query of [...QUESTIONS.en, ...QUESTIONS.fr]) {
        for (const asOf of [undefined, ...DATES]) {
          for (const kinds of KINDS) {
            for (const limit of [1, 3, 20]) {
              const options: SearchOptions = { mode: 'vector', limit, ...(asOf && { asOf }), ...(kinds && { kinds }) };
              const hits = await searcher.search(query, options);
              expect(hits.map(({ id, score }) => ({ id, score })), `${query} at ${asOf} for ${kinds}`).toEqual(await filteredByLanceDb(query, options));
              compared += hits.length;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(200);
    } finally {
      await searcher.close();
    }
  });

  it('refuses a model other than the index’s: its vectors would be compared with the index’s', async () => {
    await expect(openSearcher(workspace, { ...embedder, id: `${embedder.id}-other` })).rejects.toThrow(`an embedder of ${embedder.id}-other was given for an index of ${embedder.id}`);
  });

  it('opens while its model is still loading, reading the past tickets meanwhile when asked to, and fails with the model’s own error when it cannot load', async () => {
    const reads = vi.spyOn(lancedb.QueryBase.prototype, 'toArrow');
    let loaded!: (model: Embedder) => void;
    const opening = openSearcher(workspace, new Promise<Embedder>((resolve) => (loaded = resolve)), { readAhead: true });
    // The past tickets' rows are asked for before the model is there.
    await vi.waitFor(() => expect(reads).toHaveBeenCalled());
    loaded(embedder);
    const searcher = await opening;
    // Not asked to (a search or two), a searcher reads nothing until it searches.
    reads.mockClear();
    const ready = await openSearcher(workspace, embedder);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    try {
      for (const query of [...QUESTIONS.en, ...QUESTIONS.fr]) {
        for (const options of [{ table: 'tickets', asOf: day('2025-01-09') }, { table: 'knowledge', asOf: day('2025-01-20') }] satisfies SearchOptions[]) {
          expect(await searcher.search(query, options)).toEqual(await ready.search(query, options));
        }
      }
    } finally {
      await searcher.close();
      await ready.close();
    }
    await expect(openSearcher(workspace, Promise.reject(new Error('the model file is damaged')), { readAhead: true })).rejects.toThrow('the model file is damaged');
  });

  it('ranks the knowledge for questions asked at once without a LanceDB query each, each as LanceDB’s filtered search would (English and French)', async () => {
    const searcher = await openSearcher(workspace, embedder);
    try {
      const asked = [...QUESTIONS.en, ...QUESTIONS.fr].flatMap((query, index) =>
        DATES.map((asOf, date): [string, SearchOptions] => [query, { mode: 'vector', asOf, limit: 3, ...(KINDS[(index + date) % KINDS.length] && { kinds: KINDS[(index + date) % KINDS.length]! }) }]),
      );
      const queries = vi.spyOn(lancedb.QueryBase.prototype, 'toArrow');
      const rankings = vi.spyOn(lancedb.Query.prototype, 'nearestTo');
      const together = await Promise.all(asked.map(([query, options]) => searcher.search(query, options)));
      // Four questions ranked by the flat scan (flat-scan.ts), LanceDB asked only its three probes;
      // the passages and their vectors read once; the knowledge's dates read once.
      expect(rankings.mock.calls.length).toBeLessThanOrEqual(3);
      expect(queries.mock.calls.length).toBeLessThanOrEqual(6);
      queries.mockRestore();
      rankings.mockRestore();
      for (const [index, [query, options]] of asked.entries()) {
        expect(together[index]!.map(({ id, score }) => ({ id, score })), `${query} at ${String(options.asOf)}`).toEqual(await filteredByLanceDb(query, options));
      }
    } finally {
      await searcher.close();
    }
  });

  it('never returns a passage outside its validity: before 15 January the 14-day policy, from then the 30-day one (English and French)', async () => {
    const searcher = await openSearcher(workspace, embedder);
    try {
      for (const [language, query, policy] of [
        ['en', QUESTIONS.en[0], 'returns-en'],
        ['fr', QUESTIONS.fr[0], 'returns-fr'],
      ] as const) {
        const policies = async (asOf: string) => (await searcher.search(query, { mode: 'vector', asOf, language, limit: 20 })).filter((hit) => hit.id.startsWith(`${policy}@`)).map((hit) => hit.text);
        expect(await policies(day('2025-01-14', 23))).toEqual([expect.stringContaining('14')]);
        expect(await policies(day('2025-01-15', 0))).toEqual([expect.stringContaining('30')]);
        expect(await policies(day('2024-10-31'))).toEqual([]);
      }
    } finally {
      await searcher.close();
    }
  });

  it('tests a passage as the SQL filter does: valid from its date included, to the next version’s excluded, of the kinds asked', () => {
    const passage = { valid_from: Date.parse('2025-01-15T00:00:00.000Z'), valid_to: Date.parse('2025-02-01T00:00:00.000Z'), kind: 'policy' };
    expect(existedAsAsked({ asOf: '2025-01-15T00:00:00.000Z' })(passage)).toBe(true);
    expect(existedAsAsked({ asOf: '2025-01-14T23:59:59.999Z' })(passage)).toBe(false);
    expect(existedAsAsked({ asOf: '2025-02-01T00:00:00.000Z' })(passage)).toBe(false);
    expect(existedAsAsked({ asOf: '2025-01-20T00:00:00.000Z', kinds: ['macro'] })(passage)).toBe(false);
    expect(existedAsAsked({ asOf: '2025-01-20T00:00:00.000Z', kinds: ['article', 'policy'] })(passage)).toBe(true);
    expect(existedAsAsked({})(passage)).toBe(true);
  });

  it('runs a ticket’s past-ticket search, its widening by past answers and the macro’s fallback once between them, each hit as asked alone (English and French)', async () => {
    for (const index of [20, 21]) {
      const replayed = ticket(index);
      const query = `${replayed.subject}\n${replayed.messages[0]!.text}`;
      const asked = { asOf: replayed.createdAt, excludeTicketId: replayed.id, language: replayed.language! };
      const searches: Array<[string, SearchOptions]> = [
        [query, { ...asked, table: 'knowledge', kinds: ['article', 'policy', 'product'], mode: 'vector', limit: 5, pastAnswers: 8 }],
        [query, { ...asked, table: 'tickets', mode: 'vector', limit: 8 }],
        [query, { ...asked, table: 'knowledge', kinds: ['macro'], mode: 'vector', limit: 5, pastAnswers: 8 }],
      ];
      const alone = [];
      for (const [text, options] of searches) {
        const searcher = await openSearcher(workspace, embedder);
        alone.push(await searcher.search(text, options));
        await searcher.close();
      }
      const searcher = await openSearcher(workspace, embedder);
      try {
        const queries = vi.spyOn(lancedb.QueryBase.prototype, 'toArrow');
        const [first] = searches;
        const together = [await searcher.search(first![0], first![1])];
        const firstCost = queries.mock.calls.length;
        for (const [text, options] of searches.slice(1)) together.push(await searcher.search(text, options));
        expect(together).toEqual(alone);
        // The past tickets were searched to widen the first question; the macros ranked with the articles.
        expect(queries.mock.calls.length).toBe(firstCost);
        expect(together[1]!.map((hit) => hit.id)).not.toContain(replayed.id);
        expect(together[1]!.every((hit) => hit.answeredAt! < Date.parse(replayed.createdAt))).toBe(true);
        expect(together[1]!.length).toBeGreaterThan(0);
      } finally {
        await searcher.close();
      }
    }
  });

  it('searches a question’s past tickets by vector once whatever the depths asked, each depth as LanceDB’s own search of that depth, ties included (English and French)', async () => {
    const tickets = await connection.openTable('tickets');
    try {
      // Tickets 20 and 21 were asked, word for word, by four earlier customers each: their distances tie.
      for (const index of [20, 21]) {
        const replayed = ticket(index);
        const query = `${replayed.subject}\n${replayed.messages[0]!.text}`;
        const asked = { asOf: replayed.createdAt, excludeTicketId: replayed.id };
        const [vector] = await embedder.embed([embeddingText(query)]);
        /** LanceDB's own search of this depth under the time filter, the replayed ticket dropped from it: each row as LanceDB gives it. */
        const byLanceDb = async (limit: number) =>
          (await tickets.query().nearestTo(Array.from(vector!)).column('vector').distanceType('cosine').where(timeTravelFilter('tickets', asked)!).select(['id', 'question', 'answer', 'known_ms', '_distance']).limit(limit + 1).toArray())
            .filter((row) => String(row.id) !== replayed.id)
            .slice(0, limit)
            .map((row) => ({ id: String(row.id), text: String(row.question), answer: String(row.answer), answeredAt: Number(row.known_ms), score: 1 - Number(row._distance) }));
        const searcher = await openSearcher(workspace, embedder);
        try {
          const searches = vi.spyOn(lancedb.Query.prototype, 'nearestTo');
          // The past answers widening the question (8), a few neighbours, the past tickets of a hybrid search (10).
          const depths = [8, 1, 3, 10];
          const found = [];
          const asks: number[] = [];
          for (const limit of depths) {
            found.push(await searcher.search(query, { ...asked, table: 'tickets', mode: 'vector', limit }));
            asks.push(searches.mock.calls.length);
          }
          // Only the first depth asks LanceDB, and only to check the flat scan's arithmetic (flat-scan.ts): the others share its search.
          expect(asks[0]).toBeLessThanOrEqual(3);
          expect(new Set(asks).size).toBe(1);
          searches.mockRestore();
          for (const [at, limit] of [...depths, 15].entries()) {
            const hits = found[at] ?? (await searcher.search(query, { ...asked, table: 'tickets', mode: 'vector', limit }));
            expect(hits.map(({ id, text, answer, answeredAt, score }) => ({ id, text, answer, answeredAt, score })), `depth ${limit}`).toEqual(await byLanceDb(limit));
          }
        } finally {
          await searcher.close();
        }
      }
    } finally {
      tickets.close();
    }
  });

  it('searches the past tickets with a replayed ticket’s own question and reply by the vectors indexed for them, the bits embedding them gives, without embedding them again (English and French)', async () => {
    const tickets = await connection.openTable('tickets');
    const embedded: string[] = [];
    const counting: Embedder = { ...embedder, embed: (texts) => (embedded.push(...texts), embedder.embed(texts)) };
    const searcher = await openSearcher(workspace, counting);
    try {
      // What the searcher relies on: every question and answer embedded alone gives, bit for bit, the vector indexed for it.
      const rows = await tickets.query().select(['question', 'answer', 'vector', 'answer_vector']).toArray();
      for (const row of rows) {
        for (const [text, column] of [[row.question, 'vector'], [row.answer, 'answer_vector']] as const) {
          const [alone] = await embedder.embed([embeddingText(String(text))]);
          expect(Array.from(row[column].toArray() as Float32Array), String(text)).toEqual(Array.from(alone!));
        }
      }
      /** LanceDB's own search under the time filter with the text embedded now, the replayed ticket dropped: ids and scores. */
      const byLanceDb = async (text: string, column: string, asked: SearchOptions, limit: number) => {
        const [vector] = await embedder.embed([embeddingText(text)]);
        const found = await tickets.query().nearestTo(Array.from(vector!)).column(column).distanceType('cosine').where(timeTravelFilter('tickets', asked)!).select(['id', '_distance']).limit(limit + 1).toArray();
        return found.filter((row) => String(row.id) !== asked.excludeTicketId).slice(0, limit).map((row) => ({ id: String(row.id), score: 1 - Number(row._distance) }));
      };
      for (const index of [20, 21]) {
        const replayed = ticket(index);
        const question = `${replayed.subject}\n${replayed.messages[0]!.text}`;
        const reply = replayed.messages[1]!.text;
        const asked: SearchOptions = { table: 'tickets', asOf: replayed.createdAt, excludeTicketId: replayed.id };
        const byQuestion = await searcher.search(question, { ...asked, mode: 'vector', limit: 3 });
        const byReply = await searcher.search(reply, { ...asked, against: 'answer', limit: 1 });
        expect(embedded).toEqual([]);
        expect(byQuestion.map(({ id, score }) => ({ id, score }))).toEqual(await byLanceDb(question, 'vector', asked, 3));
        expect(byReply.map(({ id, score }) => ({ id, score }))).toEqual(await byLanceDb(reply, 'answer_vector', asked, 1));
        expect(byQuestion.length).toBeGreaterThan(0);
      }
      // A text no ticket was indexed with is embedded: one of another wording, and one a letter
      // apart from an indexed reply (its second letter: the same length, the key most likely the same).
      const reply = ticket(20).messages[1]!.text;
      const others = ['Where is my parcel?', `${reply[0]}${reply[1] === 'x' ? 'y' : 'x'}${reply.slice(2)}`];
      for (const other of others) await searcher.search(other, { table: 'tickets', against: 'answer', limit: 1 });
      expect(embedded).toEqual(others.map(embeddingText));
    } finally {
      await searcher.close();
      tickets.close();
    }
  });

  it('runs at most QUERIES_AT_ONCE LanceDB queries at once however many tickets search together, each finding what it finds alone (English and French)', async () => {
    const searches = Array.from({ length: 24 }, (_, index): [string, SearchOptions] => {
      const replayed = ticket(index);
      const asked = { asOf: replayed.createdAt, excludeTicketId: replayed.id, language: replayed.language! };
      const widened: SearchOptions = { ...asked, table: 'knowledge', limit: 4, pastAnswers: 8 };
      const asks: SearchOptions[] = [{ ...asked, table: 'tickets', limit: 3 }, { ...widened, mode: 'vector' }, { ...widened, mode: 'fts' }];
      return [`${replayed.subject}\n${replayed.messages[0]!.text}`, asks[index % 3]!];
    });
    // LanceDB's full-text scores differ in their last float32 bit between queries run at once and
    // alone (its code, not the searcher's: seen with every query let through at once too).
    const found = (hits: SearchHit[]) => hits.map((hit) => ({ ...hit, score: Number(hit.score.toPrecision(6)) }));
    const alone = [];
    const apart = await openSearcher(workspace, embedder);
    for (const [query, options] of searches) alone.push(found(await apart.search(query, options)));
    await apart.close();
    const searcher = await openSearcher(workspace, embedder);
    try {
      const original = lancedb.QueryBase.prototype.toArrow;
      let inFlight = 0;
      let most = 0;
      vi.spyOn(lancedb.QueryBase.prototype, 'toArrow').mockImplementation(async function (this: lancedb.Query, ...options) {
        most = Math.max(most, ++inFlight);
        try {
          return await original.apply(this, options);
        } finally {
          inFlight--;
        }
      });
      expect((await Promise.all(searches.map(([query, options]) => searcher.search(query, options)))).map(found)).toEqual(alone);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(QUERIES_AT_ONCE);
    } finally {
      await searcher.close();
    }
  });

  it('embeds the questions asked at once in one run of the built-in model, each found exactly as when asked alone (English and French)', async () => {
    const questions = Array.from({ length: 12 }, (_, index) => `${ticket(index).subject}\n${ticket(index).messages[0]!.text} (${index})`);
    const searches = questions.flatMap((query) => [
      [query, { mode: 'vector', limit: 5 }],
      [query, { table: 'tickets', mode: 'vector', limit: 5 }],
    ] as Array<[string, SearchOptions]>);
    const alone = [];
    const apart = await openSearcher(workspace, embedder);
    for (const [query, options] of searches) alone.push(await apart.search(query, options));
    await apart.close();
    const searcher = await openSearcher(workspace, embedder);
    try {
      const runs = vi.spyOn(embedder, 'embed');
      expect(await Promise.all(searches.map(([query, options]) => searcher.search(query, options)))).toEqual(alone);
      expect(runs.mock.calls.map(([texts]) => texts.length)).toEqual([questions.length]);
    } finally {
      await searcher.close();
    }
  });

  it('keeps searches of other dates and other replayed tickets apart: a later date sees later answers, and the replayed ticket is never returned (English and French)', async () => {
    const searcher = await openSearcher(workspace, embedder);
    try {
      for (const index of [12, 13]) {
        const replayed = ticket(index);
        const query = `${replayed.subject}\n${replayed.messages[0]!.text}`;
        const ids = async (options: SearchOptions) => (await searcher.search(query, { table: 'tickets', mode: 'vector', limit: 30, ...options })).map((hit) => hit.id);
        const asOf = replayed.createdAt;
        const excluding = await ids({ asOf, excludeTicketId: replayed.id });
        const later = await ids({ asOf: ticket(index + 4).createdAt, excludeTicketId: replayed.id });
        const including = await ids({ asOf: ticket(index + 4).createdAt });
        expect(excluding).toHaveLength(index);
        expect(later).toHaveLength(index + 3);
        expect(later).not.toContain(replayed.id);
        expect(including).toContain(replayed.id);
        expect(await ids({ asOf, excludeTicketId: replayed.id })).toEqual(excluding);
      }
    } finally {
      await searcher.close();
    }
  });

  it('finds no knowledge, without failing, in an import without any, and still the past tickets (English and French)', async () => {
    const empty = await indexedWorkspace(await tempDir(), [ticket(0), ticket(1), ticket(2)]);
    // Its own model: fitted on its own three tickets.
    const searcher = await openSearcher(empty);
    try {
      for (const [language, query] of [
        ['en', QUESTIONS.en[0]],
        ['fr', QUESTIONS.fr[0]],
      ] as const) {
        expect(await searcher.search(query, { mode: 'vector', asOf: day('2025-01-10'), language, pastAnswers: 8 })).toEqual([]);
        expect((await searcher.search(query, { table: 'tickets', mode: 'vector', asOf: day('2025-01-10') })).length).toBe(3);
      }
    } finally {
      await searcher.close();
    }
  });
});
