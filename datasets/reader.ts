import type { AuthorRole, Message, RecordKind, RecordOf, Ticket } from './records.ts';

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
} | {
  /** A ticket whose messages may come in another file: joined by id once every file is read. */
  type: 'shell';
  shell: TicketShell;
  at: SourceLocation;
} | {
  /** Messages that came apart from their ticket (a comments page, a messages page, ticket events). */
  type: 'thread';
  thread: ThreadPart;
  at: SourceLocation;
};

/**
 * A ticket from a list that carries no replies (Zendesk's incremental export, Gorgias's
 * `/api/tickets`, Freshdesk's tickets): the messages come from a comments, messages or
 * conversations file, in any order and any folder of the same import.
 */
export interface TicketShell {
  ticket: Omit<Ticket, 'messages'>;
  /** The messages the ticket's own file holds (a description). */
  messages: Message[];
  /** True when the joined messages repeat the ticket's own (Zendesk's first comment is its description). */
  threadRepeatsOwn: boolean;
  /** Ids of the people on the customer side, for messages that name only their author's id. */
  customerIds: string[];
  /** What else to export when no file brings this ticket's messages, in the helpdesk's words. */
  missing: string;
  warnings: string[];
}

/** A message whose role may depend on the ticket it joins: only its author's id is known. */
export type ThreadMessage = Omit<Message, 'role'> & { role?: AuthorRole; authorId?: string };

export interface ThreadPart {
  ticketId: string;
  /** The helpdesk, as in `Ticket.source`. */
  source: string;
  messages: ThreadMessage[];
  /** Customer-side ids this part knows (the requester a ticket-creation event names). */
  customerIds?: string[];
  /** What else to export when the ticket never comes, in the helpdesk's words. */
  missing: string;
  warnings?: string[];
}

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

/** What one input record becomes when it needs no other file: a record, or a skip with its reason. */
export type RecordOrSkip = Extract<ReadItem, { type: 'record' | 'skip' }>;

/** A record item, carrying its warnings only when there are some. */
export function recordItem<K extends RecordKind>(kind: K, record: RecordOf[K], at: SourceLocation, warnings: string[] = []): RecordOrSkip {
  const item = { type: 'record', kind, record, at } as Extract<ReadItem, { type: 'record' }>;
  return warnings.length > 0 ? { ...item, warnings } : item;
}
