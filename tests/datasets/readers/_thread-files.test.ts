import { describe, expect, it } from 'vitest';
import { ticketIdInPath } from '../../../datasets/readers/_thread-files.ts';

describe('per-ticket files', () => {
  it('finds the ticket a per-ticket comments or conversations file is named after', () => {
    expect(ticketIdInPath('/exports/zendesk/ticket-8001-comments-2.json')).toBe('8001');
    expect(ticketIdInPath('/exports/2025/8001-conversations.json')).toBe('8001');
    expect(ticketIdInPath('/exports/tickets/8001/comments.json')).toBe('8001');
    expect(ticketIdInPath('/exports/comments.json')).toBeUndefined();
  });
});
