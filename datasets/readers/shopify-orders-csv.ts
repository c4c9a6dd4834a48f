import { num, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { LineItem, Order } from '../records.ts';
import { column, groupItems, hasColumns } from './_csv-rows.ts';

type Row = Record<string, string>;

function lineItem(row: Row): LineItem | undefined {
  const name = str(column(row, 'Lineitem name'));
  if (!name) return undefined;
  const item: LineItem = { name, quantity: Math.max(0, Math.trunc(num(column(row, 'Lineitem quantity')) ?? 1)) };
  const sku = str(column(row, 'Lineitem sku', 'Lineitem SKU'));
  if (sku) item.sku = sku;
  const price = num(column(row, 'Lineitem price'));
  if (price !== undefined) item.price = price;
  return item;
}

/** The first value any row of the order has: apps that add tracking write it on the fulfilled line. */
function anyRow(rows: Row[], ...names: string[]): string | undefined {
  for (const row of rows) {
    const value = str(column(row, ...names));
    if (value) return value;
  }
  return undefined;
}

function toOrder(name: string, rows: Row[], at: SourceLocation): ReadItem {
  const first = rows[0]!;
  const located = { ...at, id: name };
  const created = column(first, 'Created at');
  const createdAt = toIsoDate(created);
  if (!createdAt) return { type: 'skip', at: located, reason: `missing or unreadable "Created at" (${JSON.stringify(created ?? '')})` };

  const warnings: string[] = [];
  const optionalDate = (label: string, ...names: string[]) => {
    const raw = str(column(first, ...names));
    const iso = toIsoDate(raw);
    if (raw && !iso) warnings.push(`unreadable "${label}" (${JSON.stringify(raw)}) left out`);
    return iso;
  };
  const order: Order = {
    id: name,
    createdAt,
    lineItems: rows.flatMap((row) => lineItem(row) ?? []),
  };
  const fields: Array<[keyof Order, string | number | undefined]> = [
    ['customerEmail', str(column(first, 'Email'))],
    ['customerName', str(column(first, 'Billing Name')) ?? str(column(first, 'Shipping Name'))],
    ['financialStatus', str(column(first, 'Financial Status'))],
    ['fulfillmentStatus', str(column(first, 'Fulfillment Status'))],
    ['fulfilledAt', optionalDate('Fulfilled at', 'Fulfilled at', 'Fulfillment Date')],
    ['cancelledAt', optionalDate('Cancelled at', 'Cancelled at', 'Canceled at')],
    ['currency', str(column(first, 'Currency'))],
    ['total', num(column(first, 'Total'))],
    ['shippingMethod', str(column(first, 'Shipping Method'))],
    // The native export has no tracking; Matrixify-style and hand-joined exports do.
    ['trackingNumber', anyRow(rows, 'Tracking Number', 'Fulfillment: Tracking Number')],
    ['trackingUrl', anyRow(rows, 'Tracking URL', 'Fulfillment: Tracking URL')],
  ];
  for (const [key, value] of fields) {
    if (value !== undefined) (order as unknown as Record<string, unknown>)[key] = value;
  }
  return recordItem('order', order, located, warnings);
}

export const shopifyOrdersCsvReader: Reader = {
  name: 'shopify-orders-csv',
  description: "Shopify's orders export (one row per line item); tracking from Tracking Number/URL columns when present",
  kinds: ['order'],
  detect(probe) {
    return hasColumns(probe.csvHeader, ['Name'], ['Financial Status'], ['Lineitem name']) ? 0.95 : 0;
  },
  read(path, options) {
    return groupItems(path, options, 'Name', '"Name" (the order number)', toOrder);
  },
};
