import { agentText, basicOf, customerText, type FakeAccount, type FakeApi, type FakeOptions, type FakeRequest, type FakeReply, json, startFakeApi } from './fake-api.ts';

/**
 * A fake Freshdesk account, as the v2 reference documents it: tickets updated since a date in
 * pages (`page`, `per_page` up to 100, a `Link: <…>; rel="next"` header while more follow, a
 * validation error past the last page allowed), each ticket's conversations (the description is
 * the first message, the conversations the rest), basic auth with the API key, `X-RateLimit-*`.
 */

export const FRESHDESK_KEY = 'fd-key-Xk29fQ7mB3nL0pZt';

export interface FreshdeskFakeOptions extends FakeOptions {
  /** Pages past this are refused, as Freshdesk caps deep paging. @default 300 */
  maxPage?: number;
  /** @default 100 */
  pageSize?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const HOUR = 3_600_000;

function ticket(account: FakeAccount, id: number) {
  const created = account.createdAt(id);
  return {
    id,
    subject: id % 2 === 0 ? `Commande ${id}` : `Order ${id}`,
    description: `<div>${customerText(id, 1)}</div>`,
    description_text: customerText(id, 1),
    status: id % 7 === 0 ? 2 : 5,
    priority: 1,
    source: 1,
    type: 'Question',
    requester_id: 800_000 + id,
    responder_id: 60 + (id % 3),
    group_id: null,
    company_id: null,
    cc_emails: [],
    fwd_emails: [],
    reply_cc_emails: [],
    tags: id % 3 === 0 ? ['wismo'] : [],
    fr_escalated: false,
    spam: false,
    is_escalated: false,
    custom_fields: {},
    due_by: iso(created + 24 * HOUR),
    fr_due_by: iso(created + 8 * HOUR),
    created_at: iso(created),
    updated_at: iso(created + HOUR),
  };
}

function conversation(account: FakeAccount, id: number, turn: number) {
  const incoming = turn % 2 === 1;
  const text = incoming ? customerText(id, turn) : agentText(id);
  const at = iso(account.createdAt(id) + (turn - 1) * 600_000);
  return {
    id: id * 10 + turn,
    body: `<div>${text}</div>`,
    body_text: text,
    incoming,
    private: false,
    user_id: incoming ? 800_000 + id : 60 + (id % 3),
    support_email: 'support@acme.example',
    source: 0,
    category: incoming ? 3 : 2,
    ticket_id: id,
    to_emails: [incoming ? 'support@acme.example' : `client${id}@example.com`],
    from_email: incoming ? `client${id}@example.com` : 'support@acme.example',
    cc_emails: [],
    bcc_emails: null,
    attachments: [],
    created_at: at,
    updated_at: at,
  };
}

/** The `page`/`per_page` slice, with a Link header to the next page while one follows. */
function paged<T>(request: FakeRequest, total: number, cap: number, item: (index: number) => T): FakeReply {
  const perPage = Math.min(cap, Number(request.query.get('per_page') ?? 30) || 30);
  const page = Number(request.query.get('page') ?? 1) || 1;
  const start = (page - 1) * perPage;
  const end = Math.min(total, start + perPage);
  const items = Array.from({ length: Math.max(0, end - start) }, (_, index) => item(start + index));
  if (end >= total) return json(200, items);
  const next = new URLSearchParams(request.query);
  next.set('page', String(page + 1));
  return json(200, items, { link: `<https://acme.freshdesk.com${request.path}?${next.toString()}>; rel="next"` });
}

export async function startFreshdeskFake(account: FakeAccount, options: FreshdeskFakeOptions = {}): Promise<FakeApi> {
  const cap = options.pageSize ?? 100;
  const maxPage = options.maxPage ?? 300;
  const route = (request: FakeRequest): FakeReply => {
    if (request.path === '/api/v2/tickets') {
      const page = Number(request.query.get('page') ?? 1);
      if (page > maxPage) return json(400, { description: 'Validation failed', errors: [{ field: 'page', message: `It should be a Positive Number less than or equal to ${maxPage}`, code: 'invalid_value' }] });
      const since = Date.parse(request.query.get('updated_since') ?? '1970-01-01T00:00:00Z');
      // Tickets are updated in id order: the first updated at or after `since`.
      let first = 1;
      while (first <= account.tickets && account.createdAt(first) + HOUR < since) first++;
      return paged(request, account.tickets - first + 1, cap, (index) => ticket(account, first + index));
    }
    const conversations = /^\/api\/v2\/tickets\/(\d{1,9})\/conversations$/.exec(request.path);
    if (conversations) {
      const id = Number(conversations[1]);
      if (id < 1 || id > account.tickets) return json(404, { code: 'access_denied', message: 'You are not authorized to perform this action.' });
      return paged(request, account.messagesOf(id) - 1, cap, (index) => conversation(account, id, index + 2));
    }
    return json(404, { code: 'invalid_url', message: 'Not found' });
  };
  return startFakeApi(
    {
      authorized: (headers) => basicOf(headers) === `${FRESHDESK_KEY}:X`,
      unauthorized: json(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' }),
      limitHeaders: (limit, remaining) => ({ 'x-ratelimit-total': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-used-currentrequest': '1' }),
      tooManyBody: JSON.stringify({ code: 'rate_limit_exceeded', message: 'You have exceeded the limit of requests per minute' }),
      expiredCursor: json(400, { description: 'Validation failed', errors: [{ field: 'page', message: 'Invalid page', code: 'invalid_value' }] }),
      route,
    },
    options,
  );
}
