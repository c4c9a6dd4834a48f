import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The common part of the fake helpdesk APIs the pull tests run on 127.0.0.1: sign-in checks,
 * a fixed-window rate limit with the vendor's own headers and 429 body, and injected faults.
 * Each vendor's fake (tests/helpers/*-fake.ts) supplies its routes, headers and error bodies.
 */

/** What may go wrong with one request, on top of the API's own rate limit. */
export type Fault = 'rate-limit' | 'server-error' | 'truncate' | 'hang' | 'reset' | 'expired-cursor';

export interface FakeRequest {
  /** 1-based, in arrival order. */
  n: number;
  /** Arrival, from performance.now(). */
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RateLimit {
  /** Requests allowed per window; none when absent (the bench's "rate limits off"). */
  limit: number;
  windowMs: number;
}

export interface VendorBehaviour {
  authorized(headers: IncomingHttpHeaders): boolean;
  unauthorized: FakeReply;
  /** The vendor's rate-limit headers on every answer. */
  limitHeaders(limit: number, remaining: number, resetSeconds: number): Record<string, string>;
  /** The vendor's 429 body. */
  tooManyBody: string;
  /** The vendor's answer to a cursor it no longer knows. */
  expiredCursor: FakeReply;
  route(request: FakeRequest): FakeReply;
}

export interface FakeOptions {
  rateLimit?: RateLimit;
  faults?: (request: FakeRequest) => Fault | undefined;
  /** Keep every request (path and query) for the test to look at. @default true */
  log?: boolean;
  /** Refusals quote the Authorization header back, as a careless proxy does: nothing may write it on. */
  echoCredentials?: boolean;
}

export interface FakeApi {
  url: string;
  requests: FakeRequest[];
  /** How many requests were answered with each status. */
  statuses: Map<number, number>;
  close(): Promise<void>;
}

const RETRY_AFTER_FAULT_SECONDS = 1;

export async function startFakeApi(vendor: VendorBehaviour, options: FakeOptions = {}): Promise<FakeApi> {
  const api: FakeApi = { url: '', requests: [], statuses: new Map(), close: async () => {} };
  const hanging: ServerResponse[] = [];
  let count = 0;
  let windowStart = Date.now();
  let used = 0;

  const send = (response: ServerResponse, reply: FakeReply) => {
    api.statuses.set(reply.status, (api.statuses.get(reply.status) ?? 0) + 1);
    response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers }).end(reply.body);
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const request: FakeRequest = { n: ++count, at: performance.now(), method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      if (options.log !== false) api.requests.push(request);

      let limitHeaders: Record<string, string> = {};
      if (options.rateLimit) {
        const { limit, windowMs } = options.rateLimit;
        if (Date.now() - windowStart >= windowMs) {
          windowStart = Date.now();
          used = 0;
        }
        used++;
        const resetSeconds = Math.max(1, Math.ceil((windowStart + windowMs - Date.now()) / 1000));
        limitHeaders = vendor.limitHeaders(limit, Math.max(0, limit - used), resetSeconds);
        if (used > limit) return send(response, { status: 429, headers: { ...limitHeaders, 'retry-after': String(resetSeconds) }, body: vendor.tooManyBody });
      }
      if (!vendor.authorized(incoming.headers)) {
        const echo = options.echoCredentials ? ` (received: ${incoming.headers.authorization ?? ''}, that is ${(incoming.headers.authorization ?? '').replace(/^Basic /, '')} = ${basicOf(incoming.headers)})` : '';
        return send(response, { ...vendor.unauthorized, body: `${vendor.unauthorized.body}${echo}` });
      }

      switch (options.faults?.(request)) {
        case 'rate-limit':
          return send(response, { status: 429, headers: { ...limitHeaders, 'retry-after': String(RETRY_AFTER_FAULT_SECONDS) }, body: vendor.tooManyBody });
        case 'server-error':
          return send(response, { status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>', headers: { 'content-type': 'text/html' } });
        case 'hang':
          return void hanging.push(response);
        case 'reset':
          return void incoming.socket.destroy();
        case 'expired-cursor':
          return send(response, vendor.expiredCursor);
        case 'truncate': {
          const reply = vendor.route(request);
          // Promise the whole length, send half, close: what a dropped proxy connection looks like.
          const bytes = Buffer.from(reply.body);
          response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...limitHeaders, ...reply.headers });
          response.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
          return void setTimeout(() => incoming.socket.destroy(), 5);
        }
        default: {
          const reply = vendor.route(request);
          return send(response, { ...reply, headers: { ...limitHeaders, ...reply.headers } });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): FakeReply => ({ status, body: JSON.stringify(body), ...(headers && { headers }) });

export const basicOf = (headers: IncomingHttpHeaders): string => Buffer.from((headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

/** A fake account's history: deterministic, made on demand so 100,000 tickets cost no memory. */
export interface FakeAccount {
  tickets: number;
  /** Messages per ticket: 2 to 4, the first from the customer. */
  messagesOf(ticket: number): number;
  /** Creation of ticket `i` (1-based), ms; tickets are spread evenly over the account's history. */
  createdAt(ticket: number): number;
  start: number;
  end: number;
}

export function fakeAccount(tickets: number, start = Date.parse('2024-01-01T00:00:00Z'), end = Date.parse('2025-12-31T00:00:00Z')): FakeAccount {
  const step = (end - start) / Math.max(1, tickets);
  return { tickets, start, end, messagesOf: (ticket) => 2 + (ticket % 3), createdAt: (ticket) => Math.floor(start + (ticket - 1) * step), };
}

/** A cursor that says nothing of its content, as vendors' do. */
export const cursorOf = (offset: number, salt: string) => Buffer.from(`${salt}:${offset}`).toString('base64url');

export function offsetOf(cursor: string | null, salt: string): number | undefined {
  if (!cursor) return undefined;
  const [prefix, offset] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  return prefix === salt && offset !== undefined && /^\d+$/.test(offset) ? Number(offset) : undefined;
}

/** Texts in French and English, so the readers meet both. */
export function customerText(ticket: number, turn: number): string {
  return ticket % 2 === 0 ? `Bonjour, où en est ma commande n°${ticket} ? (message ${turn})` : `Hello, where is my order #${ticket}? (message ${turn})`;
}

export function agentText(ticket: number): string {
  return ticket % 2 === 0 ? `Votre commande ${ticket} est partie hier, voici le suivi.` : `Your order ${ticket} shipped yesterday, here is the tracking link.`;
}
