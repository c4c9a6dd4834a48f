import { describe, expect, it } from 'vitest';
import { fillMacro } from '../../../eval/responders/macro.ts';
import type { TicketContext } from '../../../eval/types.ts';

const context = (orders: TicketContext['orders']) =>
  ({ ticket: { customer: { name: 'Zoé Petit', email: 'zoe@example.com' }, language: 'fr' }, orders }) as unknown as TicketContext;
const order = { id: '#ML42', createdAt: '2025-03-02T10:00:00Z', total: 34.9, currency: 'EUR', trackingNumber: '6A00000042FR', trackingUrl: 'https://track.example/6A00000042FR', lineItems: [{ name: 'Bougie Figuier', quantity: 1 }] };

describe('macro filling', () => {
  it('fills Gorgias variables from the customer and their latest order, whatever the prefix and filters', () => {
    const text =
      'Bonjour {{ticket.customer.firstname}}, votre commande {{ticket.customer.integrations.shopify.orders[0].name}} du {{ ticket.customer.integrations.shopify.orders[0].created_at | datetime_format }} ({{ticket.customer.integrations.shopify.orders[0].total_price}}) suit son cours : {{ticket.customer.integrations.shopify.orders[0].fulfillments[0].tracking_url}}\n{{current_user.firstname}}';
    expect(fillMacro(text, context([order]), 'Léa')).toEqual({
      text: 'Bonjour Zoé, votre commande #ML42 du 2 mars 2025 (34,90\u00a0€) suit son cours : https://track.example/6A00000042FR\nLéa',
      usedOrder: true,
    });
  });

  it('names the first variable it cannot fill, so the responder escalates', () => {
    const text = 'Hello {{ticket.customer.firstname}}, tracking: {{ticket.customer.integrations.shopify.orders[0].fulfillments[0].tracking_number}} {{ticket.custom_fields.loyalty_tier}}';
    expect(fillMacro(text, context([]), 'Léa')).toEqual({ missing: 'ticket.customer.integrations.shopify.orders[0].fulfillments[0].tracking_number' });
    expect(fillMacro(text, context([order]), 'Léa')).toEqual({ missing: 'ticket.custom_fields.loyalty_tier' });
    expect(fillMacro('Hello {{ticket.customer.firstname}}, thanks!', context([]), 'Léa')).toEqual({ text: 'Hello Zoé, thanks!', usedOrder: false });
  });
});
