import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted, HUGE_BODY } from './_ticket-items.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();
const incremental = fixture('zendesk-json/incremental-export.json');

describe('zendesk-json', () => {
  it('reads the {tickets: [...]} incremental export with comments in order, roles and internal notes', async () => {
    const items = await read('zendesk-json', incremental);
    expectAccounted(items, 6);
    const [solved, described, fromUsers] = records<Ticket>(items);
    expect(solved).toEqual({
      id: '8001',
      source: 'zendesk',
      createdAt: '2025-05-02T09:00:00.000Z',
      // Solved, with no metric set: its last update is the latest it can have closed.
      closedAt: '2025-05-04T12:00:00.000Z',
      channel: 'email',
      language: 'en-GB',
      subject: 'Wrong scent received',
      customer: { id: '55', email: 'grace@example.com', name: 'Grace Evans' },
      tags: ['wrong-item', 'exchange'],
      assignee: 'Hugo Bernard',
      status: 'solved',
      satisfaction: 1,
      messages: [
        {
          id: '1',
          role: 'customer',
          author: 'Grace Evans',
          sentAt: '2025-05-02T09:00:00.000Z',
          text: 'I received Ambre instead of Figuier.',
          html: '<div class="zd-comment"><p>I received Ambre instead of Figuier.</p><div class="gmail_quote">On Fri, May 2, 2025 at 9:00 AM Maison Lune wrote:<blockquote>Thanks for your order</blockquote></div></div>',
        },
        { id: '2', role: 'agent', author: 'Hugo Bernard', sentAt: '2025-05-02T10:00:00.000Z', text: 'Checked stock: Figuier available.', internal: true },
        {
          id: '3',
          role: 'agent',
          author: 'Hugo Bernard',
          sentAt: '2025-05-02T11:00:00.000Z',
          text: 'Sorry Grace! We are sending the right candle today.',
          html: '<div class="zd-comment"><p>Sorry Grace! We are sending the right candle today.</p><p>Best regards,<br>Hugo</p></div>',
        },
        // A collaborator copied in is on the customer side.
        { id: '4', role: 'customer', author: '56', sentAt: '2025-05-02T12:00:00.000Z', text: "Thanks from me too (I'm in copy)." },
      ],
    });
    expect(items[0]).toMatchObject({ warnings: ['comment 5 has no readable created_at and was left out'] });

    expect(described).toEqual({
      id: '8002',
      source: 'zendesk',
      createdAt: '2025-05-04T09:00:00.000Z',
      channel: 'web',
      subject: 'Shipping to Canada',
      customer: { id: '56' },
      tags: [],
      status: 'new',
      messages: [{ role: 'customer', sentAt: '2025-05-04T09:00:00.000Z', text: 'Do you ship to Canada?' }],
    });

    // An embedded author's role wins over the requester rule; a metric set's solved_at is the close date.
    expect(fromUsers!.messages.map((message) => [message.role, message.author])).toEqual([
      ['customer', 'Priya Shah'],
      ['agent', 'lead@maisonlune.fr'],
    ]);
    expect(fromUsers).toMatchObject({ closedAt: '2025-05-06T10:30:00.000Z', satisfaction: 0, channel: 'chat' });
  });

  it('skips each broken ticket with its line and reason, and reads on', async () => {
    const items = await read('zendesk-json', incremental);
    expect(skips(items)).toEqual([
      [24, expect.stringMatching(/^invalid JSON/)],
      [25, 'missing or unreadable creation date (field "created_at": null)'],
      [26, expect.stringMatching(/^the ticket has no messages in its file, and no other file brings its messages: export each ticket's comments/)],
    ]);
  });

  it('reads NDJSON and a plain array', async () => {
    const ndjson = await read('zendesk-json', fixture('zendesk-json/tickets.ndjson'));
    expectAccounted(ndjson, 2);
    expect(records<Ticket>(ndjson).map((ticket) => [ticket.id, ticket.closedAt ?? null, ticket.messages[0]!.role])).toEqual([
      ['9001', null, 'customer'],
      ['9002', '2025-06-03T08:00:00.000Z', 'customer'],
    ]);
    const array = await read('zendesk-json', fixture('zendesk-json/tickets-array.json'));
    expectAccounted(array, 1);
    expect(records<Ticket>(array)[0]).toMatchObject({ id: '9101', channel: 'api', status: 'pending', messages: [{ text: 'Hi from an array' }] });
  });

  it('cuts a 10 MB description with a warning and keeps the ticket', async () => {
    const dir = await tempDir();
    const file = await writeTemp(
      dir,
      'big.json',
      JSON.stringify({ tickets: [{ id: 1, created_at: '2025-01-01T00:00:00Z', requester_id: 2, description: HUGE_BODY }], end_of_stream: true }),
    );
    const items = await read('zendesk-json', file, { maxMessageChars: 5_000 });
    expectAccounted(items, 1);
    expect(records<Ticket>(items)[0]!.messages[0]!.text).toHaveLength(5_000);
    expect(items[0]).toMatchObject({ type: 'shell', shell: { warnings: ['message body of 10,485,760 characters cut to 5,000'] } });
  });

  it('reads nothing from an empty file or an empty export', async () => {
    const dir = await tempDir();
    expect(await read('zendesk-json', await writeTemp(dir, 'empty.json', ''))).toEqual([]);
    expect(await read('zendesk-json', await writeTemp(dir, 'none.json', '{"tickets": [], "end_of_stream": true}'))).toEqual([]);
  });

  it('is detected for each shape', async () => {
    for (const name of ['incremental-export.json', 'tickets.ndjson', 'tickets-array.json']) {
      expect(await detectedFormat(fixture(`zendesk-json/${name}`)), name).toBe('zendesk-json');
    }
  });
});
