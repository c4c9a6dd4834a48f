import { setTimeout as sleep } from 'node:timers/promises';
import { ShadowdeskError } from '../../errors.ts';
import { backoffMs, createPacer, retryAfterMs } from '../pacing.ts';
import type { Connection, HelpdeskSource, PageRequest, PageResponse } from './source.ts';

/** How hard `pull` may push an API. */
export interface RequestPolicy {
  /** Requests started per minute at most, retries included; the vendor's own limits apply on top. */
  requestsPerMinute?: number;
  /** Per attempt, from sending the request to the last byte. @default 60000 */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts, dropped connections and cut pages. @default 6 */
  maxRetries?: number;
  /** First backoff; doubles per retry, with full jitter. @default 1000 */
  retryBaseMs?: number;
  /** The longest wait obeyed (Retry-After or rate-limit headers); longer fails the pull, which resumes later. @default 300 */
  maxWaitSeconds?: number;
  /** Stops a request or a wait under way (Ctrl-C), not only between pages. */
  signal?: AbortSignal;
}

export interface RequestStats {
  requests: number;
  retries: number;
  /** Time spent waiting because the API asked to (429, rate-limit headers), in ms. */
  throttledMs: number;
}

/** A refusal the API may lift later: worth another attempt. */
class Transient extends Error {
  constructor(
    message: string,
    readonly waitMs = 0,
  ) {
    super(message);
  }
}

/** A refusal another attempt cannot lift (401, 403, 404, 400…), with its status. */
export class ApiRefusal extends ShadowdeskError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('SD_INPUT_INVALID', message);
  }
}

function urlOf(connection: Connection, request: PageRequest): string {
  const url = new URL(request.path, connection.baseUrl);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * Replaces every secret by a placeholder: an API or a proxy may echo the key in an error, or
 * the encoded part of a basic-auth header alone.
 */
function withoutSecrets(text: string, secrets: readonly string[]): string {
  const all = secrets.flatMap((secret) => (secret.startsWith('Basic ') ? [secret, secret.slice('Basic '.length)] : [secret]));
  return all.reduce((clean, secret) => (secret ? clean.split(secret).join('[credential]') : clean), text);
}

const HINTS: Record<number, string> = {
  401: 'the credentials were refused: check the environment variables the guide names',
  403: 'the account lacks a permission this pull needs: see the scopes in docs/guide-support-lead.md',
  404: 'not found: check the account address (subdomain, domain or shop)',
};

/**
 * Fetches pages one by one, politely: paced to the request ceiling, waiting as the vendor's
 * rate-limit headers and Retry-After say, retrying 5xx, timeouts, dropped connections and pages
 * cut short with bounded backoff. Refusals that another attempt cannot fix fail at once.
 */
export function createPageFetcher(source: HelpdeskSource, connection: Connection, policy: RequestPolicy = {}) {
  const timeoutMs = policy.timeoutMs ?? 60_000;
  const maxRetries = policy.maxRetries ?? 6;
  const baseMs = policy.retryBaseMs ?? 1000;
  const maxWaitMs = (policy.maxWaitSeconds ?? 300) * 1000;
  const pace = createPacer(policy.requestsPerMinute);
  const stats: RequestStats = { requests: 0, retries: 0, throttledMs: 0 };
  /** Requests the API allows before `refillAt`, as its last answer said; unknown before the first. */
  let left = Number.POSITIVE_INFINITY;
  let refillAt = 0;
  let inFlight = 0;
  const clean = (text: string) => withoutSecrets(text, connection.secrets);

  async function waitFor(ms: number, why: string): Promise<void> {
    if (ms > maxWaitMs) {
      throw new ShadowdeskError('SD_INPUT_INVALID', `${source.name} asked to wait ${Math.ceil(ms / 1000)} s (${why}), more than the ${maxWaitMs / 1000} s allowed: run the same pull again later, it resumes where it stopped`);
    }
    stats.throttledMs += ms;
    await pause(ms);
  }

  /** A wait Ctrl-C cuts short, with the interruption's own error. */
  async function pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, policy.signal && { signal: policy.signal });
    } catch (error) {
      throw policy.signal?.reason ?? error;
    }
  }

  async function attempt(request: PageRequest): Promise<PageResponse & { text: string }> {
    const url = urlOf(connection, request);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: request.body === undefined ? 'GET' : 'POST',
        headers: { accept: 'application/json', ...(request.body !== undefined && { 'content-type': 'application/json' }), ...connection.headers },
        ...(request.body !== undefined && { body: request.body }),
        signal: policy.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), policy.signal]) : AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      if (policy.signal?.aborted) throw policy.signal.reason;
      const failure = error as Error & { cause?: { code?: string } };
      throw new Transient(failure.name === 'TimeoutError' ? `no whole answer within ${timeoutMs} ms` : `connection failed (${failure.cause?.code ?? failure.message})`);
    }
    if (response.status === 429 || response.status >= 500) {
      const asked = retryAfterMs(response.headers.get('retry-after')) ?? 0;
      throw new Transient(`HTTP ${response.status}`, asked);
    }
    if (!response.ok) {
      const detail = clean(text.slice(0, 300));
      const hint = HINTS[response.status] ? `; ${HINTS[response.status]}` : '';
      throw new ApiRefusal(response.status, `${source.name} refused ${clean(request.path)} with HTTP ${response.status}${hint}. The API said: ${detail}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Transient('the page was cut short or is not JSON');
    }
    const throttle = source.throttled?.(body);
    if (throttle) throw new Transient(throttle.reason, throttle.waitMs);
    const budget = source.budget(response.headers, body);
    if (budget) {
      // The answer counted the requests sent before it, not those still on their way.
      left = budget.remaining - (inFlight - 1);
      refillAt = Date.now() + budget.refillMs;
    }
    return { body, headers: response.headers, text };
  }

  return {
    stats: (): RequestStats => ({ ...stats }),
    /** The page's parsed body, its headers and its text exactly as the API sent it. */
    async fetchPage(request: PageRequest): Promise<PageResponse & { text: string }> {
      for (let attempts = 1; ; attempts++) {
        await pace();
        if (left <= 0) {
          const wait = refillAt - Date.now();
          if (wait > 0) await waitFor(wait, 'its rate-limit headers');
          left = Number.POSITIVE_INFINITY;
        }
        left--;
        stats.requests++;
        inFlight++;
        const outcome = await attempt(request).then(
          (page) => ({ page }),
          (error: unknown) => ({ error }),
        );
        inFlight--;
        if ('page' in outcome) return outcome.page;
        const { error } = outcome;
        if (!(error instanceof Transient)) throw error;
        if (attempts > maxRetries) {
          throw new ShadowdeskError('SD_INPUT_INVALID', `${source.name}: ${clean(request.path)} failed after ${attempts} attempts (${error.message}); run the same pull again to resume where it stopped`);
        }
        stats.retries++;
        if (error.waitMs > 0) await waitFor(error.waitMs, error.message);
        else await pause(backoffMs(attempts, baseMs));
      }
    },
  };
}
