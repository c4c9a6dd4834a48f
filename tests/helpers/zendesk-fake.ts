import { agentText, basicOf, cursorOf, customerText, type FakeAccount, type FakeApi, type FakeOptions, type FakeRequest, type FakeReply, json, offsetOf, startFakeApi } from './fake-api.ts';

/**
 * A fake Zendesk Support + Guide account, as the API reference documents it: the cursor-based
 * incremental ticket export (`after_cursor`, `end_of_stream`), per-ticket comments and Guide
 * articles with cursor pagination (`page[size]`, `page[after]`, `meta.has_more`), translations,
 * macros, triggers, `X-Rate-Limit`/`ratelimit-*` headers, 429 with Retry-After. The Support API
 * pages were checked once against Zendesk's OpenAPI document (see docs/guide-support-lead.md for
 * what matched, what differs and why none of it is in this repository).
 */

export const ZENDESK_EMAIL = 'lead@acme.example';
export const ZENDESK_TOKEN = 'zd-secret-6wiIBWbGkBMo1mRDMuVwkw1EPsNk';

export interface ZendeskFakeOptions extends FakeOptions {
  /** Comments per page at most (Zendesk allows up to 100). @default 100 */
  commentsPageSize?: number;
  /** Tickets per export page at most (Zendesk serves up to 1,000). @default 1000 */
  exportPageSize?: number;
  /** Ticket events per page of the time-based events export (Zendesk serves up to 1,000). @default 1000 */
  eventsPageSize?: number;
  articles?: number;
}

const SALT = 'zd';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const HOUR = 3_600_000;

function ticket(account: FakeAccount, id: number) {
  const created = account.createdAt(id);
  const updated = created + HOUR;
  return {
    url: `https://acme.zendesk.com/api/v2/tickets/${id}.json`,
    id,
    via: { channel: 'email', source: { from: {}, to: {}, rel: null } },
    created_at: iso(created),
    updated_at: iso(updated),
    generated_timestamp: Math.floor(updated / 1000),
    type: 'question',
    subject: id % 2 === 0 ? `Commande ${id}` : `Order ${id}`,
    raw_subject: id % 2 === 0 ? `Commande ${id}` : `Order ${id}`,
    description: customerText(id, 1),
    priority: 'normal',
    status: id % 7 === 0 ? 'open' : 'solved',
    requester_id: 100_000 + id,
    submitter_id: 100_000 + id,
    assignee_id: 900 + (id % 5),
    organization_id: null,
    group_id: 20,
    collaborator_ids: [],
    email_cc_ids: [],
    tags: id % 3 === 0 ? ['shipping', 'wismo'] : ['shipping'],
    satisfaction_rating: { score: 'unoffered' },
  };
}

function comment(account: FakeAccount, id: number, turn: number) {
  const fromCustomer = turn % 2 === 1;
  const text = fromCustomer ? customerText(id, turn) : agentText(id);
  return {
    id: id * 10 + turn,
    type: 'Comment',
    author_id: fromCustomer ? 100_000 + id : 900 + (id % 5),
    body: text,
    html_body: `<div class="zd-comment"><p>${text}</p></div>`,
    plain_body: text,
    public: true,
    attachments: [],
    audit_id: id * 100 + turn,
    via: { channel: fromCustomer ? 'email' : 'web', source: { from: {}, to: {}, rel: null } },
    created_at: iso(account.createdAt(id) + (turn - 1) * 600_000),
    metadata: { system: {}, custom: {} },
  };
}

/**
 * The incremental ticket events export with `include=comment_events`: one update (an `Audit`)
 * per comment, its comment as a child event; the ticket's first also carries the `Create` event
 * naming the requester. Every event of the account, oldest first.
 */
function ticketEvents(account: FakeAccount): Array<[number, number]> {
  const all: Array<[number, number]> = [];
  for (let id = 1; id <= account.tickets; id++) for (let turn = 1; turn <= account.messagesOf(id); turn++) all.push([id, turn]);
  return all;
}

function ticketEvent(account: FakeAccount, id: number, turn: number) {
  const { id: commentId, type, ...fields } = comment(account, id, turn);
  const at = Date.parse(fields.created_at);
  // A comment is an audit's child event: its id is the comment's id.
  const commentEvent = { ...fields, id: commentId, via_reference_id: null, comment_present: true, comment_public: true, event_type: type, type };
  const create = { id: commentId * 10 + 9, via: { channel: 'email' }, via_reference_id: null, requester_id: 100_000 + id, event_type: 'Create' };
  return {
    id: id * 100 + turn,
    ticket_id: id,
    timestamp: Math.floor(at / 1000),
    created_at: fields.created_at,
    updater_id: fields.author_id,
    via: fields.via.channel === 'email' ? 'Mail' : 'Web form',
    system: {},
    metadata: { system: {}, custom: {} },
    event_type: 'Audit',
    child_events: turn === 1 ? [create, commentEvent] : [commentEvent],
  };
}

/** Every other Guide article is written in French first. */
const sourceLocaleOf = (id: number) => (id % 2 === 0 ? 'fr' : 'en-us');

function articleText(id: number, locale: string) {
  return locale === 'fr'
    ? { locale, title: `Délais de livraison ${id}`, body: '<p>Nous expédions sous <strong>48 h</strong>.</p>' }
    : { locale, title: `Shipping times ${id}`, body: '<p>We ship within <strong>48 hours</strong>.</p>' };
}

/** The first ticket updated at or after `seconds`, by binary search over the evenly spread history. */
function firstAfter(account: FakeAccount, seconds: number): number {
  let low = 1;
  let high = account.tickets + 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (Math.floor((account.createdAt(middle) + HOUR) / 1000) >= seconds) high = middle;
    else low = middle + 1;
  }
  return low;
}

const cursorLinks = (base: string, hasMore: boolean, after: string | null, before: string | null) => ({
  meta: { has_more: hasMore, after_cursor: after, before_cursor: before },
  links: { prev: before ? `${base}?page%5Bbefore%5D=${before}` : null, next: hasMore && after ? `${base}?page%5Bafter%5D=${after}` : null },
});

/** `page[size]`/`page[after]` over `total` items, the items made by `item`. */
function cursorList<T>(origin: string, request: FakeRequest, key: string, total: number, cap: number, item: (index: number) => T): FakeReply {
  const size = Math.min(cap, Number(request.query.get('page[size]') ?? 100) || 100);
  const after = request.query.get('page[after]');
  const start = after ? offsetOf(after, `${SALT}${request.path}`) : 0;
  if (start === undefined) return json(400, { error: 'InvalidPaginationParameter', description: 'page[after] is not a valid cursor' });
  const end = Math.min(total, start + size);
  const items = Array.from({ length: end - start }, (_, index) => item(start + index));
  const next = end < total ? cursorOf(end, `${SALT}${request.path}`) : null;
  return json(200, { [key]: items, ...cursorLinks(`${origin}${request.path}`, next !== null, next, start > 0 ? cursorOf(start, `${SALT}${request.path}`) : null) });
}

export async function startZendeskFake(account: FakeAccount, options: ZendeskFakeOptions = {}): Promise<FakeApi> {
  const origin = 'https://acme.zendesk.com';
  const articles = options.articles ?? 5;
  const events = ticketEvents(account);
  const eventTime = ([id, turn]: [number, number]) => Math.floor((account.createdAt(id) + (turn - 1) * 600_000) / 1000);
  const route = (request: FakeRequest): FakeReply => {
    if (request.path === '/api/v2/incremental/ticket_events.json') {
      // Time-based: the next page starts at the last event's second, so that event comes twice.
      const startTime = Number(request.query.get('start_time'));
      if (!Number.isInteger(startTime) || startTime < 0) return json(400, { error: 'InvalidValue', description: 'start_time is required and must be a Unix time' });
      const first = events.findIndex((event) => eventTime(event) >= startTime);
      const from = first < 0 ? events.length : first;
      const page = events.slice(from, from + (options.eventsPageSize ?? 1000));
      const withComments = request.query.get('include') === 'comment_events';
      const list = page.map(([id, turn]) => ticketEvent(account, id, turn)).map((event) => (withComments ? event : { ...event, child_events: event.child_events.filter((child) => child.event_type !== 'Comment') }));
      const last = page.at(-1);
      const endTime = last ? eventTime(last) : startTime;
      const query = `start_time=${endTime}${withComments ? '&include=comment_events' : ''}`;
      return json(200, { ticket_events: list, next_page: `${origin}/api/v2/incremental/ticket_events.json?${query}`, count: list.length, end_of_stream: from + page.length >= events.length, end_time: endTime });
    }
    if (request.path === '/api/v2/incremental/tickets/cursor.json') {
      const perPage = Math.min(options.exportPageSize ?? 1000, Number(request.query.get('per_page') ?? 1000) || 1000);
      const cursor = request.query.get('cursor');
      const startTime = request.query.get('start_time');
      const start = cursor ? offsetOf(cursor, SALT) : startTime !== null ? firstAfter(account, Number(startTime)) - 1 : undefined;
      if (start === undefined) return json(422, { error: 'InvalidPaginationParameter', description: 'cursor or start_time is required and must be valid' });
      const end = Math.min(account.tickets, start + perPage);
      const tickets = Array.from({ length: end - start }, (_, index) => ticket(account, start + index + 1));
      const after = cursorOf(end, SALT);
      return json(200, {
        tickets,
        after_url: `${origin}/api/v2/incremental/tickets/cursor.json?cursor=${after}`,
        after_cursor: after,
        before_url: start > 0 ? `${origin}/api/v2/incremental/tickets/cursor.json?cursor=${cursorOf(start, SALT)}` : null,
        before_cursor: start > 0 ? cursorOf(start, SALT) : null,
        end_of_stream: end >= account.tickets,
      });
    }
    const comments = /^\/api\/v2\/tickets\/(\d{1,9})\/comments\.json$/.exec(request.path);
    if (comments) {
      const id = Number(comments[1]);
      if (id < 1 || id > account.tickets) return json(404, { error: 'RecordNotFound', description: 'Not found' });
      return cursorList(origin, request, 'comments', account.messagesOf(id), options.commentsPageSize ?? 100, (index) => comment(account, id, index + 1));
    }
    if (request.path === '/api/v2/help_center/articles.json') {
      // Each article in its source locale, edited then; `updated_at` moves later with votes and labels.
      return cursorList(origin, request, 'articles', articles, 100, (index) => {
        const id = 5000 + index;
        const source = articleText(id, sourceLocaleOf(id));
        return {
          id,
          url: `${origin}/api/v2/help_center/${source.locale}/articles/${id}.json`,
          html_url: `${origin}/hc/${source.locale}/articles/${id}`,
          title: source.title,
          body: source.body,
          locale: source.locale,
          source_locale: source.locale,
          author_id: 900,
          comments_disabled: false,
          draft: false,
          outdated: false,
          outdated_locales: [],
          promoted: false,
          position: index,
          section_id: 77,
          label_names: ['shipping'],
          vote_sum: 0,
          vote_count: 0,
          created_at: iso(account.start),
          edited_at: iso(account.start + HOUR),
          updated_at: iso(account.start + (index + 2) * HOUR),
        };
      });
    }
    const translations = /^\/api\/v2\/help_center\/articles\/(\d{1,9})\/translations\.json$/.exec(request.path);
    if (translations) {
      const id = Number(translations[1]);
      if (id < 5000 || id >= 5000 + articles) return json(404, { error: 'RecordNotFound', description: 'Not found' });
      const locales = [sourceLocaleOf(id), sourceLocaleOf(id) === 'fr' ? 'en-us' : 'fr'];
      return cursorList(origin, request, 'translations', locales.length, 100, (index) => {
        const text = articleText(id, locales[index] as string);
        return {
          id: id * 10 + index,
          url: `${origin}/api/v2/help_center/articles/${id}/translations/${text.locale}.json`,
          html_url: `${origin}/hc/${text.locale}/articles/${id}`,
          source_id: id,
          source_type: 'Article',
          locale: text.locale,
          title: text.title,
          body: text.body,
          draft: false,
          hidden: false,
          outdated: false,
          created_at: iso(account.start),
          // The source text was edited an hour in; its translation an hour later.
          updated_at: iso(account.start + (index + 1) * HOUR),
          updated_by_id: 900,
          created_by_id: 900,
        };
      });
    }
    if (request.path === '/api/v2/macros.json') {
      return cursorList(origin, request, 'macros', 3, 100, (index) => ({
        id: 360 + index,
        title: ['Shipping::Where is my order', 'Retours::Étiquette', 'Refund::Processed'][index],
        active: true,
        actions: [{ field: 'comment_value', value: index === 1 ? 'Voici votre étiquette de retour.' : 'Your order has shipped: {{ticket.tracking}}' }],
        created_at: iso(account.start),
        updated_at: iso(account.start),
      }));
    }
    if (request.path === '/api/v2/triggers.json') {
      return cursorList(origin, request, 'triggers', 2, 100, (index) => ({
        id: 880 + index,
        title: index === 0 ? 'Notify requester of received request' : 'Tag WISMO',
        active: true,
        conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }], any: [] },
        actions: [{ field: 'notification_user', value: ['requester_id', 'Request received', 'We got your request.'] }],
        created_at: iso(account.start),
        updated_at: iso(account.start),
      }));
    }
    return json(404, { error: 'InvalidEndpoint', description: 'Not found' });
  };

  return startFakeApi(
    {
      authorized: (headers) => basicOf(headers) === `${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`,
      unauthorized: json(401, { error: "Couldn't authenticate you" }),
      limitHeaders: (limit, remaining, reset) => ({
        'x-rate-limit': String(limit),
        'x-rate-limit-remaining': String(remaining),
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': String(remaining),
        'ratelimit-reset': String(reset),
      }),
      tooManyBody: JSON.stringify({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }),
      expiredCursor: json(422, { error: 'InvalidPaginationParameter', description: 'The cursor has expired: start a new export with start_time' }),
      route,
    },
    options,
  );
}
