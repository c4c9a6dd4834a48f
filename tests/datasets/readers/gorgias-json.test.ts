import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();

describe('gorgias-json', () => {
  it('reads paginated pages into tickets with ordered, cleaned messages and roles', async () => {
    const items = await read('gorgias-json', fixture('gorgias-tickets.json'));
    expect(items).toHaveLength(5);
    const [first, second] = records<Ticket>(items);
    expect(first).toMatchObject({
      id: '501',
      source: 'gorgias',
      createdAt: '2025-03-04T10:02:11.123Z',
      closedAt: '2025-03-05T09:00:00.000Z',
      channel: 'email',
      language: 'fr',
      customer: { id: '9001', email: 'julie.martin@exemple.fr', name: 'Julie Martin' },
      tags: ['where-is-my-order', 'urgent'],
      assignee: 'Camille Roux',
      satisfaction: 0.75,
    });
    expect(first!.messages.map((message) => [message.id, message.role, message.internal ?? false])).toEqual([
      ['1', 'customer', false],
      ['2', 'system', false],
      ['4', 'agent', true],
      ['3', 'agent', false],
      ['5', 'customer', false],
    ]);
    const [question, , , reply, thanks] = first!.messages;
    expect(question!.text).toBe('Bonjour,\n\nOù est ma commande #ML1042 ?');
    expect(question!.html).toContain('<b>#ML1042</b>');
    expect(reply!.text).toBe('Bonjour Julie,\n\nVotre commande #ML1042 est partie : https://suivi.example/6A123');
    expect(reply!.macro).toBe('FR - where is my order');
    expect(thanks!.text).toBe('Merci beaucoup !');
    expect(second).toMatchObject({ id: '505', tags: ['vip'], customer: { email: 'ana@example.com' } });
    expect(second!.customer.name).toBeUndefined();
  });

  it('skips broken tickets with their line and reads on', async () => {
    const items = await read('gorgias-json', fixture('gorgias-tickets.json'));
    expect(skips(items)).toEqual([
      [24, 'missing or unreadable created_datetime (null)'],
      [26, expect.stringMatching(/^invalid JSON/)],
      [27, 'the ticket has no message with any text'],
    ]);
  });

  it('reads NDJSON and cuts a 10 MB body with a warning', async () => {
    const dir = await tempDir();
    const ticket = (id: number, body: string) =>
      JSON.stringify({ id, channel: 'email', subject: 's', created_datetime: '2025-01-01T00:00:00Z', messages: [{ from_agent: false, body_text: body, created_datetime: '2025-01-01T00:00:00Z' }] });
    const file = await writeTemp(dir, 'export.ndjson', `${ticket(1, 'x'.repeat(10 * 1024 * 1024))}\n${ticket(2, 'small')}\n`);
    const items = await read('gorgias-json', file);
    expect(items.map((item) => item.type)).toEqual(['record', 'record']);
    expect(records<Ticket>(items)[0]!.messages[0]!.text).toHaveLength(100_000);
    expect(items[0]).toMatchObject({ warnings: ['message body of 10,485,760 characters cut to 100,000'] });
  });

  it('reads nothing from an empty file', async () => {
    const dir = await tempDir();
    expect(await collect((await import('../../../datasets/readers/index.ts')).readerFor('gorgias-json').read(await writeTemp(dir, 'e.json', ''), { maxMessageChars: 10 }))).toEqual([]);
  });
});
