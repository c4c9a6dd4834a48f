import { afterEach, describe, expect, it } from 'vitest';
import { candidateReplies, knownTicket, startFakeCandidate, ticketOfRequest, wrongTickets, type KnownTicket } from '../../bench/_gate-candidate.ts';
import type { Ticket } from '../../datasets/records.ts';
import { createLlmResponder } from '../../eval/responders/llm.ts';
import type { SearchHit } from '../../pipelines/search-tables.ts';
import type { TicketContext } from '../../eval/types.ts';
import type { FakeEndpoint } from '../helpers/llm-server.ts';

function ticket(id: string, language: 'fr' | 'en', topic: string, question: string, reply: string, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id,
    source: 'test',
    createdAt: `2026-09-${String(1 + (Number(id) % 28)).padStart(2, '0')}T10:00:00.000Z`,
    channel: 'email',
    language,
    subject: `${topic} ${language}`,
    customer: { name: `Client ${id}`, email: `c${id}@example.com` },
    tags: [topic, 'urgent'],
    messages: [
      { role: 'customer', sentAt: '2026-09-01T10:00:00.000Z', text: question },
      { role: 'agent', sentAt: '2026-09-01T11:00:00.000Z', text: reply },
    ],
    ...overrides,
  };
}

const TICKETS: Ticket[] = Array.from({ length: 40 }, (_, index) => {
  const id = String(100 + index);
  const language = index % 2 === 0 ? 'fr' : 'en';
  const topic = ['refund', 'shipping', 'invoice', 'return'][index % 4]!;
  return language === 'fr'
    ? ticket(id, 'fr', topic, `Bonjour, question ${id} sur ${topic} ?`, `Bonjour, voici la réponse ${id} (${topic}).`)
    : ticket(id, 'en', topic, `Hello, question ${id} about ${topic}?`, `Hello, here is answer ${id} (${topic}).`);
});
const KNOWN = TICKETS.map(knownTicket);
const byId = new Map(KNOWN.map((known) => [known.id, known]));
const ids = KNOWN.map((known) => known.id);

describe('the gate bench candidate', () => {
  it('knows a ticket by what its prompt shows, its first tag as topic and the agent reply', () => {
    expect(KNOWN[0]).toEqual({
      id: '100',
      day: '2026-09-17',
      customerName: 'Client 100',
      subject: 'refund fr',
      question: 'Bonjour, question 100 sur refund ?',
      language: 'fr',
      topic: 'refund',
      agentReply: 'Bonjour, voici la réponse 100 (refund).',
    });
    expect(knownTicket(ticket('7', 'en', 'refund', 'Hi?', 'x', { customer: {}, messages: [{ role: 'customer', sentAt: '2026-09-01T10:00:00.000Z', text: 'Hi?' }] }))).toMatchObject({ customerName: '(unknown)', agentReply: undefined });
  });

  it('draws exactly round(share × tickets) wrong tickets, the same for a seed whatever the order, others for another seed', () => {
    const drawn = wrongTickets(ids, 0.15, 7);
    expect(drawn.size).toBe(6);
    for (const id of drawn) expect(ids).toContain(id);
    expect([...wrongTickets([...ids].reverse(), 0.15, 7)].sort()).toEqual([...drawn].sort());
    expect([...wrongTickets(ids, 0.15, 8)].sort()).not.toEqual([...drawn].sort());
    expect(wrongTickets(ids, 0, 7).size).toBe(0);
    expect(wrongTickets(ids, 1, 7).size).toBe(40);
  });

  it('sends the agent reply, except on the wrong share: another ticket\'s reply, same language (French and English), another topic', () => {
    const replies = candidateReplies(KNOWN, 0.25, 11);
    const wrong = wrongTickets(ids, 0.25, 11);
    const languages = new Set<string | undefined>();
    for (const known of KNOWN) {
      const sent = replies.get(known.id);
      if (!wrong.has(known.id)) {
        expect(sent).toBe(known.agentReply);
        continue;
      }
      languages.add(known.language);
      const donor = KNOWN.find((other) => other.agentReply === sent)!;
      expect(donor.id).not.toBe(known.id);
      expect(donor.language).toBe(known.language);
      expect(donor.topic).not.toBe(known.topic);
    }
    expect(languages).toEqual(new Set(['fr', 'en']));
    expect(candidateReplies([...KNOWN].reverse(), 0.25, 11)).toEqual(replies);
    expect([...candidateReplies(KNOWN, 0, 11)].every(([id, sent]) => sent === byId.get(id)!.agentReply)).toBe(true);
  });

  it('answers with another topic in any language when the ticket\'s language has no other topic', () => {
    const lone = [knownTicket(ticket('1', 'fr', 'refund', 'Remboursement ?', 'Remboursé.')), knownTicket(ticket('2', 'en', 'shipping', 'Shipping?', 'Shipped.'))];
    expect(candidateReplies(lone, 1, 3)).toEqual(new Map([['1', 'Shipped.'], ['2', 'Remboursé.']]));
  });

  describe('over HTTP, asked by the real llm responder', () => {
    let endpoint: FakeEndpoint | undefined;
    afterEach(async () => {
      await endpoint?.close();
      endpoint = undefined;
    });

    const hits: SearchHit[] = [{ table: 'knowledge', id: 'kb-1', title: 'Returns', text: 'Returns within 30 days.', kind: 'article', score: 1 }];
    const contextOf = (source: Ticket): TicketContext => ({
      ticket: { id: source.id, subject: source.subject, question: source.messages[0]!.text, channel: source.channel, language: source.language!, customer: source.customer },
      asOf: source.createdAt,
      retrieve: (_query, options) => Promise.resolve(options?.table === 'knowledge' ? hits : []),
      orders: [],
    });

    it('tells each ticket\'s request apart (French and English, the same message from two customers) and cites the context it was given', async () => {
      const twins = [
        ticket('300', 'en', 'shipping', 'Is shipping free?', 'Free from €49, Lucas.', { createdAt: '2026-09-05T10:00:00.000Z', customer: { name: 'Lucas' } }),
        ticket('301', 'en', 'shipping', 'Is shipping free?', 'Free from €49, James.', { createdAt: '2026-09-05T10:00:00.000Z', customer: { name: 'James' } }),
      ];
      const known = [...KNOWN, ...twins.map(knownTicket)];
      const replies = candidateReplies(known, 0.25, 5);
      endpoint = await startFakeCandidate(known, replies);
      const llm = createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint.baseUrl, model: 'fake', maxRetries: 0 } });
      for (const source of [TICKETS[0]!, TICKETS[1]!, ...twins]) {
        const answer = await llm.respond(contextOf(source));
        expect(answer).toMatchObject({ decision: 'reply', text: replies.get(source.id), sources: [{ type: 'knowledge', id: 'kb-1' }] });
      }
      expect(endpoint.requests).toHaveLength(4);
    });

    it('fails, without a retry, a request it cannot tie to one ticket', async () => {
      endpoint = await startFakeCandidate(KNOWN, candidateReplies(KNOWN, 0, 1));
      const stranger = ticket('999', 'en', 'refund', 'Hello?', 'Hi.');
      // The answer carries the endpoint's error; the benchmark refuses a run with errors.
      const answer = await createLlmResponder({ endpoint: { baseUrl: endpoint.baseUrl, model: 'fake' } }).respond(contextOf(stranger));
      expect(answer).toMatchObject({ decision: 'escalate', text: '', failure: { kind: 'provider-error', message: expect.stringMatching(/HTTP 400.*cannot tell which ticket/) } });
      expect(endpoint.requests).toHaveLength(1);
    });

    it('escalates a ticket without an agent reply', async () => {
      const silent = ticket('400', 'fr', 'refund', 'Où est mon colis ?', '', { messages: [{ role: 'customer', sentAt: '2026-09-01T10:00:00.000Z', text: 'Où est mon colis ?' }] });
      const known = [knownTicket(silent)];
      endpoint = await startFakeCandidate(known, candidateReplies(known, 0, 1));
      const answer = await createLlmResponder({ endpoint: { baseUrl: endpoint.baseUrl, model: 'fake', maxRetries: 0 } }).respond(contextOf(silent));
      expect(answer).toMatchObject({ decision: 'escalate', text: '' });
    });
  });

  it('names no ticket for a request no ticket, or two, could have made, rather than guess', () => {
    const request = (content: string) => ({ body: { model: 'fake', temperature: 0, messages: [{ role: 'system', content: '' }, { role: 'user', content }] }, headers: {} });
    const first: KnownTicket = KNOWN[0]!;
    const prompt = `Date: ${first.day}\nCustomer: ${first.customerName} (language: fr)\n\nSubject: ${first.subject}\nMessage:\n${first.question}`;
    expect(ticketOfRequest(KNOWN, request(prompt))).toBe('100');
    expect(ticketOfRequest(KNOWN, request(prompt.replace(first.question, 'Autre chose ?')))).toBeUndefined();
    expect(ticketOfRequest(KNOWN, request(prompt.replace(first.day, '2020-01-01')))).toBeUndefined();
    expect(ticketOfRequest([...KNOWN, { ...first, id: 'twin' }], request(prompt))).toBeUndefined();
  });
});
