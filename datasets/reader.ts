import type { RecordKind, RecordOf } from './records.ts';

/** Where a record came from, precise enough for a support lead to open the file and look. */
export interface SourceLocation {
  file: string;
  /** 1-based line where the record starts, when the format has lines. */
  line?: number;
  /** 1-based position of the record in the file. */
  record?: number;
  /** The record's own id, when it could be read. */
  id?: string;
}

export type ReadItem = {
  [K in RecordKind]: {
    type: 'record';
    kind: K;
    record: RecordOf[K];
    at: SourceLocation;
    /** Things changed on the way in (a truncated 10 MB message, an unparsable date left out). */
    warnings?: string[];
  };
}[RecordKind] | {
  type: 'skip';
  at: SourceLocation;
  reason: string;
};

/** What detection may look at: cheap facts about a path and the start of its content. */
export interface Probe {
  path: string;
  isDirectory: boolean;
  /** Lower-case extension with the dot, e.g. `.csv`; empty for folders. */
  ext: string;
  /** The first 64 KiB, decoded as text (empty for folders). */
  head: string;
  /** For CSV-like files: the header fields, trimmed. */
  csvHeader?: string[];
}

export interface ReadOptions {
  /** Force a text encoding (`utf8`, `win1252`, `latin1`, `utf16le`); detected when absent. */
  encoding?: string;
  /** Force a CSV delimiter; sniffed from the header when absent. */
  delimiter?: string;
  /** Column mapping for the generic CSV reader (see datasets/readers/generic-csv.ts). */
  mapping?: unknown;
  /** Longer message bodies are cut to this many characters, with a warning. */
  maxMessageChars: number;
}

/** One export format. A reader yields exactly one item per input record, so nothing goes uncounted. */
export interface Reader {
  /** The `--format` name. */
  name: string;
  description: string;
  kinds: readonly RecordKind[];
  /** How sure this reader is that it fits the probe, 0 (not mine) to 1 (certain). */
  detect(probe: Probe): number;
  read(path: string, options: ReadOptions): AsyncIterable<ReadItem>;
}

export const DEFAULT_MAX_MESSAGE_CHARS = 100_000;

/** A record item, carrying its warnings only when there are some. */
export function recordItem<K extends RecordKind>(kind: K, record: RecordOf[K], at: SourceLocation, warnings: string[] = []): ReadItem {
  const item = { type: 'record', kind, record, at } as Extract<ReadItem, { type: 'record' }>;
  return warnings.length > 0 ? { ...item, warnings } : item;
}
