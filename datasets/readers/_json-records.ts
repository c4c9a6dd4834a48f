import { readJsonRecords } from '../io/json.ts';
import type { ReadItem, SourceLocation } from '../reader.ts';

/** One item per JSON record: a skip for one that is not valid JSON, else what `toItem` makes of it. */
export async function* jsonItems(
  path: string,
  encoding: string | undefined,
  recordKeys: readonly string[],
  toItem: (value: unknown, at: SourceLocation) => ReadItem,
): AsyncGenerator<ReadItem> {
  let record = 0;
  for await (const item of readJsonRecords(path, { recordKeys, encoding })) {
    record++;
    const at = { file: path, line: item.line, record };
    yield item.type === 'error' ? { type: 'skip', at, reason: item.reason } : toItem(item.value, at);
  }
}

