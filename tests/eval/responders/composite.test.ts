import { describe, expect, it } from 'vitest';
import { type ChatResult, type LlmClient, LlmError } from '../../../eval/llm/client.ts';
import { createCompositeResponder } from '../../../eval/responders/composite.ts';
import { createLlmResponder } from '../../../eval/responders/llm.ts';
import { createPastTicketResponder } from '../../../eval/responders/past-ticket.ts';
import type { Responder, TicketContext } from '../../../eval/types.ts';
import type { SearchHit } from '../../../pipelines/search-tables.ts';

const PAST_REPLY = 'Hello, your parcel left our warehouse yesterday; the tracking link is in your confirmation e-mail.';

/** A ticket whose closest past ticket (similarity 0.86, so confidence 0.8) was answered. */
function ticketContext(pastTickets: SearchHit[] = [{ table: 'tickets', id: 'T-1042', title: 'Where is my order?', text: 'Where is my order?', answer: PAST_REPLY, answeredAt: Date.parse('2025-02-10'), score: 0.86 }]): TicketContext {
  return {
    ticket: { id: 'T-2001', subject: 'Where is my parcel?', question: 'I ordered a candle last week and nothing has arrived yet.', channel: 'email', language: 'en', customer: { name: 'Sam Carter', email: 'sam@example.com' } },
    asOf: '2025-03-04T09:00:00Z',
    retrieve: async (_query, options) => (options?.table === 'tickets' ? pastTickets : []),
    orders: [],
  } as TicketContext;
}

/** An LLM endpoint that answers every prompt with `content`, billed at these tokens and price. */
function endpointAnswering(content: string, billed: Omit<ChatResult, 'content' | 'attempts'>): LlmClient {
  return {
    chat: async () => ({ content, ...billed, attempts: billed.cached ? 0 : 1 }),
    stats: () => ({ requests: 1, retries: 0, cacheHits: billed.cached ? 1 : 0, failures: 0 }),
  };
}

const endpointDown: LlmClient = {
  chat: async () => {
    throw new LlmError('provider-error', 'HTTP 503 from https://api.example.com/v1 after 5 attempts');
  },
  stats: () => ({ requests: 5, retries: 4, cacheHits: 0, failures: 1 }),
};

const llm = (id: string, client: LlmClient): Responder => createLlmResponder({ id, endpoint: { baseUrl: 'https://api.example.com/v1', model: id } }, client);
const llmReply = (confidence: number) => JSON.stringify({ decision: 'reply', confidence, answer: 'Your order has shipped and should arrive within two days.', sources: [] });

describe('composite responder', () => {
  it('bills every part it asked, also the LLMs whose answers lost, and is cached only when every billed part was', async () => {
    const large = llm('llm-large', endpointAnswering(llmReply(0.7), { promptTokens: 1200, completionTokens: 150, costUsd: 0.0021, cached: false }));
    const small = llm('llm-small', endpointAnswering(llmReply(0.5), { promptTokens: 900, completionTokens: 80, costUsd: 0.0004, cached: true }));
    const answer = await createCompositeResponder([createPastTicketResponder(), large, small]).respond(ticketContext());

    expect(answer).toMatchObject({ decision: 'reply', text: PAST_REPLY, sources: [{ type: 'ticket', id: 'T-1042' }] });
    expect(answer.usage?.promptTokens).toBe(2100);
    expect(answer.usage?.completionTokens).toBe(230);
    expect(answer.usage?.costUsd).toBeCloseTo(0.0025, 10);
    expect(answer.cached).toBeUndefined();

    const replayed = llm('llm-large', endpointAnswering(llmReply(0.7), { promptTokens: 1200, completionTokens: 150, costUsd: 0.0021, cached: true }));
    expect((await createCompositeResponder([createPastTicketResponder(), replayed, small]).respond(ticketContext())).cached).toBe(true);
  });

  it('keeps a healthy part’s answer when another throws, and names the failure in the reason', async () => {
    const answer = await createCompositeResponder([llm('llm-large', endpointDown), createPastTicketResponder()]).respond(ticketContext());

    expect(answer).toMatchObject({ decision: 'reply', text: PAST_REPLY, confidence: expect.closeTo(0.8, 5) });
    expect(answer.failure).toBeUndefined();
    expect(answer.reason).toBe('part llm-large failed: provider-error: HTTP 503 from https://api.example.com/v1 after 5 attempts');
  });

  it('escalates with the healthy part’s own reason and the failed part named and billed, when the part that answered escalated', async () => {
    const unreadable = llm('llm-large', endpointAnswering('Sure! Here is my answer: your order shipped.', { promptTokens: 1100, completionTokens: 40, costUsd: 0.0015, cached: false }));
    const answer = await createCompositeResponder([createPastTicketResponder(), unreadable]).respond(ticketContext([]));

    expect(answer).toMatchObject({ decision: 'escalate', text: '', usage: { promptTokens: 1100, completionTokens: 40, costUsd: 0.0015 } });
    expect(answer.failure).toBeUndefined();
    expect(answer.reason).toBe(
      'no ticket had been answered before this one; part llm-large failed: invalid-output: the model did not answer with the expected JSON: Sure! Here is my answer: your order shipped.',
    );
  });

  it('fails only when every part failed, with the first part’s kind, naming each failure and billing what was spent', async () => {
    const unreadable = llm('llm-small', endpointAnswering('I cannot help with that.', { promptTokens: 700, completionTokens: 12, costUsd: 0.0002, cached: false }));
    const throwing: Responder = {
      id: 'past-ticket',
      respond: async () => {
        throw new Error('search index is locked by another run');
      },
    };
    const answer = await createCompositeResponder([unreadable, llm('llm-large', endpointDown), throwing]).respond(ticketContext());

    expect(answer).toMatchObject({ decision: 'escalate', text: '', confidence: 0, sources: [], usage: { promptTokens: 700, completionTokens: 12, costUsd: 0.0002 } });
    expect(answer.failure).toEqual({
      kind: 'invalid-output',
      message:
        'every part failed: part llm-small failed: invalid-output: the model did not answer with the expected JSON: I cannot help with that.; part llm-large failed: provider-error: HTTP 503 from https://api.example.com/v1 after 5 attempts; part past-ticket failed: provider-error: search index is locked by another run',
    });
  });

  it('keeps the tool actions of the chosen part only', async () => {
    const refunding: Responder = {
      id: 'refund-agent',
      respond: async () => ({
        decision: 'reply',
        text: 'I have refunded your order; the money will be back on your card within five days.',
        confidence: 0.95,
        sources: [],
        actions: [{ kind: 'refund', tool: 'shopify.refund', ok: true }],
        latencyMs: 3,
      }),
    };
    const answer = await createCompositeResponder([createPastTicketResponder(), refunding]).respond(ticketContext());
    expect(answer.actions).toEqual([{ kind: 'refund', tool: 'shopify.refund', ok: true }]);

    const outbid = await createCompositeResponder([createPastTicketResponder(), { ...refunding, respond: async () => ({ ...(await refunding.respond(ticketContext())), confidence: 0.2 }) }]).respond(ticketContext());
    expect(outbid.text).toBe(PAST_REPLY);
    expect(outbid.actions).toBeUndefined();
  });
});
