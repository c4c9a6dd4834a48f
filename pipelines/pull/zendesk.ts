import { accountUrl, basicAuth, budgetOf, fractionOf, required, timeOf } from './common.ts';
import type { HelpdeskSource, Page, PageRequest, PageResponse, PageStream, RecordStream } from './source.ts';

/**
 * Zendesk Support and Guide: the cursor-based incremental ticket export, each ticket's comments,
 * Guide articles with their translations, macros and triggers (the rules).
 * https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
 */

const ENV = ['ZENDESK_SUBDOMAIN', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] as const;
const ZENDESK_EXPORT_PATH = '/api/v2/incremental/tickets/cursor.json';
/** The largest page the export serves. */
const EXPORT_PAGE_SIZE = '1000';
const PAGE_SIZE = '100';

interface ExportPage {
  tickets?: Array<{ id?: number | string; status?: string; updated_at?: string; generated_timestamp?: number }>;
  after_cursor?: string | null;
  end_of_stream?: boolean;
}

interface CursorPage {
  meta?: { has_more?: boolean; after_cursor?: string | null };
}

const listOf = (body: unknown, key: string): Array<{ id?: number | string }> => {
  const value = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(value) ? (value as Array<{ id?: number | string }>) : [];
};

/** Zendesk's cursor pagination (`page[size]`, `meta.has_more`, `meta.after_cursor`), for every list but the export. */
function cursorPage(request: PageRequest, body: unknown, key: string): Page {
  const records = listOf(body, key);
  const meta = (body as CursorPage).meta;
  const page: Page = { records: records.length, ids: records.map((record) => String(record.id)).filter((id) => id !== 'undefined') };
  if (meta?.has_more && meta.after_cursor) page.next = { path: request.path, query: { 'page[size]': PAGE_SIZE, 'page[after]': meta.after_cursor } };
  return page;
}

function cursorList(name: string, path: string, key: string, perRecord?: RecordStream): PageStream {
  const first: PageRequest = { path, query: { 'page[size]': PAGE_SIZE } };
  return { name, first: () => first, page: ({ body }) => cursorPage(first, body, key), ...(perRecord && { perRecord }) };
}

function perRecordList(name: string, pathOf: (id: string) => string, key: string): RecordStream {
  return {
    name,
    first: (id) => ({ path: pathOf(id), query: { 'page[size]': PAGE_SIZE } }),
    page: ({ body }: PageResponse) => {
      const records = listOf(body, key);
      const meta = (body as CursorPage).meta;
      const page: Page = { records: records.length };
      // The next page's path is the one asked for: take it from the link Zendesk gives.
      const next = (body as { links?: { next?: string | null } }).links?.next;
      if (meta?.has_more && meta.after_cursor && next) {
        const url = new URL(next);
        page.next = { path: url.pathname, query: { 'page[size]': PAGE_SIZE, 'page[after]': meta.after_cursor } };
      }
      return page;
    },
  };
}

const comments = perRecordList('comments', (id) => `/api/v2/tickets/${encodeURIComponent(id)}/comments.json`, 'comments');

const ticketsAlone: PageStream = {
  name: 'tickets',
  first: (window) => ({ path: ZENDESK_EXPORT_PATH, query: { start_time: String(Math.floor(window.since / 1000)), per_page: EXPORT_PAGE_SIZE, exclude_deleted: 'true' } }),
  page({ body }, window) {
    const page = body as ExportPage;
    const list = Array.isArray(page.tickets) ? page.tickets : [];
    const last = list.at(-1);
    const lastTime = timeOf(last?.updated_at) ?? timeOf(last?.generated_timestamp);
    const result: Page = {
      records: list.length,
      // A deleted ticket has no comments left to read.
      ids: list.filter((ticket) => ticket.status !== 'deleted' && ticket.id !== undefined).map((ticket) => String(ticket.id)),
      ...(fractionOf(lastTime, window) !== undefined && { progress: fractionOf(lastTime, window) }),
    };
    // The export runs up to now; --until stops it at the first page past that date.
    const pastUntil = lastTime !== undefined && lastTime > window.until;
    if (!page.end_of_stream && page.after_cursor && !pastUntil) {
      result.next = { path: ZENDESK_EXPORT_PATH, query: { cursor: page.after_cursor, per_page: EXPORT_PAGE_SIZE, exclude_deleted: 'true' } };
      if (last?.generated_timestamp !== undefined) {
        result.fallback = { path: ZENDESK_EXPORT_PATH, query: { start_time: String(last.generated_timestamp), per_page: EXPORT_PAGE_SIZE, exclude_deleted: 'true' } };
      }
    }
    return result;
  },
};

const tickets: PageStream = { ...ticketsAlone, perRecord: comments };

const ZENDESK_EVENTS_PATH = '/api/v2/incremental/ticket_events.json';

interface EventsPage {
  ticket_events?: unknown[];
  next_page?: string | null;
  end_of_stream?: boolean;
  end_time?: number;
}

/**
 * The time-based incremental ticket events export with comment events: every comment of every
 * ticket, up to 1,000 a request, instead of one request per ticket. Pages overlap at their edge
 * second (the import keeps one message per comment id).
 */
const ticketEvents: PageStream = {
  name: 'ticket-events',
  first: (window) => ({ path: ZENDESK_EVENTS_PATH, query: { start_time: String(Math.floor(window.since / 1000)), include: 'comment_events' } }),
  page({ body }, window) {
    const page = body as EventsPage;
    const endTime = timeOf(page.end_time);
    const progress = fractionOf(endTime, window);
    const result: Page = { records: Array.isArray(page.ticket_events) ? page.ticket_events.length : 0, ...(progress !== undefined && { progress }) };
    if (!page.end_of_stream && page.next_page && !(endTime !== undefined && endTime > window.until)) {
      const url = new URL(page.next_page);
      result.next = { path: url.pathname, query: Object.fromEntries(url.searchParams) };
    }
    return result;
  },
};

export const zendesk: HelpdeskSource = {
  name: 'zendesk',
  environment: ENV,
  connect(env) {
    const values = required(env, 'zendesk', ENV);
    const authorization = basicAuth(`${values.ZENDESK_EMAIL}/token`, values.ZENDESK_API_TOKEN);
    return { baseUrl: accountUrl(values.ZENDESK_SUBDOMAIN, 'zendesk.com', 'ZENDESK_SUBDOMAIN'), headers: { authorization }, secrets: [values.ZENDESK_API_TOKEN, authorization] };
  },
  streams: [
    tickets,
    {
      ...cursorList('articles', '/api/v2/help_center/articles.json', 'articles', perRecordList('translations', (id) => `/api/v2/help_center/articles/${encodeURIComponent(id)}/translations.json`, 'translations')),
      optional: 'the account has no Guide help center, or this user may not read it',
    },
    cursorList('macros', '/api/v2/macros.json', 'macros'),
    { ...cursorList('triggers', '/api/v2/triggers.json', 'triggers'), optional: 'this user may not read triggers' },
  ],
  /** `ratelimit-remaining` with `ratelimit-reset` (seconds); older accounts send `X-Rate-Limit-Remaining`, per minute. */
  budget(headers) {
    const reset = Number(headers.get('ratelimit-reset'));
    return budgetOf(headers.get('ratelimit-remaining') ?? headers.get('x-rate-limit-remaining'), Number.isFinite(reset) && reset > 0 ? reset * 1000 : 60_000);
  },
};

/** `pull zendesk --events`: the replies from the ticket events export rather than each ticket's comments. */
export const zendeskEvents: HelpdeskSource = { ...zendesk, streams: [ticketsAlone, ticketEvents, ...zendesk.streams.slice(1)] };
