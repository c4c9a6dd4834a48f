import type { Order } from '../../datasets/records.ts';
import { readJsonlLineBytes, recordsFile } from '../../pipelines/workspace.ts';
import { ownString } from './ticket-lines.ts';

/**
 * An order's id and e-mail read from its line in orders.jsonl without parsing it, as ticket-lines.ts
 * reads a ticket's: the replay keeps the orders of the customers it replays and judging the orders
 * answers cite, a few of a history's, and parsing every line was most of a pass (82 MB at 100,000
 * tickets). The import writes `id` first and `customerEmail`, when there is one, right after it;
 * `"customerEmail":` with its quotes unescaped can only be the record's own key. A line in another
 * shape gives undefined: the caller parses it.
 */

const HEAD = /^\{"id":"((?:[^"\\]|\\.)*)"(?:,"customerEmail":"((?:[^"\\]|\\.)*)")?/;

/** A line's keys, to decide on it and drop: they may be slices of the line, which keeping would keep alive. */
export interface OrderLineKeys {
  id: string;
  /** Lower-cased, as orders are matched to customers. */
  email?: string;
}

const EMAIL_KEY = '"customerEmail":';

/** A captured JSON string's value: the capture itself unless it holds an escape (every line's keys are read, 100,000 of them at 100,000 tickets, and few kept). */
function valueOf(captured: string): string {
  return captured.includes('\\') ? ownString(captured) : captured;
}

/** The keys `head` (HEAD's match at the line's start) reads, unless the line holds an e-mail elsewhere. */
function keysOf(head: RegExpExecArray | null, holdsEmailKey: () => boolean): OrderLineKeys | undefined {
  if (!head || (head[2] === undefined && holdsEmailKey())) return undefined;
  return { id: valueOf(head[1]!), ...(head[2] !== undefined && { email: valueOf(head[2]).toLowerCase() }) };
}

export function orderLineKeys(line: string): OrderLineKeys | undefined {
  return keysOf(HEAD.exec(line), () => line.includes(EMAIL_KEY));
}

/** The bytes of a line's start that its keys are read from: an id and an e-mail fit in them. */
const HEAD_BYTES = 256;
const EMAIL_KEY_BYTES = Buffer.from(EMAIL_KEY);

/**
 * orderLineKeys of a line's bytes, decoding only its start. HEAD reads from the line's start and each
 * value ends at its closing quote, so a match there is the whole line's; a value cut off there does
 * not match (an id: undefined; an e-mail: the key is in the line, undefined), and the line is parsed.
 * Decoding every line of orders.jsonl was half a pass (82 MB at 100,000 tickets, the orders of 3,000
 * customers: 421–571 → 255–296 ms).
 */
export function orderLineBytesKeys(line: Buffer): OrderLineKeys | undefined {
  if (line.length <= HEAD_BYTES) return orderLineKeys(line.toString('utf8'));
  return keysOf(HEAD.exec(line.toString('utf8', 0, HEAD_BYTES)), () => line.includes(EMAIL_KEY_BYTES));
}

/**
 * The workspace's orders whose line `wanted` keeps, read from its id and e-mail, parsed; an order
 * whose keys its line's start does not give is parsed too, for the caller to check.
 */
export async function* ordersWhere(workspace: string, wanted: (keys: OrderLineKeys) => boolean): AsyncGenerator<Order> {
  for await (const lines of readJsonlLineBytes(await recordsFile(workspace, 'order'))) {
    // Decoded before the first yield: the views last only until the next read.
    const kept = lines.flatMap((line) => {
      const keys = orderLineBytesKeys(line);
      return !keys || wanted(keys) ? [line.toString('utf8')] : [];
    });
    for (const line of kept) yield JSON.parse(line) as Order;
  }
}
