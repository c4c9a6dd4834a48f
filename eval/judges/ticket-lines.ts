import type { Ticket } from '../../datasets/records.ts';
import { ticketHistory } from './history.ts';

/**
 * What a pass over the whole history needs of each ticket (its id, date, whether it can be
 * replayed, whether it was billable), read from its line in tickets.jsonl without parsing it.
 * A million-ticket history is about 2 GB of JSON, which selection, judging and pricing each scan
 * for a run of a few thousand tickets: parsing only the lines they keep makes those scans cheaper.
 *
 * The import writes records with `id`, `source` and `createdAt` first. Inside a JSON string every
 * `"` is escaped, so `"role":"customer"` or `"spam":true` can only be the record's own structure.
 * A line not in that shape, or with an internal note (whose role only the parse tells), is
 * parsed (`ticketLineFacts`) or left to the caller to parse (`ticketLineId` returns undefined).
 */

export interface TicketFacts {
  id: string;
  /** The helpdesk it came from (the reader's name). */
  source: string;
  createdAt: string;
  spam: boolean;
  /** See `replayable`. */
  replayable: boolean;
  /** See `billable` in history.ts. */
  billable: boolean;
}

const HEAD = /^\{"id":"((?:[^"\\]|\\.)*)","source":"((?:[^"\\]|\\.)*)","createdAt":"([^"\\]*)"/;

/**
 * A captured JSON string's value, unescaped and copied: V8 keeps a substring of 13 characters or
 * more as a slice of its parent, so a kept date would keep its whole 2 KB line alive (a 100k
 * selection held 300 MB of lines that way). JSON.parse makes a string of its own.
 */
export function ownString(captured: string): string {
  return JSON.parse(`"${captured}"`) as string;
}

/** The ticket id at the start of a line, or undefined when the line is not in the import's shape. */
export function ticketLineId(line: string): string | undefined {
  const id = HEAD.exec(line)?.[1];
  return id === undefined ? undefined : ownString(id);
}

/** A ticket can be replayed when it has a customer question; spam is not support work. */
export function replayable(ticket: Ticket): boolean {
  return !ticket.spam && ticket.messages.some((message) => message.role === 'customer' && !message.internal);
}

export function ticketFacts(ticket: Ticket): TicketFacts {
  return { id: ticket.id, source: ticket.source, createdAt: ticket.createdAt, spam: ticket.spam === true, replayable: replayable(ticket), billable: ticketHistory(ticket).billable };
}

/** The facts of a ticket from its JSONL line, parsing it only when the line's shape does not tell. */
export function ticketLineFacts(line: string): TicketFacts {
  const head = HEAD.exec(line);
  if (!head || line.includes('"internal":true')) return ticketFacts(JSON.parse(line) as Ticket);
  const spam = line.includes('"spam":true');
  return {
    id: ownString(head[1]!),
    source: ownString(head[2]!),
    createdAt: ownString(head[3]!),
    spam,
    replayable: !spam && line.includes('"role":"customer"'),
    billable: line.includes('"role":"agent"') || line.includes('"role":"system"'),
  };
}
