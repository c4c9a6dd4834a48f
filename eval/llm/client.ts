import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShadowdeskError } from '../../errors.ts';
import { createGate } from '../../pipelines/batching.ts';
import { backoffMs, createPacer, retryAfterMs } from '../../pipelines/pacing.ts';
import { describeFailure, type FailureKind } from '../failure-kind.ts';

/**
 * One client for every OpenAI-compatible chat-completions endpoint (OpenAI, Azure, Ollama, vLLM,
 * LM Studio): bounded concurrency, a request-rate limit, retries with backoff and jitter, and a
 * response cache so that a re-run (in CI) costs nothing and answers the same.
 */

export interface LlmEndpoint {
  /** e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  model: string;
  /** The environment variable holding the API key; never written anywhere. @default 'OPENAI_API_KEY' */
  apiKeyEnv?: string;
  /** @default 0 */
  temperature?: number;
  /** @default 800 */
  maxTokens?: number;
  /** Per attempt, from sending the request to the reply's last byte. @default 60000 */
  timeoutMs?: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts, resets and unreadable replies. @default 4 */
  maxRetries?: number;
  /**
   * The longest `Retry-After` obeyed; an endpoint asking for a longer wait fails the request as
   * rate-limited at once, so one busy endpoint cannot stall the run far beyond its timeout.
   * @default the attempt timeout (`timeoutMs`), in seconds
   */
  maxRetryAfterSeconds?: number;
  /** First backoff; doubles per retry, with full jitter. @default 1000 */
  retryBaseMs?: number;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** Requests started per minute at most, retries included; unlimited when absent. */
  requestsPerMinute?: number;
  /** USD per million tokens, to record what each answer cost. */
  price?: { inputPerMillion: number; outputPerMillion: number };
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatResult {
  content: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cached: boolean;
  /** Attempts made (1 = no retry; 0 = from the cache). */
  attempts: number;
}

export interface LlmStats {
  requests: number;
  retries: number;
  cacheHits: number;
  failures: number;
}

export interface LlmClient {
  chat(messages: ChatMessage[], options?: { json?: boolean }): Promise<ChatResult>;
  stats(): LlmStats;
}

/** Why a call failed: the endpoint was too slow, refused for now, failed or answered something unreadable. */
export type LlmFailureKind = Exclude<FailureKind, 'cancelled'>;

/**
 * An endpoint failure after every retry. The replay records its kind and detail as the ticket's
 * failed answer; the message starts with the kind (`timeout: …`) for logs.
 */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly kind: LlmFailureKind,
    readonly detail: string,
  ) {
    super(describeFailure({ kind, message: detail }));
  }
}

/** Requests in flight at once when the endpoint's settings do not say. */
export const DEFAULT_CONCURRENCY = 4;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Loopback endpoints (Ollama, vLLM on this machine) keep ticket text on the machine. */
export function isLocalEndpoint(baseUrl: string): boolean {
  return LOOPBACK.test(new URL(baseUrl).hostname);
}

class TransientError extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What an attempt got back: a status, the headers read, and the body (empty on 429 and 5xx). */
interface Reply {
  status: number;
  retryAfter: string | undefined;
  location: string | undefined;
  text: string;
}

/**
 * POSTs to one URL over kept-alive connections with node:http(s). Against a local endpoint of
 * 100 ms at 16 in flight, fetch cost 0.8–1.4 ms of CPU a request and reached 0.93 of c / L in 128
 * requests, this 0.3–0.5 ms and 0.97: the harness's time a fast local model should not pay. The
 * timeout covers reading the body too, so a reply that stops halfway is a timeout, not a bad reply.
 */
function createPoster(url: URL, timeoutMs: number): (headers: Record<string, string>, body: string) => Promise<Reply> {
  const secure = url.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  return (headers, body) =>
    new Promise((resolve, reject) => {
      const signal = AbortSignal.timeout(timeoutMs);
      let stage = 'waiting for the reply';
      const fail = (error: Error & { code?: string }) => {
        if (signal.aborted) return reject(new TransientError('timeout', `timed out after ${timeoutMs} ms ${stage}`));
        // A certificate this machine does not trust will not be trusted on a retry either.
        if (error.code && /CERT|SIGNATURE/.test(error.code)) {
          return reject(new LlmError('provider-error', `${url.origin}'s TLS certificate was refused (${error.code}): if a proxy or private CA signs it, name that CA's file in NODE_EXTRA_CA_CERTS`));
        }
        reject(new TransientError('provider-error', `connection failed ${stage} (${error.code ?? error.message})`));
      };
      const request = send(url, { method: 'POST', agent, signal, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
        const status = response.statusCode ?? 0;
        const { 'retry-after': retryAfter, location } = response.headers;
        if (status === 429 || status >= 500) {
          response.resume();
          return resolve({ status, retryAfter, location, text: '' });
        }
        stage = 'reading the reply';
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status, retryAfter, location, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', fail);
      });
      request.on('error', fail);
      request.end(body);
    });
}

/** Milliseconds as seconds to a tenth, for messages. */
const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

interface CompletionBody {
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** The model calls of one try of a repeated run. */
interface TryScope {
  modelCalls: number;
}

const currentTry = new AsyncLocalStorage<TryScope>();

/**
 * Runs one try of a repeated run. Every chat inside goes to the endpoint, the response cache
 * neither read nor written: a cached reply would be the first try replayed, not a new sample.
 * The scope follows the task's async calls, so it reaches a client however deep the candidate
 * holds it (a composite's LLM part). `modelCalls` says whether the try consulted a model at all:
 * a candidate that did not would answer every try the same.
 */
export async function freshTry<T>(task: () => Promise<T>): Promise<{ value: T; modelCalls: number }> {
  const scope: TryScope = { modelCalls: 0 };
  const value = await currentTry.run(scope, task);
  return { value, modelCalls: scope.modelCalls };
}

export function createLlmClient(endpoint: LlmEndpoint, options: { cacheDir?: string } = {}): LlmClient {
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const keyName = endpoint.apiKeyEnv ?? 'OPENAI_API_KEY';
  const key = process.env[keyName];
  if (!key && !isLocalEndpoint(endpoint.baseUrl)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `the endpoint ${endpoint.baseUrl} needs an API key: set the environment variable ${keyName} (or name another with apiKeyEnv)`);
  }
  const parameters = { model: endpoint.model, temperature: endpoint.temperature ?? 0, max_tokens: endpoint.maxTokens ?? 800 };
  const maxRetries = endpoint.maxRetries ?? 4;
  const baseDelay = endpoint.retryBaseMs ?? 1000;
  const timeoutMs = endpoint.timeoutMs ?? 60_000;
  const maxRetryAfterSeconds = endpoint.maxRetryAfterSeconds ?? timeoutMs / 1000;
  const gate = createGate(endpoint.concurrency ?? DEFAULT_CONCURRENCY);
  const pace = createPacer(endpoint.requestsPerMinute);
  const stats: LlmStats = { requests: 0, retries: 0, cacheHits: 0, failures: 0 };
  const post = createPoster(new URL(url), timeoutMs);

  // An endpoint (or a proxy) may echo the key in an error; errors end up in results and reports.
  const withoutSecrets = (text: string) => (key ? text.split(key).join('[API key]') : text).replace(/Bearer\s+\S+/gi, 'Bearer [hidden]');
  const costOf = (promptTokens: number, completionTokens: number) =>
    endpoint.price ? (promptTokens * endpoint.price.inputPerMillion + completionTokens * endpoint.price.outputPerMillion) / 1e6 : 0;

  async function attempt(body: string): Promise<Omit<ChatResult, 'cached' | 'attempts' | 'costUsd'>> {
    const { status, retryAfter, location, text } = await post({ 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'shadowdesk', ...(key && { authorization: `Bearer ${key}` }) }, body);
    if (status === 429 || status >= 500) throw new TransientError(status === 429 ? 'rate-limited' : 'provider-error', `HTTP ${status}`, retryAfterMs(retryAfter ?? null));
    if (status >= 300 && status < 400 && location) {
      throw new LlmError('provider-error', `${url} answered HTTP ${status}, a redirect to ${withoutSecrets(location)}: redirects are not followed, so set the endpoint's baseUrl to where it points`);
    }
    if (status < 200 || status > 299) throw new LlmError('provider-error', `${url} answered HTTP ${status}: ${withoutSecrets(text.slice(0, 200))}`);
    let parsed: CompletionBody;
    try {
      parsed = JSON.parse(text) as CompletionBody;
    } catch {
      throw new TransientError('invalid-output', 'the reply was not valid JSON');
    }
    const content = parsed.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new TransientError('invalid-output', 'the reply had no message content');
    return { content, promptTokens: parsed.usage?.prompt_tokens ?? 0, completionTokens: parsed.usage?.completion_tokens ?? 0 };
  }

  async function withRetries(body: string): Promise<ChatResult> {
    for (let attempts = 1; ; attempts++) {
      await pace();
      stats.requests++;
      try {
        const result = await attempt(body);
        return { ...result, costUsd: costOf(result.promptTokens, result.completionTokens), cached: false, attempts };
      } catch (error) {
        if (!(error instanceof TransientError)) {
          stats.failures++;
          throw error;
        }
        const asked = error.retryAfterMs ?? 0;
        const refusal = asked > maxRetryAfterSeconds * 1000 ? `; its Retry-After of ${seconds(asked)} s is more than maxRetryAfterSeconds (${maxRetryAfterSeconds} s)` : '';
        if (refusal || attempts > maxRetries) {
          stats.failures++;
          throw new LlmError(error.kind, `${url}: ${error.message}${refusal}, after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
        }
        stats.retries++;
        const backoff = backoffMs(attempts, baseDelay);
        await sleep(Math.max(backoff, asked));
      }
    }
  }

  return {
    async chat(messages, { json = true } = {}) {
      const request = { ...parameters, messages, ...(json && { response_format: { type: 'json_object' } }) };
      const body = JSON.stringify(request);
      const scope = currentTry.getStore();
      if (scope) scope.modelCalls++;
      // The key leaves out the endpoint's address: the same prompt to the same model is the same answer.
      const cacheFile = !scope && options.cacheDir && join(options.cacheDir, `${createHash('sha256').update(body).digest('hex')}.json`);
      if (cacheFile) {
        const hit = await readFile(cacheFile, 'utf8').then((text) => JSON.parse(text) as ChatResult, () => undefined);
        if (hit) {
          stats.cacheHits++;
          return { ...hit, cached: true, attempts: 0 };
        }
      }
      const result = await gate(() => withRetries(body));
      if (cacheFile) {
        await mkdir(dirname(cacheFile), { recursive: true });
        const temporary = `${cacheFile}.${randomUUID()}.tmp`;
        await writeFile(temporary, JSON.stringify(result));
        await rename(temporary, cacheFile);
      }
      return result;
    },
    stats: () => ({ ...stats }),
  };
}
