import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../datasets/records.ts';
import { importAdvice, importSources, type ImportReport } from '../../pipelines/import.ts';
import { readRecords } from '../../pipelines/workspace.ts';
import { useTempDir, writeTemp } from '../helpers/temp.ts';

const tempDir = useTempDir();
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

async function tickets(workspace: string): Promise<Map<string, Ticket>> {
  const all = new Map<string, Ticket>();
  for await (const ticket of readRecords(workspace, 'ticket')) all.set(ticket.id, ticket);
  return all;
}

const turns = (ticket: Ticket | undefined) => ticket?.messages.map((message) => [message.role, message.text, message.internal ?? false]);

function fileRow(report: ImportReport, name: string) {
  return report.files.find((file) => file.file.endsWith(name));
}

describe('tickets joined to messages from other files', () => {
  const zendesk = ['zendesk-json/joined/tickets.json', 'zendesk-json/joined/ticket-8101-comments.json', 'zendesk-json/joined/ticket-events.json'];

  it.each([
    ['tickets first', zendesk],
    ['comments and events first', [...zendesk].reverse()],
  ])('Zendesk: tickets list + comments page + ticket events, %s', async (_, files) => {
    const workspace = join(await tempDir(), 'ws');
    const report = await importSources(files.map((file) => ({ path: fixture(file) })), { workspace });
    expect(report.committed).toBe(true);
    const all = await tickets(workspace);
    // French: the comments page; the agent's reply has its text only in `body` (plain_body and html_body are empty strings).
    expect(turns(all.get('8101'))).toEqual([
      ['customer', "Bonjour, ma commande #1042 n'est toujours pas arrivée.", false],
      ['agent', 'Vérifié chez Colissimo.', true],
      ['agent', 'Bonjour Camille, votre colis a été remis au transporteur hier : suivi 1Z999AA10123456784.', false],
    ]);
    // English: ticket events with comment events; the description is not repeated.
    expect(turns(all.get('8102'))).toEqual([
      ['customer', 'My candle arrived with a cracked jar, can I get a refund?', false],
      ['agent', 'Sorry about that! A refund of 29.00 EUR is on its way.', false],
    ]);
    // Records are counted as records: three comments, three events.
    expect(fileRow(report, 'ticket-8101-comments.json')).toMatchObject({ read: 3, imported: 3, skipped: 0 });
    expect(fileRow(report, 'ticket-events.json')).toMatchObject({ read: 3, imported: 3, skipped: 0 });
    expect(fileRow(report, 'tickets.json')).toMatchObject({ read: 2, imported: 2, records: { ticket: 2 } });
    expect(report.judgeable).toEqual({ tickets: 2, judgeable: 2, not: {} });
  });

  it('Gorgias: /api/tickets and /api/messages pages, from two folders, with the older requester key', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'messages'));
    await mkdir(join(dir, 'tickets'));
    await copyFile(fixture('gorgias-json/joined/messages.json'), join(dir, 'messages', 'page-1.json'));
    await copyFile(fixture('gorgias-json/joined/tickets.json'), join(dir, 'tickets', 'page-1.json'));
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: join(dir, 'messages') }, { path: join(dir, 'tickets') }], { workspace });
    const all = await tickets(workspace);
    expect(turns(all.get('3101'))).toEqual([
      ['customer', "Bonjour, puis-je changer l'adresse de livraison de ma commande ?", false],
      ['agent', "Bonjour Léa, c'est fait : la commande partira au 12 rue des Lilas.", false],
    ]);
    expect(all.get('3101')!.messages[1]).toMatchObject({ macro: 'Adresse modifiée', author: 'Hugo Bernard' });
    // A rule's auto-reply is the system speaking: nothing to judge an answer against.
    expect(turns(all.get('3102'))).toEqual([
      ['customer', 'Do you offer gift wrapping?', false],
      ['system', 'Thanks for your message! We answer within 24 hours.', false],
    ]);
    expect(all.get('3102')!.customer).toEqual({ id: '502', email: 'sam@example.com', name: 'Sam Reed' });
    expect(report.judgeable).toEqual({ tickets: 2, judgeable: 1, not: { 'no-reply': 1 } });
    expect(fileRow(report, join('messages', 'page-1.json'))).toMatchObject({ read: 4, imported: 4 });
  });

  it('Freshdesk: tickets JSON + conversations JSON, and the CSV without Description + conversations', async () => {
    const conversations = ['freshdesk-json/ticket-5001-conversations.json', 'freshdesk-json/ticket-5002-conversations.json'].map((file) => ({ path: fixture(file) }));
    for (const tickets$ of ['freshdesk-json/tickets.json', 'freshdesk-csv/tickets-no-description.csv']) {
      const workspace = join(await tempDir(), 'ws');
      const report = await importSources([...conversations, { path: fixture(tickets$) }], { workspace });
      const all = await tickets(workspace);
      const fromJson = tickets$.endsWith('.json');
      expect(turns(all.get('5001')), tickets$).toEqual([
        // The CSV without Description has no first message; the conversations still bring the rest.
        ...(fromJson ? [['customer', 'Bonjour, ma bougie est arrivée cassée. Que faire ?', false]] : []),
        ['agent', 'Commande à remplacer, stock OK.', true],
        ['agent', "Bonjour Inès, désolés ! Une nouvelle bougie part aujourd'hui.", false],
        ['customer', 'Merci beaucoup !', false],
      ]);
      expect(turns(all.get('5002')), tickets$).toEqual([
        ...(fromJson ? [['customer', 'Hi, do you ship to Norway?', false]] : []),
        ['agent', 'Hi! Yes, we ship to Norway in 5 to 7 days.', false],
      ]);
      expect(report.judgeable?.judgeable, tickets$).toBe(fromJson ? 2 : 0);
      if (fromJson) expect(all.get('5001')).toMatchObject({ status: 'closed', channel: 'email', closedAt: '2025-07-01T12:00:00.000Z' });
    }
  });

  it('messages without their tickets: a clear reason naming what else to export, and nothing committed (EN and FR text)', async () => {
    const workspace = join(await tempDir(), 'ws');
    const report = await importSources(
      [{ path: fixture('zendesk-json/joined/ticket-8101-comments.json') }, { path: fixture('gorgias-json/joined/messages.json') }],
      { workspace },
    );
    expect(report.committed).toBe(false);
    expect(report.totals).toMatchObject({ read: 7, imported: 0, skipped: 7 });
    expect(report.files[0]!.skips[0]!.reason).toBe(
      'ticket 8101 is in none of the files read, so its message cannot be replayed: export the tickets too (Zendesk incremental ticket export, GET /api/v2/incremental/tickets/cursor) and import them with these files',
    );
    expect(report.missing).toEqual([
      'export the tickets too (Zendesk incremental ticket export, GET /api/v2/incremental/tickets/cursor) and import them with these files',
      'export the tickets too (Gorgias GET /api/tickets) and import them with these files',
    ]);
    expect(importAdvice(report)).toEqual(report.missing!.map((missing) => `Messages came without their tickets: ${missing}.`));
    // Nothing half-written: no import folder was kept.
    expect(await readdir(join(workspace, 'imports')).catch(() => [])).toEqual([]);
  });

  it('a tickets list alone imports its descriptions, and says none can be judged and what to export', async () => {
    const workspace = join(await tempDir(), 'ws');
    const report = await importSources([{ path: fixture('zendesk-json/joined/tickets.json') }], { workspace });
    expect(report.committed).toBe(true);
    expect(report.judgeable).toEqual({ tickets: 2, judgeable: 0, not: { 'no-reply': 2 } });
    expect(report.ticketSources).toEqual(['zendesk']);
    expect(importAdvice(report)).toEqual([
      '0 of 2 tickets can be judged (a customer question and an agent reply after it): none can, so a replay would measure nothing (2 no agent reply). ' +
        "To fix it, Zendesk: export each ticket's comments (GET /api/v2/tickets/{id}/comments) or the incremental ticket events with comment events (GET /api/v2/incremental/ticket_events?include=comment_events).",
    ]);
  });

  it('comments pages that overlap give each comment once', async () => {
    const dir = await tempDir();
    const page = await writeTemp(dir, 'ticket-8101-comments-2.json', JSON.stringify({ comments: [{ id: 9003, author_id: 9, public: true, body: 'Bonjour Camille, votre colis a été remis au transporteur hier : suivi 1Z999AA10123456784.', created_at: '2025-06-02T10:00:00Z' }] }));
    const workspace = join(dir, 'ws');
    await importSources([{ path: fixture('zendesk-json/joined/tickets.json') }, { path: fixture('zendesk-json/joined/ticket-8101-comments.json') }, { path: page }], { workspace });
    expect((await tickets(workspace)).get('8101')!.messages).toHaveLength(3);
  });
});
