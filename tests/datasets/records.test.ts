import { describe, expect, it } from 'vitest';
import { isFinishedTicket, parseRecord, TicketSchema, type Ticket } from '../../datasets/records.ts';

const TICKETS: Array<[string, Ticket]> = [
  [
    'English',
    {
      id: 'T-1',
      source: 'csv',
      createdAt: '2025-03-04T14:30:00.000Z',
      closedAt: '2025-03-05T09:00:00.000Z',
      channel: 'email',
      language: 'en',
      subject: 'Where is my parcel?',
      customer: { email: 'nora@example.com', name: 'Nora Blake' },
      tags: ['shipping'],
      status: 'closed',
      satisfaction: 1,
      messages: [
        { role: 'customer', author: 'Nora Blake', sentAt: '2025-03-04T14:30:00.000Z', text: 'Where is my parcel #ML5001?' },
        { role: 'agent', sentAt: '2025-03-04T16:05:00.000Z', text: 'It ships today.', html: '<p>It ships today.</p>' },
      ],
    },
  ],
  [
    'French',
    {
      id: '1001',
      source: 'csv',
      createdAt: '2025-04-03T12:30:00+02:00',
      channel: 'e-mail',
      subject: 'Remboursement',
      customer: {},
      tags: [],
      messages: [{ id: 'm1', role: 'customer', sentAt: '2025-04-03T12:30:00.586Z', text: 'Je voudrais être remboursée.', internal: false, macro: 'Remboursement', personal: ['@amelie'] }],
    },
  ],
];

/** Changes that each make a ticket one the schema rejects, or one it returns in another key order. */
const BREAKS: Array<[string, (ticket: Record<string, unknown>) => unknown]> = [
  ['an empty id', (ticket) => ({ ...ticket, id: '' })],
  ['a date without its zone', (ticket) => ({ ...ticket, createdAt: '2025-03-04T14:30:00' })],
  ['30 February', (ticket) => ({ ...ticket, createdAt: '2025-02-30T14:30:00.000Z' })],
  ['a satisfaction above 1', (ticket) => ({ ...ticket, satisfaction: 4 })],
  ['a satisfaction that is not a number', (ticket) => ({ ...ticket, satisfaction: Number.NaN })],
  ['a key the schema does not know', (ticket) => ({ ...ticket, priority: 'high' })],
  ['keys in another order', ({ id, source, ...rest }) => ({ source, id, ...rest })],
  ['no message', (ticket) => ({ ...ticket, messages: [] })],
  ['a message with an unknown role', (ticket) => ({ ...ticket, messages: [{ ...(ticket.messages as object[])[0], role: 'robot' }] })],
  ['a tag that is not text', (ticket) => ({ ...ticket, tags: [1] })],
  ['a customer with another key', (ticket) => ({ ...ticket, customer: { phone: '0600000000' } })],
];

describe('isFinishedTicket', () => {
  it.each(TICKETS)('takes a valid ticket in the schema order as it is (%s)', (_language, ticket) => {
    expect(isFinishedTicket(ticket)).toBe(true);
    expect(JSON.stringify(TicketSchema.parse(ticket))).toBe(JSON.stringify(ticket));
    expect(parseRecord('ticket', ticket).data).toBe(ticket);
  });

  for (const [language, ticket] of TICKETS) {
    it.each(BREAKS)(`leaves to the schema a ticket with %s (${language})`, (_what, change) => {
      const changed = change(ticket as unknown as Record<string, unknown>);
      expect(isFinishedTicket(changed)).toBe(false);
      const parsed = parseRecord('ticket', changed);
      const schema = TicketSchema.safeParse(changed);
      expect(parsed.success).toBe(schema.success);
      expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(schema.data));
      expect(parsed.error?.issues).toEqual(schema.error?.issues);
    });
  }
});
