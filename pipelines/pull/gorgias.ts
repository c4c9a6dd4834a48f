import { accountUrl, basicAuth, fractionOf, required, timeOf } from './common.ts';
import type { HelpdeskSource, Page, PageStream } from './source.ts';

/**
 * Gorgias REST: tickets and messages (read apart, joined on import by `ticket_id`), macros and
 * rules, all with cursor pagination (`cursor`, `limit`, `meta.next_cursor`).
 * https://developers.gorgias.com/reference/pagination-1
 */

const ENV = ['GORGIAS_DOMAIN', 'GORGIAS_EMAIL', 'GORGIAS_API_KEY'] as const;
/** The largest page Gorgias serves. */
const PAGE_SIZE = '100';
/** API-key integrations: 40 requests per 20 s window, refilled as a leaky bucket. */
const REFILL_MS = 20_000 / 40;

interface ListPage {
  data?: Array<{ created_datetime?: string }>;
  meta?: { next_cursor?: string | null };
}

/**
 * A list read from the newest back: it ends with the cursor, or at the first page reaching
 * back before --since (older records on that page stay in the raw page).
 */
function newestFirst(name: string, path: string, dated: boolean): PageStream {
  const query = { limit: PAGE_SIZE, ...(dated && { order_by: 'created_datetime:desc' }) };
  return {
    name,
    first: () => ({ path, query }),
    page({ body }, window): Page {
      const page = body as ListPage;
      const list = Array.isArray(page.data) ? page.data : [];
      const oldest = timeOf(list.at(-1)?.created_datetime);
      const progress = dated ? fractionOf(oldest, window, true) : undefined;
      const result: Page = { records: list.length, ...(progress !== undefined && { progress }) };
      const beforeSince = dated && oldest !== undefined && oldest < window.since;
      if (page.meta?.next_cursor && !beforeSince) result.next = { path, query: { ...query, cursor: page.meta.next_cursor } };
      return result;
    },
  };
}

export const gorgias: HelpdeskSource = {
  name: 'gorgias',
  environment: ENV,
  connect(env) {
    const values = required(env, 'gorgias', ENV);
    const authorization = basicAuth(values.GORGIAS_EMAIL, values.GORGIAS_API_KEY);
    return { baseUrl: accountUrl(values.GORGIAS_DOMAIN, 'gorgias.com', 'GORGIAS_DOMAIN'), headers: { authorization }, secrets: [values.GORGIAS_API_KEY, authorization] };
  },
  streams: [
    newestFirst('tickets', '/api/tickets', true),
    newestFirst('messages', '/api/messages', true),
    newestFirst('macros', '/api/macros', false),
    newestFirst('rules', '/api/rules', false),
  ],
  /** `X-Gorgias-Account-Api-Call-Limit: 12/40`: 28 left; the bucket drips one request back every half second. */
  budget(headers) {
    const match = /^(\d{1,6})\/(\d{1,6})$/.exec(headers.get('x-gorgias-account-api-call-limit')?.trim() ?? '');
    return match ? { remaining: Number(match[2]) - Number(match[1]), refillMs: REFILL_MS } : undefined;
  },
};
