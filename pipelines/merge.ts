import type { KnowledgeDoc, Message, Order, RecordKind, RecordOf, Ticket } from '../datasets/records.ts';

/**
 * How two records with the same id become one: an export split over pages that overlap, a
 * ticket exported again after it was reopened, message rows of one ticket spread over a file.
 * Nothing is dropped: messages and tags are united; for single fields, the later record wins
 * where it has a value.
 */

/** Later values win only where they exist: an absent closedAt must not erase a known one. */
function present<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>;
}

function messageKey(message: Message): string {
  return message.id ?? `${message.role}|${message.sentAt}|${message.text}`;
}

function mergeTickets(first: Ticket, later: Ticket): Ticket {
  const messages = new Map<string, Message>();
  for (const message of [...first.messages, ...later.messages]) messages.set(messageKey(message), message);
  return {
    ...first,
    ...present(later),
    createdAt: first.createdAt < later.createdAt ? first.createdAt : later.createdAt,
    customer: { ...first.customer, ...present(later.customer) },
    tags: [...new Set([...first.tags, ...later.tags])],
    messages: [...messages.values()].sort((a, b) => a.sentAt.localeCompare(b.sentAt)),
  };
}

function mergeOrders(first: Order, later: Order): Order {
  return { ...first, ...present(later), lineItems: later.lineItems.length > 0 ? later.lineItems : first.lineItems };
}

function mergeKnowledge(first: KnowledgeDoc, later: KnowledgeDoc): KnowledgeDoc {
  return { ...first, ...present(later) };
}

export function mergeRecords<K extends RecordKind>(kind: K, first: RecordOf[K], later: RecordOf[K]): RecordOf[K] {
  switch (kind) {
    case 'ticket':
      return mergeTickets(first as Ticket, later as Ticket) as RecordOf[K];
    case 'order':
      return mergeOrders(first as Order, later as Order) as RecordOf[K];
    default:
      return mergeKnowledge(first as KnowledgeDoc, later as KnowledgeDoc) as RecordOf[K];
  }
}
