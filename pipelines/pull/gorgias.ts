import { accountUrl, basicAuth, fractionOf, required, timeOf } from './common.ts';
import type { HelpdeskSource, Page, PageRequest, PageStream, RecordStream } from './source.ts';

/**
 * Gorgias REST: tickets and messages (read apart, joined on import by `ticket_id`), macros and
 * rules, all with cursor pagination (`cursor`, `limit`, `meta.next_cursor`); then the Help
 * Center API's help centers and their articles, in numbered pages (`page`, `per_page`,
 * `meta.nb_pages`), one list per help center and locale, each article with its translation in
 * that locale.
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

const HELP_CENTERS_PATH = '/api/help-center/help-centers';

interface NumberedPage {
  data?: Array<{ id?: number | string; default_locale?: string; supported_locales?: string[] }>;
  meta?: { page?: number; nb_pages?: number };
}

/** The page after `asked`, while `meta.nb_pages` says there is one (or, without it, while pages come full). */
function nextNumbered(asked: PageRequest, body: NumberedPage): PageRequest | undefined {
  const page = Number(asked.query?.page ?? '1');
  const count = Array.isArray(body.data) ? body.data.length : 0;
  const more = typeof body.meta?.nb_pages === 'number' ? page < body.meta.nb_pages : count > 0 && count >= Number(PAGE_SIZE);
  return more ? { path: asked.path, query: { ...asked.query, page: String(page + 1) } } : undefined;
}

/** `7_fr-FR`: help center 7 in French, the id its articles pages are named after. */
const SEPARATOR = '_';

/** Every help center in each of its locales; the articles are read per help center and locale. */
const helpCenterArticles: RecordStream = {
  name: 'articles',
  first(id) {
    const at = id.indexOf(SEPARATOR);
    const [helpCenter, locale] = at < 0 ? [id, undefined] : [id.slice(0, at), id.slice(at + 1)];
    return { path: `${HELP_CENTERS_PATH}/${encodeURIComponent(helpCenter)}/articles`, query: { page: '1', per_page: PAGE_SIZE, ...(locale && { locale }) } };
  },
  page({ body }, asked) {
    const list = (body as NumberedPage).data;
    const next = nextNumbered(asked, body as NumberedPage);
    return { records: Array.isArray(list) ? list.length : 0, ...(next && { next }) };
  },
};

const helpCenters: PageStream = {
  name: 'help-centers',
  optional: 'the account has no help center, or this user may not read it',
  first: () => ({ path: HELP_CENTERS_PATH, query: { page: '1', per_page: PAGE_SIZE } }),
  page({ body }, _window, asked): Page {
    const list = Array.isArray((body as NumberedPage).data) ? ((body as NumberedPage).data ?? []) : [];
    const ids = list.flatMap(({ id, default_locale: fallback, supported_locales: locales }) => {
      if (id === undefined) return [];
      const all = locales?.length ? locales : fallback ? [fallback] : [];
      return all.length > 0 ? all.map((locale) => `${id}${SEPARATOR}${locale}`) : [String(id)];
    });
    const next = nextNumbered(asked, body as NumberedPage);
    return { records: list.length, ids, ...(next && { next }) };
  },
  perRecord: helpCenterArticles,
};

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
    { ...newestFirst('rules', '/api/rules', false), optional: 'reading rules needs an admin or lead user' },
    helpCenters,
  ],
  /** `X-Gorgias-Account-Api-Call-Limit: 12/40`: 28 left; the bucket drips one request back every half second. */
  budget(headers) {
    const match = /^(\d{1,6})\/(\d{1,6})$/.exec(headers.get('x-gorgias-account-api-call-limit')?.trim() ?? '');
    return match ? { remaining: Number(match[2]) - Number(match[1]), refillMs: REFILL_MS } : undefined;
  },
};
