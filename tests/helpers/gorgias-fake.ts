import { agentText, basicOf, cursorOf, customerText, type FakeAccount, type FakeApi, type FakeOptions, type FakeRequest, type FakeReply, json, offsetOf, startFakeApi } from './fake-api.ts';

/**
 * A fake Gorgias account, as the REST reference documents it: cursor pagination on every list
 * (`cursor`, `limit` up to 100, `order_by`, `{data, meta: {prev_cursor, next_cursor}, object, uri}`),
 * tickets listed without their messages, messages listed apart with their `ticket_id`, macros and
 * rules, basic auth with the user's email and an API key, `X-Gorgias-Account-Api-Call-Limit`; and
 * the Help Center API's numbered pages (`page`, `per_page`, `meta.nb_pages`) of help centers and of
 * each one's articles with their translation in the `locale` asked for. No OpenAPI document of
 * Gorgias could be obtained to check these shapes against: see docs/guide-support-lead.md.
 */

export const GORGIAS_EMAIL = 'lead@acme.example';
export const GORGIAS_KEY = 'gorgias-key-5b0f2e8d7c41a9e3';

export interface GorgiasFakeOptions extends FakeOptions {
  /** Items per page at most. @default 100 */
  pageSize?: number;
  /** Help-center articles per page at most. @default 100 */
  articlesPageSize?: number;
  /** Articles of the one help center; every odd one is translated into French. @default 5 */
  articles?: number;
  /** An account without a help center: its list answers 403. */
  noHelpCenter?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const customer = (id: number) => ({ id: 700_000 + id, email: `client${id}@example.com`, name: id % 2 === 0 ? `Camille ${id}` : `Jordan ${id}`, firstname: '', lastname: '' });
const agent = (id: number) => ({ id: 40 + (id % 4), email: `agent${id % 4}@acme.example`, name: `Agent ${id % 4}`, firstname: 'Agent', lastname: String(id % 4) });

function ticket(account: FakeAccount, id: number) {
  const created = account.createdAt(id);
  return {
    id,
    uri: `/api/tickets/${id}/`,
    external_id: null,
    language: id % 2 === 0 ? 'fr' : 'en',
    status: id % 7 === 0 ? 'open' : 'closed',
    priority: 'normal',
    channel: 'email',
    via: 'email',
    from_agent: false,
    customer: customer(id),
    assignee_user: agent(id),
    assignee_team: null,
    subject: id % 2 === 0 ? `Commande ${id}` : `Order ${id}`,
    excerpt: customerText(id, 1).slice(0, 40),
    tags: id % 3 === 0 ? [{ id: 1, name: 'wismo' }] : [],
    spam: false,
    created_datetime: iso(created),
    opened_datetime: iso(created),
    last_received_message_datetime: iso(created),
    last_message_datetime: iso(created + 600_000),
    updated_datetime: iso(created + 3_600_000),
    closed_datetime: id % 7 === 0 ? null : iso(created + 3_600_000),
    messages_count: account.messagesOf(id),
    meta: null,
  };
}

function message(account: FakeAccount, ticketId: number, turn: number) {
  const fromCustomer = turn % 2 === 1;
  const text = fromCustomer ? customerText(ticketId, turn) : agentText(ticketId);
  const sent = iso(account.createdAt(ticketId) + (turn - 1) * 600_000);
  return {
    id: ticketId * 10 + turn,
    uri: `/api/tickets/${ticketId}/messages/${ticketId * 10 + turn}/`,
    message_id: null,
    ticket_id: ticketId,
    external_id: null,
    public: true,
    channel: 'email',
    via: fromCustomer ? 'email' : 'helpdesk',
    source: { type: 'email', from: { name: '', address: fromCustomer ? customer(ticketId).email : agent(ticketId).email }, to: [] },
    sender: fromCustomer ? customer(ticketId) : agent(ticketId),
    receiver: fromCustomer ? agent(ticketId) : customer(ticketId),
    integration_id: null,
    rule_id: null,
    from_agent: !fromCustomer,
    subject: null,
    body_text: text,
    body_html: `<div>${text}</div>`,
    stripped_text: text,
    stripped_html: `<div>${text}</div>`,
    attachments: [],
    macros: fromCustomer ? [] : [{ id: 9, name: 'WISMO' }],
    created_datetime: sent,
    sent_datetime: sent,
    failed_datetime: null,
    opened_datetime: null,
    last_sending_error: null,
  };
}

/** Newest first: position `p` (0-based) of `count` items is item `count - p`. */
function list<T>(request: FakeRequest, total: number, cap: number, item: (position: number) => T): FakeReply {
  const limit = Math.min(cap, Number(request.query.get('limit') ?? 30) || 30);
  const cursor = request.query.get('cursor');
  const start = cursor ? offsetOf(cursor, request.path) : 0;
  if (start === undefined) return json(400, { error: { msg: 'Invalid cursor' } });
  const end = Math.min(total, start + limit);
  return json(200, {
    data: Array.from({ length: end - start }, (_, index) => item(start + index)),
    meta: { prev_cursor: start > 0 ? cursorOf(Math.max(0, start - limit), request.path) : null, next_cursor: end < total ? cursorOf(end, request.path) : null },
    object: 'list',
    uri: request.path,
  });
}

const HELP_CENTER_ID = 3;

/** Article `id` of the help center in `locale`, or nothing when it has no such translation. */
function article(account: FakeAccount, id: number, locale: string) {
  const french = locale === 'fr-FR';
  const locales = id % 2 === 1 ? ['en-US', 'fr-FR'] : ['en-US'];
  // The English text took effect a day in; its French translation two days in.
  const effective = iso(account.start + (french ? 2 : 1) * 86_400_000);
  return {
    id,
    help_center_id: HELP_CENTER_ID,
    category_id: 12,
    unlisted_id: `a${id}x`,
    available_locales: locales,
    created_datetime: iso(account.start),
    updated_datetime: iso(account.start + 3 * 86_400_000),
    translation: {
      article_id: id,
      locale,
      title: french ? `Délais de livraison ${id}` : `Shipping times ${id}`,
      excerpt: french ? 'Nous expédions sous 48 h.' : 'We ship within 48 hours.',
      content: french ? '<p>Nous expédions sous <strong>48&nbsp;h</strong>.</p>' : '<p>We ship within <strong>48 hours</strong>.</p>',
      slug: french ? `delais-de-livraison-${id}` : `shipping-times-${id}`,
      seo_meta: { title: null, description: null },
      visibility_status: 'PUBLIC',
      created_datetime: effective,
      updated_datetime: effective,
      deleted_datetime: null,
    },
  };
}

/** The Help Center API's numbered pages: `page`, `per_page`, `meta.nb_pages`. */
function numbered<T>(request: FakeRequest, items: T[], cap: number): FakeReply {
  const perPage = Math.min(cap, Number(request.query.get('per_page') ?? 20) || 20);
  const page = Number(request.query.get('page') ?? 1);
  if (!Number.isInteger(page) || page < 1) return json(400, { error: { msg: 'page must be a positive integer' } });
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  return json(200, {
    data: items.slice((page - 1) * perPage, page * perPage),
    object: 'list',
    meta: { page, per_page: perPage, current_page: `${request.path}?${request.query.toString()}`, item_count: items.length, nb_pages: pages },
  });
}

export async function startGorgiasFake(account: FakeAccount, options: GorgiasFakeOptions = {}): Promise<FakeApi> {
  const cap = options.pageSize ?? 100;
  // Every message, newest first: the ticket of message position p, and its turn.
  const messageIndex: Array<[number, number]> = [];
  for (let id = account.tickets; id >= 1; id--) {
    for (let turn = account.messagesOf(id); turn >= 1; turn--) messageIndex.push([id, turn]);
  }
  const route = (request: FakeRequest): FakeReply => {
    switch (request.path) {
      case '/api/tickets':
        return list(request, account.tickets, cap, (position) => ticket(account, account.tickets - position));
      case '/api/messages':
        return list(request, messageIndex.length, cap, (position) => message(account, ...(messageIndex[position] as [number, number])));
      case '/api/macros':
        return list(request, 3, cap, (position) => ({ id: 9 + position, name: ['WISMO', 'Retour', 'Refund'][position], actions: [{ name: 'setResponseText', type: 'user', arguments: { body_text: position === 1 ? 'Voici votre étiquette de retour.' : 'Your order is on its way.' } }], created_datetime: iso(account.start), updated_datetime: iso(account.start) }));
      case '/api/rules':
        return list(request, 2, cap, (position) => ({ id: 60 + position, name: position === 0 ? 'Auto-tag WISMO' : 'Auto-close spam', code: "if (containsAll(ticket.tags.name, ['wismo'])) { Action('setTags', { tags: 'wismo' }) }", code_ast: {}, event_types: 'ticket-created', priority: 100 - position, deactivated_datetime: null, created_datetime: iso(account.start), updated_datetime: iso(account.start) }));
      case '/api/help-center/help-centers':
        if (options.noHelpCenter) return json(403, { error: { msg: 'Help Center is not enabled on this account' } });
        return numbered(request, [{ id: HELP_CENTER_ID, name: 'Acme Help', subdomain: 'acme', default_locale: 'en-US', supported_locales: ['en-US', 'fr-FR'], deactivated_datetime: null, created_datetime: iso(account.start), updated_datetime: iso(account.start) }], cap);
      default:
        return helpCenterRoute(request);
    }
  };
  const helpCenterRoute = (request: FakeRequest): FakeReply => {
    const articles = /^\/api\/help-center\/help-centers\/(\d{1,9})\/articles$/.exec(request.path);
    if (!articles || Number(articles[1]) !== HELP_CENTER_ID) return json(404, { error: { msg: 'Resource not found' } });
    const locale = request.query.get('locale') ?? 'en-US';
    const ids = Array.from({ length: options.articles ?? 5 }, (_, index) => 200 + index).filter((id) => locale === 'en-US' || (locale === 'fr-FR' && id % 2 === 1));
    return numbered(request, ids.map((id) => article(account, id, locale)), options.articlesPageSize ?? 100);
  };
  return startFakeApi(
    {
      authorized: (headers) => basicOf(headers) === `${GORGIAS_EMAIL}:${GORGIAS_KEY}`,
      unauthorized: json(401, { error: { msg: 'Unauthorized' } }),
      limitHeaders: (limit, remaining) => ({ 'x-gorgias-account-api-call-limit': `${limit - remaining}/${limit}` }),
      tooManyBody: JSON.stringify({ error: { msg: 'Too many requests' } }),
      expiredCursor: json(400, { error: { msg: 'Invalid cursor' } }),
      route,
    },
    options,
  );
}
