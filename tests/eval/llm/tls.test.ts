import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmClient, LlmError } from '../../../eval/llm/client.ts';

/** A self-signed certificate for 127.0.0.1, valid until 2126: a private CA of its own. */
const CERT = fileURLToPath(new URL('../../fixtures/tls/127.0.0.1.cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../../fixtures/tls/127.0.0.1.key.pem', import.meta.url));
const CHILD = fileURLToPath(new URL('../../helpers/llm-chat-child.ts', import.meta.url));

describe('LLM client over HTTPS', () => {
  const ports: Array<number | undefined> = [];
  const server = createServer({ key: readFileSync(KEY), cert: readFileSync(CERT) }, (request, response) => {
    ports.push(request.socket.remotePort);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const question = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ content: string }> }).messages[0]!.content;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: `answer to ${question}` } }] }));
    });
  });
  let baseUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails at once on a certificate it does not trust, naming NODE_EXTRA_CA_CERTS', async () => {
    const client = createLlmClient({ baseUrl, model: 'm', retryBaseMs: 2000 });
    const error = (await client.chat([{ role: 'user', content: 'hello' }]).catch((caught: unknown) => caught)) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error.kind).toBe('provider-error');
    expect(error.message).toMatch(/^provider-error: https:\/\/127\.0\.0\.1:\d+'s TLS certificate was refused \(DEPTH_ZERO_SELF_SIGNED_CERT\): .*NODE_EXTRA_CA_CERTS/);
    expect(client.stats()).toMatchObject({ requests: 1, retries: 0, failures: 1 });
  });

  it('asks an endpoint whose CA is named in NODE_EXTRA_CA_CERTS, over one kept-alive connection', async () => {
    ports.length = 0;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx/esm', CHILD, baseUrl], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: CERT },
    });
    expect(JSON.parse(stdout)).toEqual(['answer to one', 'answer to two', 'answer to three']);
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(1);
  }, 30_000);
});
