import { expect } from 'vitest';
import type { ReadItem } from '../../../datasets/reader.ts';
import { detectReader, probePath } from '../../../datasets/readers/index.ts';
import { SCHEMA_OF } from '../../../datasets/records.ts';

/** Checks every reader owes the importer: one item per input record, numbered in order, and records it accepts. */
export function expectAccounted(items: ReadItem[], inputRecords: number): void {
  expect(items.map((item) => item.at.record)).toEqual(Array.from({ length: inputRecords }, (_, index) => index + 1));
  for (const item of items) {
    if (item.type !== 'record') continue;
    expect(SCHEMA_OF[item.kind].safeParse(item.record).error, `record ${item.at.record}`).toBeUndefined();
    // No key holding undefined: the record is the same before and after a JSONL round trip.
    expect(item.record).toStrictEqual(JSON.parse(JSON.stringify(item.record)));
  }
}

export async function detectedFormat(path: string): Promise<string> {
  return detectReader(await probePath(path)).name;
}

/** A body of 10 MiB, as a pasted attachment or a mail loop leaves in an export. */
export const HUGE_BODY = 'x'.repeat(10 * 1024 * 1024);
