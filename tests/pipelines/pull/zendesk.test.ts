import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullPages } from '../../../pipelines/pull/run.ts';
import type { Ticket } from '../../../datasets/records.ts';
import { pullHelpdesk } from '../../../pipelines/pull/pull.ts';
import { zendesk, zendeskEvents } from '../../../pipelines/pull/zendesk.ts';
import { readRecords } from '../../../pipelines/workspace.ts';
import { fakeAccount, type FakeApi } from '../../helpers/fake-api.ts';
import { collect, useTempDir } from '../../helpers/temp.ts';
import { startZendeskFake, ZENDESK_EMAIL, ZENDESK_TOKEN, type ZendeskFakeOptions } from '../../helpers/zendesk-fake.ts';

const tempDir = useTempDir();
const fakes: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const account = fakeAccount(250);
const window = { since: Date.parse('2023-12-01T00:00:00Z'), until: Date.parse('2026-01-01T00:00:00Z') };

async function fake(options: ZendeskFakeOptions = {}): Promise<FakeApi> {
  const api = await startZendeskFake(account, { exportPageSize: 100, ...options });
  fakes.push(api);
  return api;
}

const envFor = (api: FakeApi) => ({ ZENDESK_SUBDOMAIN: api.url, ZENDESK_EMAIL, ZENDESK_API_TOKEN: ZENDESK_TOKEN });
const fast = { retryBaseMs: 5, timeoutMs: 2000 };

describe('pull zendesk', () => {
  it('reads the whole incremental export, every comment page, articles with translations, macros and triggers', async () => {
    const api = await fake({ commentsPageSize: 2 });
    const out = await tempDir();
    const report = await pullPages(zendesk, { out, window, env: envFor(api), ...fast });

    const byName = Object.fromEntries(report.streams.map((stream) => [stream.stream, stream]));
    expect(byName.tickets).toMatchObject({ pages: 3, records: 250, perRecord: { stream: 'comments', records: [...Array(250).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0) } });
    expect(byName.articles).toMatchObject({ records: 5, perRecord: { stream: 'translations', records: 10 } });
    expect(byName.macros?.records).toBe(3);
    expect(byName.triggers?.records).toBe(2);

    const files = await readdir(out);
    expect(files.filter((name) => name.startsWith('tickets-'))).toEqual(['tickets-000001.json', 'tickets-000002.json', 'tickets-000003.json']);
    // Ticket 2 has 4 comments: two pages of 2, named after the ticket.
    expect(files.filter((name) => name.startsWith('comments-2-'))).toEqual(['comments-2-001.json', 'comments-2-002.json']);
    const last = JSON.parse(await readFile(join(out, 'tickets-000003.json'), 'utf8')) as { end_of_stream: boolean; tickets: unknown[] };
    expect(last.end_of_stream).toBe(true);
    expect(last.tickets).toHaveLength(50);
    expect(api.requests[0]?.query.get('start_time')).toBe(String(window.since / 1000));
  });

  it('removes the half-written page a kill left between its write and its rename', async () => {
    const api = await fake();
    const out = await tempDir();
    const leftover = 'comments-17-001.json.0b5d6a2e-4f1c-4c3a-9d7e-2a6f8e1b3c4d.tmp';
    await writeFile(join(out, leftover), '{"comments":[{"id":1701,"body":"Où est mon colis ? / Where is my parcel?"}');
    await pullPages(zendesk, { out, window, env: envFor(api), ...fast });
    expect((await readdir(out)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes each page byte for byte as the API sent it', async () => {
    const api = await fake();
    const out = await tempDir();
    await pullPages(zendesk, { out, window, env: envFor(api), ...fast });
    const sent = await fetch(`${api.url}/api/v2/tickets/7/comments.json?page%5Bsize%5D=100`, { headers: { authorization: `Basic ${Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64')}` } }).then((response) => response.text());
    expect(await readFile(join(out, 'comments-7-001.json'), 'utf8')).toBe(sent);
  });

  it('stops the export at the first page past --until', async () => {
    const api = await fake();
    const out = await tempDir();
    const until = account.createdAt(120);
    const report = await pullPages(zendesk, { out, window: { since: window.since, until }, env: envFor(api), ...fast });
    expect(report.streams[0]).toMatchObject({ pages: 2, records: 200 });
  });

  it('starts the export at --since', async () => {
    const api = await fake();
    const out = await tempDir();
    const report = await pullPages(zendesk, { out, window: { since: account.createdAt(201), until: window.until }, env: envFor(api), ...fast });
    expect(report.streams[0]?.records).toBe(50);
  });

  describe('--events: replies from the incremental ticket events export', () => {
    const messages = [...Array(250).keys()].reduce((sum, i) => sum + account.messagesOf(i + 1), 0);

    it('reads every comment event in pages of 1,000 instead of one request per ticket, following next_page to end_of_stream', async () => {
      const api = await fake({ eventsPageSize: 300 });
      const out = await tempDir();
      const report = await pullPages(zendeskEvents, { out, window, env: envFor(api), ...fast });
      const events = report.streams.find((stream) => stream.stream === 'ticket-events');
      // Each page after the first repeats the event at its edge second, as Zendesk's time-based export does.
      const pages = Math.ceil((messages - 1) / 299);
      expect(events).toEqual({ stream: 'ticket-events', pages, records: messages + pages - 1 });
      expect(report.streams[0]).toEqual({ stream: 'tickets', pages: 3, records: 250 });
      expect(api.requests.filter((request) => request.path.includes('/comments'))).toHaveLength(0);
      const asked = api.requests.filter((request) => request.path === '/api/v2/incremental/ticket_events.json');
      expect(asked[0]?.query.get('start_time')).toBe(String(window.since / 1000));
      expect(asked.every((request) => request.query.get('include') === 'comment_events')).toBe(true);
    });

    it('imports tickets joined with their comment events: ordered messages, customer and agent roles, in French and English', async () => {
      const api = await fake({ eventsPageSize: 300 });
      const workspace = join(await tempDir(), 'ws');
      const env = envFor(api);
      const report = await pullHelpdesk('zendesk', { events: true, workspace, env, since: '2023-12-01', until: '2026-01-01', ...fast });
      expect(report.pull.folder).toBe(join(workspace, 'pulled', 'zendesk-events'));
      expect(report.import?.judgeable).toEqual({ tickets: 250, judgeable: 250, not: {} });
      const tickets = new Map((await collect(readRecords(workspace, 'ticket'))).map((ticket: Ticket) => [ticket.id, ticket]));
      for (const [id, ticket] of tickets) {
        // One message per comment, the repeated edge events merged, the description not doubled.
        expect(ticket.messages.map((message) => message.role), id).toEqual(Array.from({ length: account.messagesOf(Number(id)) }, (_, turn) => (turn % 2 === 0 ? 'customer' : 'agent')));
      }
      expect(tickets.get('2')?.messages.map((message) => message.text)).toEqual([1, 2, 3, 4].map((turn) => (turn % 2 === 1 ? `Bonjour, où en est ma commande n°2 ? (message ${turn})` : 'Votre commande 2 est partie hier, voici le suivi.')));
      expect(tickets.get('3')?.messages.map((message) => message.text)).toEqual(['Hello, where is my order #3? (message 1)', 'Your order 3 shipped yesterday, here is the tracking link.']);
      expect(report.import?.missing).toBeUndefined();
    });

    it('is for Zendesk only, and a folder pulled one way is not resumed the other', async () => {
      await expect(pullHelpdesk('gorgias', { events: true, workspace: await tempDir() })).rejects.toThrow('--events reads Zendesk\'s ticket events export: gorgias has none, leave it out');
      const api = await fake();
      const out = await tempDir();
      await pullPages(zendeskEvents, { out, window, env: envFor(api), ...fast });
      await expect(pullPages(zendesk, { out, window, env: envFor(api), ...fast })).rejects.toThrow(/holds a zendesk pull made with other options \(it also read ticket-events; --events\?\)/);
    });
  });
});
