import { readCsv, type CsvOptions } from '../io/csv.ts';
import { foldText } from '../text/fold.ts';
import type { ReadItem, SourceLocation } from '../reader.ts';

/** Column lookup that tolerates case, spacing and the spellings different export versions use. */
export function column(row: Record<string, string>, ...names: string[]): string | undefined {
  for (const name of names) {
    if (name in row) return row[name];
  }
  const wanted = new Set(names.map(normalizeHeader));
  for (const [key, value] of Object.entries(row)) {
    if (wanted.has(normalizeHeader(key))) return value;
  }
  return undefined;
}

export function normalizeHeader(name: string): string {
  return foldText(name)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** True when every name (in any of the accepted spellings) is in the header. */
export function hasColumns(header: string[] | undefined, ...names: string[][]): boolean {
  if (!header) return false;
  const present = new Set(header.map(normalizeHeader));
  return names.every((spellings) => spellings.some((name) => present.has(normalizeHeader(name))));
}

export type RowGroup<R = Record<string, string>> =
  | { type: 'group'; key: string; rows: R[]; line: number }
  | { type: 'error'; line: number; reason: string };

/**
 * Groups consecutive rows that share a key (Shopify writes one row per line item or variant,
 * with the order or product fields only on the first). A malformed row is passed on as an error,
 * and ends the group it interrupted so that group is still yielded.
 */
export async function* groupRows(
  path: string,
  options: CsvOptions,
  keyOf: (row: Record<string, string>) => string | undefined,
): AsyncGenerator<RowGroup> {
  yield* groupConsecutive(readCsv(path, options), keyOf);
}

/** `groupRows` for rows of any shape (a row as its fields, for one). */
export async function* groupConsecutive<R>(
  items: AsyncIterable<{ type: 'row'; row: R; line: number } | { type: 'error'; line: number; reason: string }>,
  keyOf: (row: R) => string | undefined,
): AsyncGenerator<RowGroup<R>> {
  let current: Extract<RowGroup<R>, { type: 'group' }> | undefined;
  for await (const item of items) {
    if (item.type === 'error') {
      if (current) yield current;
      current = undefined;
      yield item;
      continue;
    }
    const key = keyOf(item.row)?.trim() ?? '';
    if (current && key === current.key) {
      current.rows.push(item.row);
      continue;
    }
    if (current) yield current;
    current = { type: 'group', key, rows: [item.row], line: item.line };
  }
  if (current) yield current;
}

/** One item per group of rows sharing `keyColumn`: a skip for a malformed row or a missing key. */
export async function* groupItems(
  path: string,
  options: CsvOptions,
  keyColumn: string,
  keyLabel: string,
  toItem: (key: string, rows: Record<string, string>[], at: SourceLocation) => ReadItem,
): AsyncGenerator<ReadItem> {
  let record = 0;
  for await (const group of groupRows(path, options, (row) => column(row, keyColumn))) {
    record++;
    const at = { file: path, line: group.line, record };
    if (group.type === 'error') yield { type: 'skip', at, reason: group.reason };
    else if (!group.key) yield { type: 'skip', at, reason: `missing ${keyLabel}` };
    else yield toItem(group.key, group.rows, at);
  }
}
