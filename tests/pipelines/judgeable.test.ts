import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../datasets/records.ts';
import { whyNotJudgeable } from '../../pipelines/judgeable.ts';

function ticket(turns: Array<[Ticket['messages'][number]['role'], string, boolean?]>, extra: Partial<Ticket> = {}): Ticket {
  return {
    id: '1',
    source: 'zendesk',
    createdAt: '2025-01-01T08:00:00.000Z',
    channel: 'email',
    subject: '',
    customer: {},
    tags: [],
    messages: turns.map(([role, text, internal], index) => ({ role, text, sentAt: `2025-01-01T0${8 + index}:00:00.000Z`, ...(internal && { internal }) })),
    ...extra,
  };
}

describe('which tickets can be judged', () => {
  it('needs a customer question and a public agent reply after it (FR and EN)', () => {
    expect(whyNotJudgeable(ticket([['customer', 'Où est mon colis ?'], ['agent', 'Il arrive demain.']]))).toBeUndefined();
    expect(whyNotJudgeable(ticket([['customer', 'Where is my parcel?'], ['system', 'We got your message.']]))).toBe('no-reply');
    expect(whyNotJudgeable(ticket([['customer', 'Où est mon colis ?'], ['agent', 'Vérifié chez Colissimo.', true]]))).toBe('internal-reply-only');
    expect(whyNotJudgeable(ticket([['agent', 'Your parcel has shipped.'], ['customer', 'Thanks!']]))).toBe('reply-before-question');
    expect(whyNotJudgeable(ticket([['agent', 'Votre colis est parti.']]))).toBe('no-question');
    expect(whyNotJudgeable(ticket([['customer', 'Cheap watches'], ['agent', 'Spam']], { spam: true }))).toBe('spam');
  });
});
