import { describe, expect, it } from 'vitest';
import { detectReader, probePath } from '../../../datasets/readers/index.ts';
import { KnowledgeDocSchema, type KnowledgeDoc } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { read, records, skips } from './_read.ts';

const tempDir = useTempDir();

/** A page of GET /api/v2/macros.json as Zendesk sends it. */
const MACROS_PAGE = JSON.stringify({
  macros: [
    {
      url: 'https://acme.zendesk.com/api/v2/macros/360.json', id: 360, title: 'Shipping::Where is my order', active: true, position: 1, description: null, default: false,
      restriction: null, raw_title: 'Shipping::Where is my order', created_at: '2024-01-05T10:00:00Z', updated_at: '2025-02-03T10:00:00Z',
      actions: [
        { field: 'comment_value', value: 'Hi {{ticket.requester.first_name}}, your order shipped: {{ticket.ticket_field_123}}.' },
        { field: 'set_tags', value: 'wismo shipping' },
        { field: 'status', value: 'pending' },
      ],
    },
    {
      id: 361, title: 'Retours::Étiquette', active: true, created_at: '2024-01-05T10:00:00Z', updated_at: '2024-03-01T10:00:00Z',
      actions: [
        { field: 'comment_value_html', value: '<p>Bonjour {{ticket.requester.first_name}},</p><p>Voici votre <strong>étiquette de retour</strong>.</p>' },
        { field: 'current_tags', value: 'retour' },
      ],
    },
    // Older macros give the comment as [channel, text].
    { id: 362, title: 'Legacy refund', active: false, created_at: '2023-01-05T10:00:00Z', updated_at: '2023-01-05T10:00:00Z', actions: [{ field: 'comment_value', value: ['channel:all', 'Your refund has been processed.'] }] },
    { id: 363, title: 'Close as spam', active: true, updated_at: '2024-01-05T10:00:00Z', actions: [{ field: 'status', value: 'closed' }, { field: 'set_tags', value: ['spam'] }] },
    { id: 364, title: 'Nothing', active: true, actions: [] },
    { title: 'No id', actions: [{ field: 'comment_value', value: 'x' }] },
  ],
  meta: { has_more: false, after_cursor: null, before_cursor: null },
  links: { next: null, prev: null },
}, null, 1);

describe('zendesk-macros reader', () => {
  it('keeps the comment each macro writes, with its placeholders, tags and date', async () => {
    const path = await writeTemp(await tempDir(), 'macros-000001.json', MACROS_PAGE);
    const items = await read('zendesk-macros', path);
    const docs = records<KnowledgeDoc>(items);
    // English, plain-text comment.
    expect(docs[0]).toEqual({
      id: 'zendesk-macro-360',
      kind: 'macro',
      title: 'Shipping::Where is my order',
      body: 'Hi {{ticket.requester.first_name}}, your order shipped: {{ticket.ticket_field_123}}.',
      variables: ['ticket.requester.first_name', 'ticket.ticket_field_123'],
      updatedAt: '2025-02-03T10:00:00.000Z',
      tags: ['wismo', 'shipping'],
    });
    // French, HTML comment as text.
    expect(docs[1]).toMatchObject({ id: 'zendesk-macro-361', title: 'Retours::Étiquette', body: 'Bonjour {{ticket.requester.first_name}},\n\nVoici votre étiquette de retour.', tags: ['retour'] });
    expect(docs[2]).toMatchObject({ id: 'zendesk-macro-362', body: 'Your refund has been processed.', tags: ['inactive'] });
    // A macro that writes nothing says what it does.
    expect(docs[3]).toMatchObject({ id: 'zendesk-macro-363', body: 'Sets status: closed\nSets tags: spam', tags: ['spam'] });
    for (const doc of docs) expect(KnowledgeDocSchema.safeParse(doc).success).toBe(true);
    expect(skips(items).map(([, reason]) => reason)).toEqual(['the macro has no actions', 'the macro "No id" has no id']);
    expect(items).toHaveLength(6);
  });

  it('is detected from the macros page pull writes, and not taken for Gorgias macros', async () => {
    const path = await writeTemp(await tempDir(), 'macros-000001.json', MACROS_PAGE);
    expect(detectReader(await probePath(path)).name).toBe('zendesk-macros');
  });
});
