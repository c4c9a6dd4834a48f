import type { Order } from '../../datasets/records.ts';
import { readJsonlLines, recordsFile } from '../../pipelines/workspace.ts';
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

export interface OrderLineKeys {
  id: string;
  /** Lower-cased, as orders are matched to customers. */
  email?: string;
}

export function orderLineKeys(line: string): OrderLineKeys | undefined {
  const head = HEAD.exec(line);
  if (!head || (head[2] === undefined && line.includes('"customerEmail":'))) return undefined;
  return { id: ownString(head[1]!), ...(head[2] !== undefined && { email: ownString(head[2]).toLowerCase() }) };
}

/**
 * The workspace's orders whose line `wanted` keeps, read from its id and e-mail, parsed; an order
 * whose line is in another shape is parsed too, for the caller to check.
 */
export async function* ordersWhere(workspace: string, wanted: (keys: OrderLineKeys) => boolean): AsyncGenerator<Order> {
  for await (const line of readJsonlLines(await recordsFile(workspace, 'order'))) {
    const keys = orderLineKeys(line);
    if (!keys || wanted(keys)) yield JSON.parse(line) as Order;
  }
}
