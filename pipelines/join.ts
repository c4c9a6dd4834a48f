import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { ReadItem, RecordOrSkip, SourceLocation, ThreadMessage, ThreadPart, TicketShell } from '../datasets/reader.ts';
import type { Message } from '../datasets/records.ts';
import { ticketItem } from '../datasets/readers/_tickets.ts';

/**
 * Tickets and their messages from separate files (a tickets list, then its comments pages or
 * ticket events), joined by ticket id once every file is read, whatever order the files came in.
 * Both halves wait in a scratch file, read back by place: 100,000 tickets with their comments
 * keep only their places in memory.
 */

/** Byte offset and length of one held value in the scratch file. */
type Place = [number, number];

class Spool {
  private readonly fd: number;
  private size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w+');
  }

  put(value: unknown): Place {
    const bytes = Buffer.from(JSON.stringify(value));
    writeSync(this.fd, bytes, 0, bytes.length, this.size);
    const place: Place = [this.size, bytes.length];
    this.size += bytes.length;
    return place;
  }

  get<T>([offset, length]: Place): T {
    const buffer = Buffer.alloc(length);
    readSync(this.fd, buffer, 0, length, offset);
    return JSON.parse(buffer.toString('utf8')) as T;
  }

  close(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }
}

/** A held record: the index of its file among the import's files, and its place in the scratch file. */
interface Held {
  file: number;
  place: Place;
}

interface HeldShell {
  shell: TicketShell;
  at: SourceLocation;
}

interface HeldThread {
  thread: ThreadPart;
  at: SourceLocation;
}

/** One outcome of the join, charged to the file its record came from. */
export type JoinOutcome =
  | { file: number; kind: 'ticket'; item: RecordOrSkip }
  /** A messages record that found its ticket. */
  | { file: number; kind: 'joined' }
  /** A messages record whose ticket never came; `missing` says what to export. */
  | { file: number; kind: 'orphan'; at: SourceLocation; reason: string; missing: string };

function keyOf(source: string, id: string): string {
  return `${source}\u0000${id}`;
}

/** Comments pages overlap and events repeat a comment: one message per id. */
function uniqueMessages(messages: Message[]): Message[] {
  const byKey = new Map<string, Message>();
  for (const message of messages) byKey.set(message.id ?? `${message.role}|${message.sentAt}|${message.text}`, message);
  return [...byKey.values()];
}

/** A message's role from its author: the requester and the people copied in are the customer side. */
function withRole(message: ThreadMessage, customerIds: ReadonlySet<string>): Message {
  const { authorId, role, ...rest } = message;
  const resolved = role ?? (authorId !== undefined && customerIds.has(authorId) ? 'customer' : 'agent');
  return { ...rest, role: resolved, author: rest.author ?? authorId };
}

/** A ticket with the messages found for it: its own ones when none were, or a skip saying what to export. */
function ticketOf(shell: TicketShell, at: SourceLocation, parts: ThreadPart[]): RecordOrSkip {
  const customerIds = new Set([...shell.customerIds, ...parts.flatMap((part) => part.customerIds ?? [])]);
  const joined = parts.flatMap((part) => part.messages.map((message) => withRole(message, customerIds)));
  const own = joined.length > 0 && shell.threadRepeatsOwn ? [] : shell.messages;
  const warnings = [...shell.warnings, ...parts.flatMap((part) => part.warnings ?? [])];
  const item = ticketItem(shell.ticket, uniqueMessages([...own, ...joined]), at, warnings);
  if (item.type === 'record' || parts.length > 0) return item;
  const found = shell.messages.length === 0 ? 'the ticket has no messages in its file' : item.reason;
  return { ...item, reason: `${found}, and no other file brings its messages: ${shell.missing}` };
}

function orphanReason(thread: ThreadPart, readWhole: boolean): string {
  const count = thread.messages.length;
  const what = count === 1 ? 'its message' : `its ${count} messages`;
  return readWhole
    ? `ticket ${thread.ticketId} was read with its messages embedded: ${what} here ${count === 1 ? 'was' : 'were'} left out, the ticket's own are used`
    : `ticket ${thread.ticketId} is in none of the files read, so ${what} cannot be replayed: ${thread.missing}`;
}

/** What an item becomes when no other file is read with it: a ticket with its own messages, or a skip. */
export function aloneItem(item: ReadItem): RecordOrSkip {
  if (item.type === 'shell') return ticketOf(item.shell, item.at, []);
  if (item.type === 'thread') return { type: 'skip', at: item.at, reason: orphanReason(item.thread, false) };
  return item;
}

export class TicketJoin {
  private readonly spool: Spool;
  private readonly shells = new Map<string, Held[]>();
  private readonly threads = new Map<string, Held[]>();

  constructor(scratchPath: string) {
    this.spool = new Spool(scratchPath);
  }

  addShell(shell: TicketShell, at: SourceLocation, file: number): void {
    this.hold(this.shells, keyOf(shell.ticket.source, shell.ticket.id), { file, place: this.spool.put({ shell, at } satisfies HeldShell) });
  }

  addThread(thread: ThreadPart, at: SourceLocation, file: number): void {
    this.hold(this.threads, keyOf(thread.source, thread.ticketId), { file, place: this.spool.put({ thread, at } satisfies HeldThread) });
  }

  private hold(map: Map<string, Held[]>, key: string, held: Held): void {
    const list = map.get(key);
    if (list) list.push(held);
    else map.set(key, [held]);
  }

  /**
   * Every held record's outcome: each ticket with the messages found for it (its own when none
   * were), then the messages whose ticket never came. `imported` says whether a ticket id was
   * already read whole, with its messages embedded, so those leftovers are told apart.
   */
  *joined(imported: (ticketId: string) => boolean): Generator<JoinOutcome> {
    for (const [key, shells] of this.shells) {
      const threads = (this.threads.get(key) ?? []).map((held) => ({ held, part: this.spool.get<HeldThread>(held.place).thread }));
      this.threads.delete(key);
      for (const held of shells) {
        const { shell, at } = this.spool.get<HeldShell>(held.place);
        yield { file: held.file, kind: 'ticket', item: ticketOf(shell, at, threads.map(({ part }) => part)) };
      }
      for (const { held } of threads) yield { file: held.file, kind: 'joined' };
    }
    for (const threads of this.threads.values()) {
      for (const held of threads) {
        const { thread, at } = this.spool.get<HeldThread>(held.place);
        yield { file: held.file, kind: 'orphan', at: { ...at, id: thread.ticketId }, reason: orphanReason(thread, imported(thread.ticketId)), missing: thread.missing };
      }
    }
    this.shells.clear();
    this.threads.clear();
  }

  close(): void {
    this.spool.close();
  }
}
