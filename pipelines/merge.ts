import type { KnowledgeDoc, LineItem, Message, Order, RecordKind, RecordOf, Ticket } from '../datasets/records.ts';

/**
 * How two records with the same id become one: an export split over pages that overlap, a
 * ticket exported again after it was reopened, message rows of one ticket spread over a file.
 * Nothing is dropped: messages, tags and line items are united; for a ticket's single fields the
 * later record wins where it has a value, for an order's the first does.
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

function lineItemKey(item: LineItem): string {
  return `${item.name}|${item.sku ?? ''}|${item.price ?? ''}`;
}

/**
 * The same order in two files (an orders CSV and API pages, rows of one order apart in a file):
 * the first file's fields stand, the later one fills the fields the first lacks, and line items
 * are united so none is lost.
 */
function mergeOrders(first: Order, later: Order): Order {
  const lineItems = new Map<string, LineItem>();
  for (const item of [...first.lineItems, ...later.lineItems]) if (!lineItems.has(lineItemKey(item))) lineItems.set(lineItemKey(item), item);
  return { ...later, ...present(first), lineItems: [...lineItems.values()] };
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
