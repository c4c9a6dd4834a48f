import type * as lancedb from '@lancedb/lancedb';
import type { Embedder } from '../../pipelines/embed/embedder.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { timeTravelFilter, type SearchOptions } from '../../pipelines/search-tables.ts';

/**
 * What LanceDB's own vector search of past tickets finds for `query` in `column`, with the SQL time
 * filter and the replayed ticket left out: the reference the searcher's own scans are held to.
 * `exact` bypasses any vector index, so every row is compared.
 */
export async function ticketsByLanceDb(table: lancedb.Table, embedder: Embedder, query: string, column: string, options: SearchOptions, exact = false): Promise<Array<{ id: string; score: number }>> {
  const [vector] = await embedder.embed([embeddingText(query)]);
  let builder = table.query().nearestTo(Array.from(vector!)).column(column).distanceType('cosine');
  if (exact) builder = builder.bypassVectorIndex();
  const filter = timeTravelFilter('tickets', options);
  if (filter) builder = builder.where(filter);
  const rows = await builder.select(['id', '_distance']).limit((options.limit ?? 5) + 1).toArray();
  return rows
    .filter((row) => String(row.id) !== options.excludeTicketId)
    .slice(0, options.limit ?? 5)
    .map((row) => ({ id: String(row.id), score: 1 - Number(row._distance) }));
}
