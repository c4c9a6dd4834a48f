import { isShadowdeskError, ShadowdeskError } from '../errors.ts';
import { modelLeakReason, refreshIndex, type IndexProgress, type IndexSummary } from './search-index.ts';
import { openSearcher, type SearchHit, type SearchMode, type SearchTable } from './search-tables.ts';
import { readManifest } from './index-manifest.ts';

/**
 * A search as a ticket of a given date would have run it: the time-travel filter on the rows, and
 * vectors from a built-in model fitted only on what existed before that date. An index whose
 * model was fitted later (or on the whole import) is rebuilt first, as `simulate` does before a
 * replay; fitted models are cached, so asking again for the same date refits nothing.
 */

export interface SearchAsOfOptions {
  workspace: string;
  /** A date or time (2025-03-01, 2025-03-01T14:00:00Z); without it, the index as it is. */
  asOf?: string;
  /** @default 'knowledge' */
  table?: SearchTable;
  /** Full text alone (`fts`) reads no vector, so it never rebuilds the index. @default 'hybrid' */
  mode?: SearchMode;
  /** @default 5 */
  limit?: number;
  onIndexProgress?: (progress: IndexProgress) => void;
}

export interface IndexRebuild {
  /** Why the index's model could not serve the date (absent when the index was missing or stale). */
  reason?: string;
  /** The cut-off its model is now fitted before. */
  cutoff: string;
  summary: IndexSummary;
}

export interface SearchAsOfResult {
  hits: SearchHit[];
  /** Set when the index was rebuilt for `asOf`. */
  rebuilt?: IndexRebuild;
}

/** `asOf` as the cut-off the manifest records: one spelling per moment, so the same date finds its model again. */
export function asOfCutoff(asOf: string): string {
  const moment = Date.parse(asOf);
  if (Number.isNaN(moment)) throw new ShadowdeskError('SD_INPUT_INVALID', `--as-of ${asOf}: not a date (use e.g. 2025-03-01 or 2025-03-01T14:00:00Z)`);
  return new Date(moment).toISOString();
}

/** Makes the index's vectors fit for a search as of `asOf` (see the file's comment); undefined when they already were. */
export async function indexForAsOf(workspace: string, asOf: string, onProgress?: (progress: IndexProgress) => void): Promise<IndexRebuild | undefined> {
  const cutoff = asOfCutoff(asOf);
  // A missing or older-format index has no manifest to read a reason from: the rebuild says what it did.
  const before = await readManifest(workspace).catch(() => undefined);
  const summary = await refreshIndex({ workspace, cutoff, ...(onProgress && { onProgress }) }).catch((cause: unknown) => {
    // The fit's own message speaks of replay windows: a search is moved to another date instead.
    if (!isShadowdeskError(cause) || cause.code !== 'SD_NOTHING_IMPORTED') throw cause;
    throw new ShadowdeskError('SD_INPUT_INVALID', `--as-of ${asOf}: nothing in ${workspace} was written before it to fit the built-in model on; search as of a later date, or with --mode fts`, { cause });
  });
  if (summary.upToDate) return undefined;
  const reason = before && modelLeakReason(before, cutoff);
  return { ...(reason && { reason }), cutoff, summary };
}

export async function searchAsOf(query: string, options: SearchAsOfOptions): Promise<SearchAsOfResult> {
  const { workspace, asOf, mode = 'hybrid' } = options;
  // Checked before anything is rebuilt, in every mode.
  const moment = asOf === undefined ? undefined : asOfCutoff(asOf);
  const rebuilt = asOf !== undefined && mode !== 'fts' ? await indexForAsOf(workspace, asOf, options.onIndexProgress) : undefined;
  const searcher = await openSearcher(workspace);
  try {
    const hits = await searcher.search(query, { table: options.table ?? 'knowledge', mode, limit: options.limit ?? 5, ...(moment !== undefined && { asOf: moment }) });
    return { hits, ...(rebuilt && { rebuilt }) };
  } finally {
    await searcher.close();
  }
}
