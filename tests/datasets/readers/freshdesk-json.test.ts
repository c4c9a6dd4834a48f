import { describe, expect, it } from 'vitest';
import { detectedFormat, expectAccounted } from './_ticket-items.ts';
import { fixture, read, skips } from './_read.ts';

describe('freshdesk-json', () => {
  it('reads API tickets as tickets waiting for their conversations, with status and source named (FR and EN)', async () => {
    const items = await read('freshdesk-json', fixture('freshdesk-json/tickets.json'));
    expectAccounted(items, 2);
    expect(items.map((item) => item.type)).toEqual(['shell', 'shell']);
    const [french, english] = items.flatMap((item) => (item.type === 'shell' ? [item.shell] : []));
    expect(french!.ticket).toMatchObject({ id: '5001', source: 'freshdesk', status: 'closed', channel: 'email', subject: 'Bougie cassée à la livraison', customer: { id: '43000001', email: 'ines@example.fr', name: 'Inès Roux' } });
    expect(french!.messages).toEqual([
      { role: 'customer', sentAt: '2025-07-01T08:00:00.000Z', text: 'Bonjour, ma bougie est arrivée cassée. Que faire ?', html: '<div>Bonjour, ma bougie est arrivée cassée. Que faire ?</div>' },
    ]);
    expect(english!.ticket).toMatchObject({ id: '5002', status: 'open', channel: 'portal' });
  });

  it('reads conversations, one record each, with the ticket from the record', async () => {
    const items = await read('freshdesk-json', fixture('freshdesk-json/ticket-5001-conversations.json'));
    expectAccounted(items, 3);
    const threads = items.flatMap((item) => (item.type === 'thread' ? [item.thread] : []));
    expect(threads.map((thread) => [thread.ticketId, thread.messages[0]!.role ?? null, thread.messages[0]!.internal ?? false])).toEqual([
      ['5001', null, false],
      ['5001', null, true],
      ['5001', 'customer', false],
    ]);
    // Read alone, the conversations say what else to export.
    expect(skips(items)[0]![1]).toContain('export the tickets too (GET /api/v2/tickets?include=description');
  });

  it('is detected ahead of zendesk-json, and zendesk-json refuses a Freshdesk ticket instead of importing status "2"', async () => {
    expect(await detectedFormat(fixture('freshdesk-json/tickets.json'))).toBe('freshdesk-json');
    expect(await detectedFormat(fixture('freshdesk-json/ticket-5002-conversations.json'))).toBe('freshdesk-json');
    const forced = await read('zendesk-json', fixture('freshdesk-json/tickets.json'));
    expect(skips(forced).map(([, reason]) => reason)).toEqual([
      'the status is a number, as in Freshdesk: this is not a Zendesk ticket; import it with --format freshdesk-json',
      'the status is a number, as in Freshdesk: this is not a Zendesk ticket; import it with --format freshdesk-json',
    ]);
  });

  it('recognises the Freshdesk CSV without its Description column', async () => {
    expect(await detectedFormat(fixture('freshdesk-csv/tickets-no-description.csv'))).toBe('freshdesk-csv');
    const [, reason] = skips(await read('freshdesk-csv', fixture('freshdesk-csv/tickets-no-description.csv')))[0]!;
    expect(reason).toContain('the export has no Description column, so no ticket has its first message');
  });
});
