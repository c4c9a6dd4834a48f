import type { Message, Ticket } from '../../../datasets/records.ts';

/** Hand-made tickets for rules tests: a customer's first message at `at`, more messages as given. */

export function message(role: Message['role'], sentAt: string, text: string, extra: Partial<Message> = {}): Message {
  return { role, sentAt, text, ...extra };
}

export function ticket(id: string, createdAt: string, text: string, overrides: Partial<Ticket> = {}, more: Message[] = []): Ticket {
  return {
    id,
    source: 'test',
    createdAt,
    channel: 'email',
    language: 'fr',
    subject: `Ticket ${id}`,
    customer: { email: `client${id}@example.com`, name: 'Julie Martin' },
    tags: [],
    messages: [message('customer', createdAt, text), ...more],
    ...overrides,
  };
}
