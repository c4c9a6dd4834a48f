import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../datasets/records.ts';
import type { Embedder } from '../../pipelines/embed/embedder.ts';
import { openSearcher, type SearchOptions } from '../../pipelines/search-tables.ts';
import { openIndexedTables, ticketsByLanceDb, type IndexedTables } from '../helpers/lance-search.ts';

/**
 * From 5,000 past tickets their vector searches scan every row in memory instead of querying
 * LanceDB: they must find what LanceDB's own exact search with the SQL time filter finds.
 */

const TICKETS = 5_200;
const hour = (index: number) => new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
const PRODUCTS = ['candle', 'diffuser', 'soap', 'gift box', 'wax melt', 'room spray', 'matches', 'refill'];
const ASKS = {
  en: ['Where is my {p} order {n}?', 'Can I return the {p} from order {n}?', 'The {p} in order {n} arrived broken', 'How long does the {p} take to ship?'],
  fr: ['Où est ma commande {n} de {p} ?', 'Puis-je retourner le {p} de la commande {n} ?', 'Le {p} de la commande {n} est arrivé cassé', 'Quel délai pour recevoir le {p} ?'],
} as const;
const REPLIES = {
  en: ['Your order {n} left our warehouse; tracking follows by e-mail.', 'You can return it within 30 days: print the label attached.', 'Sorry about that: we are sending a new {p} today.', 'Orders ship within 2 days.'],
  fr: ['Votre commande {n} est partie ; le suivi arrive par e-mail.', 'Vous pouvez le retourner sous 30 jours : imprimez l’étiquette jointe.', 'Désolés : nous renvoyons un {p} aujourd’hui.', 'Les commandes partent sous 2 jours.'],
} as const;

function ticket(index: number): Ticket {
  const language = index % 3 === 0 ? 'fr' : 'en';
  const fill = (text: string) => text.replace('{p}', PRODUCTS[(index * 7) % PRODUCTS.length]!).replace('{n}', `#ML${10_000 + (index % 900)}`);
  const kind = (index * 5) % 4;
  return {
    id: `t${index}`,
    source: 'test',
    createdAt: hour(index),
    closedAt: hour(index + 1),
    channel: 'email',
    language,
    subject: fill(ASKS[language][kind]!).slice(0, 30),
    customer: { email: `c${index}@example.com` },
    tags: [],
    messages: [
      { role: 'customer', sentAt: hour(index), text: fill(ASKS[language][kind]!) },
      { role: 'agent', sentAt: hour(index + 1), text: fill(REPLIES[language][kind]!) },
    ],
  };
}

describe(`past tickets searched by vector from ${TICKETS.toLocaleString('en-US')} tickets`, () => {
  let indexed: IndexedTables;
  let workspace: string;
  let embedder: Embedder;
  let table: lancedb.Table;
  beforeAll(async () => {
    indexed = await openIndexedTables('shadowdesk-search-scan-', Array.from({ length: TICKETS }, (_, index) => ticket(index)));
    ({ workspace, embedder, tickets: table } = indexed);
  }, 120_000);
  afterAll(() => indexed?.close());

  /** LanceDB's own exact search (every row compared, whatever index the column has) with the SQL time filter, the replayed ticket left out. */
  const byLanceDb = (query: string, column: string, options: SearchOptions) => ticketsByLanceDb(table, embedder, query, column, options, true);

  it('finds by question and by answer the tickets LanceDB finds, with its scores, at every date, without a LanceDB vector query (English and French)', async () => {
    const searcher = await openSearcher(workspace, embedder);
    const vectorQueries = vi.spyOn(lancedb.VectorQuery.prototype, 'toArrow');
    try {
      let compared = 0;
      let searcherQueries = 0;
      for (const asked of [40, 1_000, 2_501, 5_199]) {
        const { id, createdAt, messages } = ticket(asked);
        for (const [query, against] of [[messages[0]!.text, 'question'], [messages[1]!.text, 'answer']] as const) {
          for (const limit of [1, 8]) {
            const options: SearchOptions = { table: 'tickets', mode: 'vector', against, asOf: createdAt, excludeTicketId: id, limit };
            const queriesBefore = vectorQueries.mock.calls.length;
            const hits = (await searcher.search(query, options)).map((hit) => ({ id: hit.id, score: hit.score }));
            searcherQueries += vectorQueries.mock.calls.length - queriesBefore;
            const expected = await byLanceDb(query, against === 'answer' ? 'answer_vector' : 'vector', options);
            expect(hits.map((hit) => hit.id).sort(), `${query} at ${createdAt}`).toEqual(expected.map((hit) => hit.id).sort());
            hits.forEach((hit, index) => expect(hit.score).toBeCloseTo(expected[index]!.score, 5));
            expect(hits.every((hit) => Number(hit.id.slice(1)) < asked)).toBe(true);
            compared += hits.length;
          }
        }
      }
      expect(compared).toBeGreaterThan(50);
      expect(searcherQueries).toBe(0);
    } finally {
      vectorQueries.mockRestore();
      await searcher.close();
    }
  });
});
