import { recordItem, type ReadItem, type SourceLocation } from '../reader.ts';
import type { Message, Ticket } from '../records.ts';

/** Pieces every ticket reader shares: ordering messages and turning a draft into an item. */

export function byTime(a: Message, b: Message): number {
  return a.sentAt.localeCompare(b.sentAt);
}

/** A ticket draft with its messages in time order, or a skip when nothing usable is left. */
export function ticketItem(
  draft: Omit<Ticket, 'messages'>,
  messages: Message[],
  at: SourceLocation,
  warnings: string[],
): ReadItem {
  const located = { ...at, id: draft.id };
  const usable = messages.filter((message) => message.text !== '' || message.html);
  if (usable.length === 0) return { type: 'skip', at: located, reason: 'the ticket has no message with any text' };
  return recordItem('ticket', { ...draft, messages: usable.sort(byTime) }, located, warnings);
}

/** The first of several optional values that is present. */
export function firstOf<T>(...values: Array<T | undefined | null>): T | undefined {
  return values.find((value): value is T => value !== undefined && value !== null && value !== '');
}

/** Satisfaction on a 1..5 scale as 0..1. */
export function fromFivePoint(score: unknown): number | undefined {
  return typeof score === 'number' && score >= 1 && score <= 5 ? (score - 1) / 4 : undefined;
}
