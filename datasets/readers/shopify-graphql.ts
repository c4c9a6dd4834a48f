import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { readJsonRecords } from '../io/json.ts';
import { num, splitTags, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc, LineItem, Order } from '../records.ts';
import { compact } from './_tickets.ts';

/**
 * Pages of the Shopify Admin GraphQL API as it returns them, `{"data": {"orders": {"edges":
 * [{"node": …}], "pageInfo": …}}}` (or `nodes`), for orders and products: one record per node.
 */

interface Money {
  shopMoney?: { amount?: string | number; currencyCode?: string };
}

interface Connection<T> {
  edges?: Array<{ node?: T }>;
  nodes?: T[];
}

interface LineItemNode {
  name?: string;
  title?: string;
  sku?: string | null;
  quantity?: number;
  originalUnitPriceSet?: Money;
}

interface OrderNode {
  id?: string;
  name?: string;
  email?: string | null;
  createdAt?: string;
  cancelledAt?: string | null;
  displayFinancialStatus?: string | null;
  displayFulfillmentStatus?: string | null;
  currencyCode?: string;
  totalPriceSet?: Money;
  customer?: { firstName?: string | null; lastName?: string | null; displayName?: string | null; email?: string | null } | null;
  shippingLine?: { title?: string | null } | null;
  lineItems?: Connection<LineItemNode>;
  fulfillments?: Array<{ createdAt?: string; trackingInfo?: Array<{ number?: string | null; url?: string | null }> }>;
}

interface VariantNode {
  title?: string;
  sku?: string | null;
  price?: string | number | { amount?: string | number };
  compareAtPrice?: string | number | { amount?: string | number } | null;
  inventoryQuantity?: number | null;
  /** `tracked: false` means Shopify does not count this variant's stock: a quantity of 0 says nothing. */
  inventoryItem?: { tracked?: boolean } | null;
  selectedOptions?: Array<{ name?: string; value?: string }>;
}

interface ProductNode {
  id?: string;
  handle?: string;
  title?: string;
  descriptionHtml?: string | null;
  description?: string | null;
  vendor?: string | null;
  productType?: string | null;
  status?: string;
  tags?: string[];
  updatedAt?: string;
  onlineStoreUrl?: string | null;
  variants?: Connection<VariantNode>;
}

function nodesOf<T>(connection: Connection<T> | undefined): T[] {
  if (!connection) return [];
  if (Array.isArray(connection.nodes)) return connection.nodes;
  return (connection.edges ?? []).flatMap((edge) => (edge?.node ? [edge.node] : []));
}

function amountOf(value: VariantNode['price'] | Money | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return num(value);
  return 'shopMoney' in value ? num(value.shopMoney?.amount) : num((value as { amount?: string | number }).amount);
}

function lineItemOf(node: LineItemNode): LineItem | undefined {
  const name = str(node.name) ?? str(node.title);
  if (!name) return undefined;
  return compact({ name, sku: str(node.sku), quantity: Math.max(0, Math.trunc(node.quantity ?? 1)), price: amountOf(node.originalUnitPriceSet) });
}

function orderItem(node: OrderNode, at: SourceLocation): ReadItem {
  const id = str(node.name) ?? str(node.id);
  if (!id) return { type: 'skip', at, reason: 'an order without its name (field "name")' };
  const located = { ...at, id };
  const createdAt = toIsoDate(node.createdAt);
  if (!createdAt) return { type: 'skip', at: located, reason: `missing or unreadable creation date (field "createdAt": ${JSON.stringify(node.createdAt ?? null)})` };
  const tracking = (node.fulfillments ?? []).flatMap((fulfillment) => fulfillment.trackingInfo ?? []).find((info) => str(info.number) || str(info.url));
  const customerName = str(node.customer?.displayName) ?? str([node.customer?.firstName, node.customer?.lastName].filter(Boolean).join(' '));
  const order: Order = compact({
    id,
    customerEmail: str(node.email) ?? str(node.customer?.email),
    customerName,
    createdAt,
    financialStatus: str(node.displayFinancialStatus)?.toLowerCase(),
    fulfillmentStatus: str(node.displayFulfillmentStatus)?.toLowerCase(),
    fulfilledAt: toIsoDate(node.fulfillments?.[0]?.createdAt),
    cancelledAt: toIsoDate(node.cancelledAt),
    currency: str(node.currencyCode) ?? str(node.totalPriceSet?.shopMoney?.currencyCode),
    total: amountOf(node.totalPriceSet),
    trackingNumber: str(tracking?.number),
    trackingUrl: str(tracking?.url),
    shippingMethod: str(node.shippingLine?.title),
    lineItems: nodesOf(node.lineItems).flatMap((item) => lineItemOf(item) ?? []),
  });
  return recordItem('order', order, located);
}

/** A variant in a customer's words; no stock claim when Shopify does not track its stock. */
function variantLine(variant: VariantNode): string {
  const options = (variant.selectedOptions ?? [])
    .filter((option) => str(option.value) && option.value !== 'Default Title')
    .map((option) => `${option.name}: ${option.value}`)
    .join(' / ');
  const price = amountOf(variant.price);
  const compareAt = amountOf(variant.compareAtPrice);
  const tracked = variant.inventoryItem?.tracked !== false;
  const parts = [
    options,
    str(variant.sku) && `SKU ${str(variant.sku)}`,
    price !== undefined && `price ${price.toFixed(2)}${compareAt !== undefined && compareAt !== price ? ` (was ${compareAt.toFixed(2)})` : ''}`,
    tracked ? typeof variant.inventoryQuantity === 'number' && `${variant.inventoryQuantity} in stock` : 'stock not tracked',
  ].filter(Boolean);
  return `- ${parts.join(' — ')}`;
}

const NOT_FOR_SALE = new Set(['draft', 'archived', 'unlisted']);

function productItem(node: ProductNode, at: SourceLocation): ReadItem {
  const handle = str(node.handle) ?? str(node.id);
  if (!handle) return { type: 'skip', at, reason: 'a product without its handle (field "handle")' };
  const id = `product-${handle}`;
  const located = { ...at, id };
  const status = str(node.status)?.toLowerCase();
  // A draft or archived product is not for sale: a reply must not offer it, so it is no knowledge.
  if (status && NOT_FOR_SALE.has(status)) return { type: 'skip', at: located, reason: `the product is ${status}, not for sale: not knowledge a reply may quote` };
  const description = normalizeWhitespace(htmlToText(node.descriptionHtml ?? node.description ?? ''));
  const facts = [str(node.vendor) && `Vendor: ${str(node.vendor)}`, str(node.productType) && `Type: ${str(node.productType)}`].filter(Boolean).join('\n');
  const variants = nodesOf(node.variants).map(variantLine);
  const body = [description, facts, variants.length > 0 ? `Variants:\n${variants.join('\n')}` : ''].filter((part) => part !== '').join('\n\n');
  const tags = splitTags(node.tags);
  const doc: KnowledgeDoc = compact({
    id,
    kind: 'product' as const,
    title: str(node.title) ?? handle,
    body,
    url: str(node.onlineStoreUrl),
    updatedAt: toIsoDate(node.updatedAt),
    tags: tags.length > 0 ? tags : undefined,
  });
  return recordItem('knowledge', doc, located);
}

async function* readPages(path: string, encoding: string | undefined): AsyncGenerator<ReadItem> {
  let record = 0;
  for await (const page of readJsonRecords(path, { recordKeys: [], encoding })) {
    if (page.type === 'error') {
      yield { type: 'skip', at: { file: path, line: page.line, record: ++record }, reason: page.reason };
      continue;
    }
    const value = page.value as { data?: { orders?: Connection<OrderNode>; products?: Connection<ProductNode> } | null; errors?: Array<{ message?: string }> } | null;
    const data = value?.data;
    if (!data && Array.isArray(value?.errors)) {
      const first = str(value.errors[0]?.message) ?? 'no message';
      yield { type: 'skip', at: { file: path, line: page.line, record: ++record }, reason: `the page holds GraphQL errors instead of data (${first}): fetch it again` };
      continue;
    }
    for (const node of nodesOf(data?.orders)) yield orderItem(node, { file: path, line: page.line, record: ++record });
    for (const node of nodesOf(data?.products)) yield productItem(node, { file: path, line: page.line, record: ++record });
  }
}

export const shopifyGraphqlReader: Reader = {
  name: 'shopify-graphql',
  description:
    'Shopify Admin GraphQL pages of orders (with line items and fulfilment tracking) and products (variants; draft and archived products are left out, ' +
    'untracked stock is said as such), {"data": {"orders"|"products": {"edges"|"nodes": …}}}',
  kinds: ['order', 'knowledge'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const page = /"data"\s*:\s*\{\s*"(orders|products)"\s*:/.test(probe.head);
    return page && (probe.head.includes('"edges"') || probe.head.includes('"nodes"')) ? 0.95 : 0;
  },
  read(path, options) {
    return readPages(path, options.encoding);
  },
};
