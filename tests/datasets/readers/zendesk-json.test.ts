import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();

describe('zendesk-json', () => {
  it('reads comments with roles from the requester, internal notes and the description fallback', async () => {
    const items = await read('zendesk-json', fixture('zendesk-tickets.ndjson'));
    expect(items).toHaveLength(4);
    const [withComments, withDescription] = records<Ticket>(items);
    expect(withComments).toMatchObject({
      id: '7001',
      source: 'zendesk',
      channel: 'email',
      status: 'solved',
      closedAt: '2025-05-03T12:00:00.000Z',
      satisfaction: 1,
      customer: { id: '55', email: 'grace@example.com', name: 'Grace Evans' },
    });
    expect(withComments!.messages.map((message) => [message.role, message.internal ?? false, message.text])).toEqual([
      ['customer', false, 'I received Ambre instead of Figuier.'],
      ['agent', true, 'Checked stock.'],
      ['agent', false, 'Sorry! We are sending the right candle today.'],
    ]);
    expect(withDescription!.messages).toEqual([{ role: 'customer', sentAt: '2025-05-04T09:00:00.000Z', text: 'Do you ship to Canada?' }]);
    expect(skips(items)).toEqual([
      [3, expect.stringMatching(/^invalid JSON/)],
      [4, 'missing or unreadable created_at (null)'],
    ]);
  });

  it('takes the role from an embedded author and reads the {tickets: [...]} export shape', async () => {
    const dir = await tempDir();
    const file = await writeTemp(
      dir,
      'incremental.json',
      JSON.stringify({
        tickets: [
          {
            id: 1,
            created_at: '2025-01-01T00:00:00Z',
            requester_id: 5,
            comments: [
              { author_id: 6, author: { role: 'end-user', name: 'CC person' }, body: 'Any news?', created_at: '2025-01-01T00:00:00Z' },
              { author_id: 5, author: { role: 'admin' }, body: 'Yes.', created_at: '2025-01-01T01:00:00Z' },
            ],
          },
        ],
        end_of_stream: true,
      }),
    );
    const [ticket] = records<Ticket>(await read('zendesk-json', file));
    expect(ticket!.messages.map((message) => [message.role, message.author])).toEqual([
      ['customer', 'CC person'],
      ['agent', '5'],
    ]);
  });
});
