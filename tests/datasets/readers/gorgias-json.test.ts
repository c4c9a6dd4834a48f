import { aloneItem } from '../../../pipelines/join.ts';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted, HUGE_BODY } from './_ticket-items.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();
const pages = fixture('gorgias-json/tickets-pages.json');

describe('gorgias-json', () => {
  it('reads two paginated {data, meta} pages into tickets with ordered, cleaned messages and roles', async () => {
    const items = await read('gorgias-json', pages);
    expectAccounted(items, 8);
    const [first, chat, pageTwo] = records<Ticket>(items);
    expect(first).toEqual({
      id: '601',
      source: 'gorgias',
      createdAt: '2025-03-04T10:02:11.123Z',
      closedAt: '2025-03-05T09:00:00.000Z',
      channel: 'email',
      language: 'fr',
      subject: 'Commande #ML3001 pas reçue',
      customer: { id: '9101', email: 'lea.petit@exemple.fr', name: 'Léa Petit' },
      tags: ['where-is-my-order', 'urgent'],
      assignee: 'Camille Roux',
      status: 'closed',
      satisfaction: 0.75,
      spam: false,
      messages: [
        {
          id: '11',
          role: 'customer',
          author: 'Léa Petit',
          sentAt: '2025-03-04T10:02:11.123Z',
          // Quoted history and the device signature are gone from the text; the raw HTML is kept.
          text: "Bonjour,\n\nJe n'ai toujours pas reçu ma commande #ML3001.",
          html: '<div>Bonjour,<br><br>Je n\'ai toujours pas reçu ma commande <b>#ML3001</b>.<br><br>Envoyé de mon iPhone</div><div class="gmail_quote">Le lun. 3 mars 2025 à 10:00, Maison Lune a écrit :<blockquote>Merci pour votre commande !</blockquote></div>',
        },
        { id: '12', role: 'system', author: 'Maison Lune', sentAt: '2025-03-04T10:03:00.000Z', text: 'Merci pour votre message ! Nous répondons du lundi au vendredi.' },
        { id: '14', role: 'agent', author: 'Camille Roux', sentAt: '2025-03-04T14:00:00.000Z', text: 'Colis bloqué au dépôt, relancé le transporteur.', internal: true },
        {
          id: '13',
          role: 'agent',
          author: 'Camille Roux',
          sentAt: '2025-03-04T15:00:02.000Z',
          text: 'Bonjour Léa,\n\nVotre commande #ML3001 est partie : https://suivi.example/7B456',
          html: '<p>Bonjour Léa,</p><p>Votre commande #ML3001 est partie : <a href="https://suivi.example/7B456">https://suivi.example/7B456</a></p><p>Belle journée,<br>Camille<br>Maison Lune</p>',
          macro: 'FR - où est ma commande',
        },
        { id: '15', role: 'customer', author: 'lea.petit@exemple.fr', sentAt: '2025-03-05T08:00:00.000Z', text: 'Merci beaucoup !' },
      ],
    });
    expect(items[0]).not.toHaveProperty('warnings');

    // No from_agent: the ticket's customer is the customer, anyone else an agent.
    expect(chat!.messages.map((message) => [message.role, message.author])).toEqual([
      ['customer', 'tom@example.com'],
      ['agent', 'hugo@maisonlune.fr'],
    ]);
    expect(chat).toMatchObject({ customer: { name: 'Tom Baker' }, assignee: 'hugo@maisonlune.fr', satisfaction: 1 });
    expect(chat!.closedAt).toBeUndefined();
    expect(items[1]).toMatchObject({ warnings: ['closed_datetime is not a readable date ("sometime next week") and was left out'] });

    expect(pageTwo).toMatchObject({ id: '607', tags: ['vip', 'returns'], customer: { email: 'ana@example.com' } });
  });

  it('skips each broken ticket with its line and reason, and reads on', async () => {
    const items = await read('gorgias-json', pages);
    expect(skips(items)).toEqual([
      [35, expect.stringMatching(/^invalid JSON/)],
      [36, 'missing or unreadable creation date (field "created_datetime": null)'],
      [40, 'the ticket has no messages in its file, and no other file brings its messages: export the messages too (Gorgias GET /api/messages), or the tickets with their messages'],
      [41, 'the ticket has no message with any text'],
      [43, 'missing ticket id (field "id")'],
    ]);
    expect(items.map(aloneItem).flatMap((item) => (item.type === 'skip' ? [item.at.id ?? null] : []))).toEqual([null, '604', '605', '606', null]);
  });

  it('reads a plain array and NDJSON, leaving out a message without a date', async () => {
    const array = await read('gorgias-json', fixture('gorgias-json/tickets-array.json'));
    expectAccounted(array, 2);
    const [refund, sms] = records<Ticket>(array);
    expect(refund!.createdAt).toBe('2025-04-01T06:00:00.000Z');
    expect(refund!.messages.map((message) => [message.role, message.sentAt])).toEqual([
      ['customer', '2025-04-01T06:00:00.000Z'],
      ['agent', '2025-04-01T07:00:00.000Z'],
    ]);
    expect(sms).toEqual({
      id: '702',
      source: 'gorgias',
      createdAt: '2025-04-02T08:00:00.000Z',
      channel: 'sms',
      subject: '',
      customer: {},
      tags: [],
      status: 'open',
      messages: [{ id: '3', role: 'customer', sentAt: '2025-04-02T08:00:00.000Z', text: 'Stop' }],
    });

    const ndjson = await read('gorgias-json', fixture('gorgias-json/tickets.ndjson'));
    expectAccounted(ndjson, 3);
    expect(skips(ndjson)).toEqual([[2, expect.stringMatching(/^invalid JSON/)]]);
    expect(ndjson[2]).toMatchObject({ type: 'record', warnings: ['message 3 has no readable created_datetime and was left out'] });
    expect(records<Ticket>(ndjson)[1]!.messages.map((message) => message.text)).toEqual(['Fourth']);
  });

  it('skips a ticket whose messages all lack a date, saying why', async () => {
    const dir = await tempDir();
    const file = await writeTemp(
      dir,
      'undated.json',
      JSON.stringify([{ id: 1, created_datetime: '2025-01-01T00:00:00Z', messages: [{ id: 7, from_agent: false, body_text: 'Hi' }] }]),
    );
    expect(skips(await read('gorgias-json', file))).toEqual([[1, 'the ticket has no message with any text (message 7 has no readable created_datetime and was left out)']]);
  });

  it('cuts a 10 MB body with a warning and keeps the ticket', async () => {
    const dir = await tempDir();
    const ticket = (id: number, body: string) =>
      JSON.stringify({ id, channel: 'email', subject: 's', created_datetime: '2025-01-01T00:00:00Z', messages: [{ from_agent: false, body_text: body, created_datetime: '2025-01-01T00:00:00Z' }] });
    const file = await writeTemp(dir, 'export.ndjson', `${ticket(1, HUGE_BODY)}\n${ticket(2, 'small')}\n`);
    const items = await read('gorgias-json', file);
    expectAccounted(items, 2);
    expect(records<Ticket>(items)[0]!.messages[0]!.text).toHaveLength(100_000);
    expect(items[0]).toMatchObject({ warnings: ['message body of 10,485,760 characters cut to 100,000'] });
    expect(items[1]).not.toHaveProperty('warnings');
  });

  it('reports a truncated file as one skip for its last record', async () => {
    const dir = await tempDir();
    const text = await readFile(pages, 'utf8');
    const cut = await writeTemp(dir, 'cut.json', text.slice(0, text.indexOf('"id": 602') + 40));
    const items = await read('gorgias-json', cut);
    expectAccounted(items, 2);
    expect(skips(items)).toEqual([[28, expect.stringContaining('unexpected end of file')]]);
  });

  it('reads nothing from an empty file or an empty page', async () => {
    const dir = await tempDir();
    expect(await read('gorgias-json', await writeTemp(dir, 'empty.json', ''))).toEqual([]);
    expect(await read('gorgias-json', await writeTemp(dir, 'page.json', '{"data": [], "meta": {"next_cursor": null}}'))).toEqual([]);
  });

  it('is detected for each shape, also as NDJSON named .jsonl', async () => {
    for (const name of ['tickets-pages.json', 'tickets-array.json', 'tickets.ndjson']) {
      expect(await detectedFormat(fixture(`gorgias-json/${name}`)), name).toBe('gorgias-json');
    }
    const dir = await tempDir();
    const jsonl = await writeTemp(dir, 'gorgias.jsonl', await readFile(fixture('gorgias-json/tickets.ndjson')));
    expect(await detectedFormat(jsonl)).toBe('gorgias-json');
  });
});
