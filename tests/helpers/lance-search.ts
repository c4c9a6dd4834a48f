import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { loadEmbedder, type Embedder } from '../../pipelines/embed/embedder.ts';
import { readCurrentManifest, tablesLocation } from '../../pipelines/index-manifest.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { timeTravelFilter, type SearchOptions } from '../../pipelines/search-tables.ts';
import { indexedWorkspace } from './replay-workspace.ts';

/** A workspace indexed in a folder of its own, its model loaded and its LanceDB tables open: what the searcher is held to. */
export interface IndexedTables {
  workspace: string;
  embedder: Embedder;
  connection: lancedb.Connection;
  tickets: lancedb.Table;
  knowledge: lancedb.Table;
  /** Closes the tables, the connection and the model, and removes the folder. */
  close(): Promise<void>;
}

export async function openIndexedTables(prefix: string, records: readonly object[]): Promise<IndexedTables> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    const workspace = await indexedWorkspace(dir, records);
    const manifest = await readCurrentManifest(workspace);
    const embedder = await loadEmbedder(manifest.modelPath);
    const connection = await lancedb.connect(tablesLocation(workspace, manifest));
    const [tickets, knowledge] = await Promise.all([connection.openTable('tickets'), connection.openTable('knowledge')]);
    return {
      workspace,
      embedder,
      connection,
      tickets,
      knowledge,
      async close() {
        tickets.close();
        knowledge.close();
        connection.close();
        await embedder.dispose();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

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
