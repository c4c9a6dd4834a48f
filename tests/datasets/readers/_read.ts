import { fileURLToPath } from 'node:url';
import type { ReadItem } from '../../../datasets/reader.ts';
import { readerFor } from '../../../datasets/readers/index.ts';
import { aloneItem } from '../../../pipelines/join.ts';
import { collect } from '../../helpers/temp.ts';

export const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export function read(format: string, path: string, options: { mapping?: unknown; encoding?: string; maxMessageChars?: number } = {}): Promise<ReadItem[]> {
  return collect(readerFor(format).read(path, { maxMessageChars: 100_000, ...options }));
}

/** The records of the read items, of the kind the test expects, as the file imports when read alone. */
export function records<T>(items: ReadItem[]): T[] {
  return items.map(aloneItem).flatMap((item) => (item.type === 'record' ? [item.record as T] : []));
}

/** The skips of the read items, as the file imports when read alone. */
export function skips(items: ReadItem[]): Array<[number | undefined, string]> {
  return items.map(aloneItem).flatMap((item) => (item.type === 'skip' ? [[item.at.line, item.reason] as [number | undefined, string]] : []));
}
