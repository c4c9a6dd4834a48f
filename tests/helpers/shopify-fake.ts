import { cursorOf, type FakeAccount, type FakeApi, type FakeOptions, type FakeRequest, type FakeReply, json, offsetOf, startFakeApi } from './fake-api.ts';

/**
 * A fake Shopify Admin GraphQL endpoint, as shopify.dev documents it: `orders` and `products`
 * connections read with `first`/`after` and `pageInfo { hasNextPage endCursor }`, filtered by a
 * search `query` on `updated_at`, the `X-Shopify-Access-Token` header, and cost-based throttling
 * (`extensions.cost.throttleStatus`; an empty bucket answers 200 with a THROTTLED error).
 */

export const SHOPIFY_TOKEN = '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';
export const SHOPIFY_PATH = '/admin/api/2025-01/graphql.json';

export interface ShopifyFakeOptions extends FakeOptions {
  /** The leaky bucket of query cost; none when absent. */
  bucket?: { maximum: number; restoreRate: number };
  products?: number;
}

/** What each page costs, whatever its size: close to what Shopify asks for 100 nodes with nested lists. */
const QUERY_COST = 102;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function order(account: FakeAccount, n: number) {
  const created = account.createdAt(n);
  return {
    id: `gid://shopify/Order/${5_000_000 + n}`,
    name: `#${1000 + n}`,
    email: `client${n}@example.com`,
    createdAt: iso(created),
    updatedAt: iso(created + 3_600_000),
    cancelledAt: null,
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: n % 5 === 0 ? 'UNFULFILLED' : 'FULFILLED',
    customer: { id: `gid://shopify/Customer/${700_000 + n}`, email: `client${n}@example.com` },
    totalPriceSet: { shopMoney: { amount: `${(20 + (n % 50)).toFixed(2)}`, currencyCode: 'EUR' } },
    lineItems: { nodes: [{ title: n % 2 === 0 ? 'Pull en laine' : 'Wool sweater', quantity: 1 + (n % 2), sku: `SKU-${n % 30}` }] },
    fulfillments: n % 5 === 0 ? [] : [{ status: 'SUCCESS', trackingInfo: [{ company: 'Colissimo', number: `6A${10_000_000 + n}`, url: `https://tracking.example/6A${10_000_000 + n}` }] }],
  };
}

function product(account: FakeAccount, n: number) {
  return {
    id: `gid://shopify/Product/${9_000_000 + n}`,
    title: n % 2 === 0 ? `Pull en laine ${n}` : `Wool sweater ${n}`,
    handle: `sweater-${n}`,
    status: n % 10 === 0 ? 'DRAFT' : n % 10 === 1 ? 'ARCHIVED' : 'ACTIVE',
    descriptionHtml: '<p>100 % merino.</p>',
    productType: 'Sweater',
    vendor: 'Acme',
    tags: ['hiver'],
    createdAt: iso(account.start),
    updatedAt: iso(account.start + n * 3_600_000),
    onlineStoreUrl: n % 10 === 0 ? null : `https://acme.example/products/sweater-${n}`,
    variants: { nodes: [{ id: `gid://shopify/ProductVariant/${n}1`, title: 'M', sku: `SKU-${n}`, price: '49.00', inventoryQuantity: n % 3 === 0 ? 0 : 12, inventoryPolicy: 'DENY', inventoryItem: { tracked: n % 4 !== 0 } }] },
  };
}

/** The `updated_at:>='…' AND updated_at:<='…'` bounds of a search query. */
function bounds(filter: string | undefined): [number, number] {
  const from = /updated_at:>='([0-9T:.Z-]{10,30})'/.exec(filter ?? '')?.[1];
  const to = /updated_at:<='([0-9T:.Z-]{10,30})'/.exec(filter ?? '')?.[1];
  return [from ? Date.parse(from) : Number.NEGATIVE_INFINITY, to ? Date.parse(to) : Number.POSITIVE_INFINITY];
}

export async function startShopifyFake(account: FakeAccount, options: ShopifyFakeOptions = {}): Promise<FakeApi> {
  const products = options.products ?? 30;
  let available = options.bucket?.maximum ?? 0;
  let filledAt = Date.now();
  const throttleStatus = () => {
    if (!options.bucket) return { maximumAvailable: 2000, currentlyAvailable: 2000 - QUERY_COST, restoreRate: 100 };
    available = Math.min(options.bucket.maximum, available + ((Date.now() - filledAt) / 1000) * options.bucket.restoreRate);
    filledAt = Date.now();
    return { maximumAvailable: options.bucket.maximum, currentlyAvailable: Math.floor(available), restoreRate: options.bucket.restoreRate };
  };

  const route = (request: FakeRequest): FakeReply => {
    if (request.path !== SHOPIFY_PATH || request.method !== 'POST') return json(404, { errors: 'Not Found' });
    const { query, variables } = JSON.parse(request.body) as { query: string; variables: { first: number; after: string | null; filter?: string } };
    const status = throttleStatus();
    if (status.currentlyAvailable < QUERY_COST) {
      return json(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: { cost: { requestedQueryCost: QUERY_COST, actualQueryCost: null, throttleStatus: status } } });
    }
    if (options.bucket) available -= QUERY_COST;
    const name = /\b(orders|products)\(/.exec(query)?.[1];
    if (!name) return json(200, { errors: [{ message: 'Field must have selections', extensions: { code: 'undefinedField' } }] });
    const [from, to] = bounds(variables.filter);
    const all = name === 'orders' ? Array.from({ length: account.tickets }, (_, index) => index + 1).filter((n) => account.createdAt(n) + 3_600_000 >= from && account.createdAt(n) + 3_600_000 <= to) : Array.from({ length: products }, (_, index) => index + 1);
    const start = variables.after ? offsetOf(variables.after, name) : 0;
    if (start === undefined) return json(200, { errors: [{ message: 'Invalid cursor for current pagination sort.', extensions: { code: 'BAD_REQUEST' } }] });
    const end = Math.min(all.length, start + Math.min(250, variables.first));
    const nodes = all.slice(start, end).map((n) => (name === 'orders' ? order(account, n) : product(account, n)));
    return json(200, {
      data: { [name]: { pageInfo: { hasNextPage: end < all.length, endCursor: nodes.length > 0 ? cursorOf(end, name) : null }, nodes } },
      extensions: { cost: { requestedQueryCost: QUERY_COST, actualQueryCost: Math.min(QUERY_COST, 2 + nodes.length), throttleStatus: options.bucket ? throttleStatus() : status } },
    });
  };
  return startFakeApi(
    {
      authorized: (headers) => headers['x-shopify-access-token'] === SHOPIFY_TOKEN,
      unauthorized: json(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }),
      limitHeaders: () => ({}),
      tooManyBody: JSON.stringify({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }),
      expiredCursor: json(200, { errors: [{ message: 'Invalid cursor for current pagination sort.', extensions: { code: 'BAD_REQUEST' } }] }),
      route,
    },
    options,
  );
}
