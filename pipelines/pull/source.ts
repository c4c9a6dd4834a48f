/**
 * What `pull` needs to know of one helpdesk: where its API is, how to sign in, and the page
 * streams to read with the documented pagination of each. Everything else (retries, pacing,
 * checkpoints, files) is the same for every helpdesk and lives in run.ts.
 */

/** One API request, relative to the helpdesk's base address; checkpoints keep it to resume. */
export interface PageRequest {
  path: string;
  query?: Record<string, string>;
  /** GraphQL requests are POSTed with this JSON body. */
  body?: string;
}

/** The dates asked for, in ms since the epoch. */
export interface PullWindow {
  since: number;
  until: number;
}

/** What a source makes of one page. */
export interface Page {
  /** Records on the page (tickets, comments, articles…). */
  records: number;
  /** The next page; absent at the end of the stream. */
  next?: PageRequest;
  /** Ids of the records on the page, for a stream that reads something per record (comments per ticket). */
  ids?: string[];
  /** How far through the window the stream is after this page, 0 to 1, for the time left. */
  progress?: number;
  /** The next page asked for without its cursor (by date), should the API refuse the cursor as expired. */
  fallback?: PageRequest;
}

/** A response as the source sees it: the parsed body and the headers (some paginate by Link). */
export interface PageResponse {
  body: unknown;
  headers: Headers;
}

/** A sequence of pages, e.g. the incremental ticket export. */
export interface PageStream {
  /** Names the raw files: `tickets-000001.json`. */
  name: string;
  first(window: PullWindow): PageRequest;
  /** `asked` is the request this page answers: numbered pages (`page=2`) say nothing of their number. */
  page(response: PageResponse, window: PullWindow, asked: PageRequest): Page;
  /**
   * Why the account may not have this stream at all (no help center, a plan without triggers):
   * a 403 or 404 on its first page then skips it, with this said, rather than failing the pull.
   */
  optional?: string;
  /** A stream read for each record of a page: Zendesk comments per ticket, translations per article, Freshdesk conversations. */
  perRecord?: RecordStream;
}

export interface RecordStream {
  /** Names the raw files: `comments-<ticket id>-001.json`; the pages do not all carry that id, the name does. */
  name: string;
  first(recordId: string): PageRequest;
  page(response: PageResponse, asked: PageRequest): Page;
}

/** A signed-in helpdesk account. */
export interface Connection {
  baseUrl: string;
  headers: Record<string, string>;
  /** Strings never to be written anywhere (the API key, the basic-auth header). */
  secrets: string[];
}

/** Requests the API still allows now, and how long until it allows more once they are spent. */
export interface Budget {
  remaining: number;
  refillMs: number;
}

/** Why a response that came back is not a page yet, and when to ask again. */
export interface Throttle {
  waitMs: number;
  reason: string;
}

export interface HelpdeskSource {
  name: string;
  /** Environment variables read for the credentials, as the guide lists them. */
  environment: readonly string[];
  connect(env: NodeJS.ProcessEnv): Connection;
  streams: readonly PageStream[];
  /** What the vendor's rate-limit headers (or body) say is left, to slow down before it refuses. */
  budget(headers: Headers, body: unknown): Budget | undefined;
  /** A 200 that is a refusal (Shopify answers THROTTLED in the body): wait and ask again. */
  throttled?(body: unknown): Throttle | undefined;
}
