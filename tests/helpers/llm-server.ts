import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake endpoint does with one request. */
export type Behaviour =
  | { reply: string; promptTokens?: number; completionTokens?: number }
  | { status: number; retryAfter?: string; body?: string }
  | { hang: true }
  | { reset: true }
  | { raw: string };

export interface RecordedRequest {
  body: { model: string; temperature: number; messages: Array<{ role: string; content: string }>; response_format?: unknown };
  headers: IncomingMessage['headers'];
  /** The client's end of the connection: the same port for requests on a kept-alive connection. */
  remotePort?: number;
}

export interface FakeEndpoint {
  baseUrl: string;
  requests: RecordedRequest[];
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1, answering as `behave` says after `delayMs`
 * (a short default keeps requests overlapping, so the concurrency bound is observable; the LLM
 * benchmark sets a model's latency).
 */
export async function startFakeEndpoint(behave: (request: RecordedRequest, index: number) => Behaviour, { delayMs = 5 }: { delayMs?: number } = {}): Promise<FakeEndpoint> {
  let inFlight = 0;
  const endpoint: FakeEndpoint = { baseUrl: '', requests: [], maxInFlight: 0, close: async () => {} };
  const hanging: ServerResponse[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'], headers: incoming.headers, remotePort: incoming.socket.remotePort };
      const index = endpoint.requests.push(request) - 1;
      inFlight++;
      endpoint.maxInFlight = Math.max(endpoint.maxInFlight, inFlight);
      const behaviour = behave(request, index);
      setTimeout(() => {
        inFlight--;
        if ('hang' in behaviour) return void hanging.push(response);
        if ('reset' in behaviour) return void incoming.socket.destroy();
        if ('raw' in behaviour) return void response.writeHead(200, { 'content-type': 'application/json' }).end(behaviour.raw);
        if ('status' in behaviour) {
          return void response.writeHead(behaviour.status, behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}).end(behaviour.body ?? '{"error":{"message":"fault"}}');
        }
        const completion = {
          id: `chatcmpl-${index}`,
          object: 'chat.completion',
          model: request.body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: behaviour.reply }, finish_reason: 'stop' }],
          usage: { prompt_tokens: behaviour.promptTokens ?? 100, completion_tokens: behaviour.completionTokens ?? 20 },
        };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

/**
 * A 30% fault rate in every way an endpoint fails: 429 with Retry-After, 500, 503, a reset, a hang
 * past the client's timeout, truncated and invalid JSON. Seeded by the request and the attempt, so
 * a cached re-run meets the same faults and a retried request may succeed.
 */
export function faultOf(request: RecordedRequest, attempt: number): Behaviour | undefined {
  const roll = createHash('sha1').update(`${request.body.messages[1]!.content}/${attempt}`).digest().readUInt8(0) / 256;
  if (roll >= 0.3) return undefined;
  const faults: Behaviour[] = [{ status: 429, retryAfter: '0' }, { status: 500 }, { status: 503 }, { reset: true }, { hang: true }, { raw: '{"choices": [{"message": ' }, { raw: 'not json' }];
  return faults[Math.floor((roll / 0.3) * faults.length)]!;
}
