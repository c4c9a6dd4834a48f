import { fileURLToPath } from 'node:url';
import type { ReadItem } from '../../../datasets/reader.ts';
import { readerFor } from '../../../datasets/readers/index.ts';
import { collect } from '../../helpers/temp.ts';

export const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export function read(format: string, path: string, options: { mapping?: unknown; encoding?: string; maxMessageChars?: number } = {}): Promise<ReadItem[]> {
  return collect(readerFor(format).read(path, { maxMessageChars: 100_000, ...options }));
}

/** The records of the read items, of the kind the test expects. */
export function records<T>(items: ReadItem[]): T[] {
  return items.flatMap((item) => (item.type === 'record' ? [item.record as T] : []));
}

export function skips(items: ReadItem[]): Array<[number | undefined, string]> {
  return items.flatMap((item) => (item.type === 'skip' ? [[item.at.line, item.reason] as [number | undefined, string]] : []));
}
