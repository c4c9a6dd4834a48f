import { ShadowdeskError } from '../../errors.ts';
import { accountUrl, fractionOf, required, timeOf } from './common.ts';
import type { HelpdeskSource, Page, PageStream, PullWindow, Throttle } from './source.ts';

/**
 * Shopify Admin GraphQL (REST is legacy there): orders and products as connections read with
 * `first`/`after` and `pageInfo { hasNextPage endCursor }`, throttled by query cost.
 * https://shopify.dev/docs/api/usage/rate-limits
 */

const ENV = ['SHOPIFY_SHOP', 'SHOPIFY_ADMIN_TOKEN'] as const;
const SHOPIFY_API_VERSION = '2025-01';
const SHOPIFY_GRAPHQL_PATH = `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;
const PAGE_SIZE = 100;

const ORDER_FIELDS = `id name email createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
  customer { id email }
  totalPriceSet { shopMoney { amount currencyCode } }
  lineItems(first: 50) { nodes { title quantity sku } }
  fulfillments(first: 10) { status trackingInfo { company number url } }`;

const PRODUCT_FIELDS = `id title handle status descriptionHtml productType vendor tags createdAt updatedAt onlineStoreUrl
  variants(first: 50) { nodes { id title sku price inventoryQuantity inventoryPolicy inventoryItem { tracked } } }`;

interface Connection {
  nodes?: Array<{ updatedAt?: string }>;
  pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
}

interface GraphqlBody {
  data?: Record<string, Connection | undefined>;
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number } } };
}

const dateFilter = (window: PullWindow) => `updated_at:>='${new Date(window.since).toISOString()}' AND updated_at:<='${new Date(window.until).toISOString()}'`;

function connection(name: 'orders' | 'products', fields: string): PageStream {
  const request = (window: PullWindow, after: string | null) => ({
    path: SHOPIFY_GRAPHQL_PATH,
    body: JSON.stringify({
      query: `query Pull($first: Int!, $after: String, $filter: String) { ${name}(first: $first, after: $after, query: $filter, sortKey: UPDATED_AT) { pageInfo { hasNextPage endCursor } nodes { ${fields} } } }`,
      variables: { first: PAGE_SIZE, after, filter: dateFilter(window) },
    }),
  });
  return {
    name,
    first: (window) => request(window, null),
    page({ body }, window): Page {
      const graphql = body as GraphqlBody;
      const list = graphql.data?.[name];
      if (!list && graphql.errors?.length) {
        const messages = graphql.errors.map((error) => error.message ?? error.extensions?.code ?? 'unknown error').join('; ');
        throw new ShadowdeskError('SD_INPUT_INVALID', `shopify refused the ${name} query: ${messages.slice(0, 300)} (the access token needs the read_${name} scope)`);
      }
      const nodes = Array.isArray(list?.nodes) ? list.nodes : [];
      const progress = fractionOf(timeOf(nodes.at(-1)?.updatedAt), window);
      const result: Page = { records: nodes.length, ...(progress !== undefined && { progress }) };
      if (list?.pageInfo?.hasNextPage && list.pageInfo.endCursor) result.next = request(window, list.pageInfo.endCursor);
      return result;
    },
  };
}

/** Seconds until the bucket holds `cost` points again. */
function refillMs(body: GraphqlBody, cost: number): number {
  const status = body.extensions?.cost?.throttleStatus;
  if (!status?.restoreRate || status.currentlyAvailable === undefined) return 0;
  const missing = cost - status.currentlyAvailable;
  return missing > 0 ? Math.ceil((missing / status.restoreRate) * 1000) : 0;
}

export const shopify: HelpdeskSource = {
  name: 'shopify',
  environment: ENV,
  connect(env) {
    const values = required(env, 'shopify', ENV);
    return {
      baseUrl: accountUrl(values.SHOPIFY_SHOP, 'myshopify.com', 'SHOPIFY_SHOP'),
      headers: { 'x-shopify-access-token': values.SHOPIFY_ADMIN_TOKEN },
      secrets: [values.SHOPIFY_ADMIN_TOKEN],
    };
  },
  streams: [connection('orders', ORDER_FIELDS), connection('products', PRODUCT_FIELDS)],
  /** Queries of this cost the bucket still holds, and the time it takes to hold one more. */
  budget(_headers, body) {
    const graphql = body as GraphqlBody;
    const cost = graphql.extensions?.cost?.requestedQueryCost;
    const status = graphql.extensions?.cost?.throttleStatus;
    if (!cost || !status?.restoreRate || status.currentlyAvailable === undefined) return undefined;
    return { remaining: Math.floor(status.currentlyAvailable / cost), refillMs: Math.ceil((cost / status.restoreRate) * 1000) };
  },
  throttled(body): Throttle | undefined {
    const graphql = body as GraphqlBody;
    if (!graphql.errors?.some((error) => error.extensions?.code === 'THROTTLED')) return undefined;
    return { waitMs: Math.max(1000, refillMs(graphql, graphql.extensions?.cost?.requestedQueryCost ?? 0)), reason: 'THROTTLED: the query cost bucket is empty' };
  },
};
