import { accountUrl, basicAuth, budgetOf, fractionOf, required, timeOf } from './common.ts';
import type { HelpdeskSource, Page, PageRequest, PageResponse, PageStream, RecordStream } from './source.ts';

/**
 * Freshdesk v2: tickets updated since a date, page by page (`page`, `per_page`, a `Link` header
 * while more follow), and each ticket's conversations.
 * https://developers.freshdesk.com/api/#list_all_tickets
 */

const ENV = ['FRESHDESK_DOMAIN', 'FRESHDESK_API_KEY'] as const;
const PAGE_SIZE = '100';

/** The `rel="next"` address of a Link header, as a request on the same account. */
export function nextLink(headers: Headers): PageRequest | undefined {
  const link = headers.get('link');
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^<>]{1,2000})>\s*;\s*rel="?next"?/i.exec(part);
    if (!match?.[1]) continue;
    const url = new URL(match[1]);
    return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
  }
  return undefined;
}

const listOf = (body: unknown): Array<{ id?: number | string; updated_at?: string }> => (Array.isArray(body) ? body : []);

const conversations: RecordStream = {
  name: 'conversations',
  first: (id) => ({ path: `/api/v2/tickets/${encodeURIComponent(id)}/conversations`, query: { per_page: PAGE_SIZE, page: '1' } }),
  page: ({ body, headers }: PageResponse): Page => {
    const next = nextLink(headers);
    return { records: listOf(body).length, ...(next && { next }) };
  },
};

const ticketsQuery = (since: string, page: string) => ({ updated_since: since, order_by: 'updated_at', order_type: 'asc', per_page: PAGE_SIZE, page, include: 'description' });

const tickets: PageStream = {
  name: 'tickets',
  first: (window) => ({ path: '/api/v2/tickets', query: ticketsQuery(new Date(window.since).toISOString(), '1') }),
  page({ body, headers }, window) {
    const list = listOf(body);
    const last = list.at(-1);
    const lastTime = timeOf(last?.updated_at);
    const progress = fractionOf(lastTime, window);
    const result: Page = { records: list.length, ids: list.map((ticket) => String(ticket.id)).filter((id) => id !== 'undefined'), ...(progress !== undefined && { progress }) };
    const next = nextLink(headers);
    if (next && !(lastTime !== undefined && lastTime > window.until)) {
      result.next = next;
      // Freshdesk refuses pages past a cap: carry on from the last date seen instead.
      if (last?.updated_at) result.fallback = { path: '/api/v2/tickets', query: ticketsQuery(last.updated_at, '1') };
    }
    return result;
  },
  perRecord: conversations,
};

export const freshdesk: HelpdeskSource = {
  name: 'freshdesk',
  environment: ENV,
  connect(env) {
    const values = required(env, 'freshdesk', ENV);
    // Freshdesk takes the API key as the user name, with any password.
    const authorization = basicAuth(values.FRESHDESK_API_KEY, 'X');
    return { baseUrl: accountUrl(values.FRESHDESK_DOMAIN, 'freshdesk.com', 'FRESHDESK_DOMAIN'), headers: { authorization }, secrets: [values.FRESHDESK_API_KEY, authorization] };
  },
  streams: [tickets],
  /** The limit is per minute, with no reset header: a spent minute waits a minute. */
  budget: (headers) => budgetOf(headers.get('x-ratelimit-remaining'), 60_000),
};
