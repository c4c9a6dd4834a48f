import type { JudgedTicket } from '../../eval/judges/types.ts';

export type JudgedOverrides = Partial<Omit<JudgedTicket, 'resolution'>> & { resolution?: Partial<JudgedTicket['resolution']> };

/** A judged ticket with harmless defaults: escalated, unanswered, nothing resolved. */
export function judged(ticketId: string, overrides: JudgedOverrides = {}): JudgedTicket {
  const { resolution, ...rest } = overrides;
  return {
    candidate: 'a',
    ticketId,
    createdAt: '2024-03-05T10:00:00Z',
    month: '2024-03',
    channel: 'email',
    language: 'fr',
    tags: [],
    sent: false,
    answered: false,
    confidence: 0,
    verdict: 'cannot-judge',
    judges: [],
    outcome: 'agent-only',
    billable: true,
    agentActed: false,
    aiReplies: 0,
    costUsd: 0,
    ...rest,
    resolution: { contained: false, verified: false, confirmed: false, ...resolution },
  };
}

