import { describe, expect, it } from 'vitest';
import { adaptReply, newestOfClosest } from '../../../eval/responders/past-ticket.ts';
import type { TicketContext } from '../../../eval/types.ts';
import type { SearchHit } from '../../../pipelines/search-tables.ts';

const hit = (id: string, score: number, answeredAt: number): SearchHit => ({ table: 'tickets', id, title: id, text: id, answer: `answer ${id}`, score, answeredAt });

describe('past-ticket choice', () => {
  it('reuses the newest answer among those about as close as the closest, since policies change', () => {
    const hits = [hit('old-best', 0.9, 1_000), hit('new-close', 0.89, 5_000), hit('newest-far', 0.8, 9_000)];
    expect(newestOfClosest(hits)?.id).toBe('new-close');
    expect(newestOfClosest([hit('only', 0.5, 1)])?.id).toBe('only');
    expect(newestOfClosest([])).toBeUndefined();
  });
});

describe('adapting a past reply', () => {
  const context = (question: string, orders: TicketContext['orders'] = []) => ({ ticket: { question, customer: { name: 'Zoé Petit' } }, orders }) as unknown as TicketContext;

  it('puts the number this customer quoted where the earlier customer’s was', () => {
    const reply = 'Certainly! Let us check order number 00123842. Log in and open {{Order History}}.';
    expect(adaptReply(reply, context('where is order 113542617735902?'), 'see order 00123842 status')).toEqual({
      text: 'Certainly! Let us check order number 113542617735902. Log in and open {{Order History}}.',
      usedOrder: false,
    });
    expect(adaptReply(reply, context('where is my order?'), 'see order 00123842 status')).toEqual({ missing: 'the reply repeats a number the earlier customer gave, and this customer gave none' });
    // A number the earlier customer never gave (a phone line, a policy figure) is the brand's own: kept.
    expect(adaptReply('Call 0800123456 for help.', context('help'), 'order 00123842')).toEqual({ text: 'Call 0800123456 for help.', usedOrder: false });
  });

  it('answers about the order the customer quotes rather than their latest', () => {
    const orders = [
      { id: '#ML200', createdAt: '2025-03-02T10:00:00Z', trackingNumber: '6A00000020FR', trackingUrl: 'https://t.example/6A00000020FR', lineItems: [] },
      { id: '#ML100', createdAt: '2025-02-02T10:00:00Z', trackingNumber: '6A00000010FR', trackingUrl: 'https://t.example/6A00000010FR', lineItems: [] },
    ];
    const adapted = adaptReply('Your order #ML999 left with 6A00000099FR: https://t.example/6A00000099FR', context('Where is #ML100?', orders));
    expect(adapted).toEqual({ text: 'Your order #ML100 left with 6A00000010FR: https://t.example/6A00000010FR', usedOrder: true });
  });
});
