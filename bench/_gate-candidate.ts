import type { Ticket } from '../datasets/records.ts';
import { Random } from '../datasets/text/random.ts';
import { ticketHistory } from '../eval/judges/history.ts';
import { startFakeEndpoint, type FakeEndpoint, type RecordedRequest } from '../tests/helpers/llm-server.ts';

/**
 * The gate benchmark's candidate: an OpenAI-compatible endpoint on 127.0.0.1 that, asked by the
 * real `llm` responder, sends the agent's real reply to each ticket, except on a seeded share of
 * tickets where it sends the agent's reply to another ticket (same language, another topic). Every
 * choice depends on the seed and the ticket ids only, never on the order requests arrive in.
 */

/** A replayed ticket as the fake candidate knows it: what its request shows, its topic, the agent's reply. */
export interface KnownTicket {
  id: string;
  /** The default prompt opens with the day of the ticket and the customer's name… */
  day: string;
  customerName: string;
  /** …and ends with the subject and the customer's first message. */
  subject: string;
  question: string;
  language: string | undefined;
  /** The demo generator puts the intent first among a ticket's tags (then `urgent`, `vip`). */
  topic: string | undefined;
  agentReply: string | undefined;
}

export function knownTicket(ticket: Ticket): KnownTicket {
  const history = ticketHistory(ticket);
  return {
    id: ticket.id,
    day: ticket.createdAt.slice(0, 10),
    // As the responder fills {{customer_name}}.
    customerName: ticket.customer.name ?? '(unknown)',
    subject: ticket.subject,
    question: history.question?.text ?? '',
    language: ticket.language,
    topic: ticket.tags[0],
    agentReply: history.reference?.text,
  };
}

/** Exactly round(share × tickets) ticket ids, drawn by a seeded shuffle: the same ids, share and seed give the same set. */
export function wrongTickets(ids: readonly string[], share: number, seed: number): Set<string> {
  const shuffled = [...ids].sort();
  const random = new Random(seed);
  const count = Math.round(share * shuffled.length);
  for (let index = 0; index < count; index++) {
    const other = index + Math.floor(random.next() * (shuffled.length - index));
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return new Set(shuffled.slice(0, count));
}

/**
 * What the candidate sends to each ticket: the agent's reply, or on the seeded wrong share the
 * agent's reply to another ticket of the same language and another topic (any other topic when the
 * language has none). Undefined where the ticket has no agent reply: the candidate escalates.
 */
export function candidateReplies(tickets: readonly KnownTicket[], share: number, seed: number): Map<string, string | undefined> {
  const wrong = wrongTickets(
    tickets.map((ticket) => ticket.id),
    share,
    seed,
  );
  // Another stream than the draw of the wrong tickets, so the two choices do not shadow each other.
  const random = new Random(seed ^ 0x5bd1e995);
  const donors = [...tickets].filter((ticket) => ticket.agentReply !== undefined).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const replies = new Map<string, string | undefined>();
  for (const ticket of [...tickets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!wrong.has(ticket.id)) {
      replies.set(ticket.id, ticket.agentReply);
      continue;
    }
    const otherTopic = donors.filter((donor) => donor.topic !== ticket.topic);
    const sameLanguage = otherTopic.filter((donor) => donor.language === ticket.language);
    const pool = sameLanguage.length > 0 ? sameLanguage : otherTopic;
    replies.set(ticket.id, pool.length > 0 ? random.pick(pool).agentReply : undefined);
  }
  return replies;
}

/** The ticket a request of the `llm` responder's default prompt is about; undefined when no ticket, or more than one, could have made it. */
export function ticketOfRequest(tickets: readonly KnownTicket[], request: RecordedRequest): string | undefined {
  const prompt = request.body.messages.find((message) => message.role === 'user')?.content ?? '';
  const matches = tickets.filter(
    (ticket) => prompt.startsWith(`Date: ${ticket.day}\nCustomer: ${ticket.customerName} (`) && prompt.endsWith(`Subject: ${ticket.subject}\nMessage:\n${ticket.question}`),
  );
  return matches.length === 1 ? matches[0]!.id : undefined;
}

/** The [labels] of the context the prompt gives (`[K1] …`, `[T2] …` at the start of a line). */
function contextLabels(prompt: string): string[] {
  return [...prompt.matchAll(/^\[([KT]\d{1,3})\] /gm)].map((match) => match[1]!);
}

/**
 * The candidate's endpoint: for each request, the reply `replies` holds for its ticket, in the JSON
 * the responder reads, citing all the context it was given as a grounded model would.
 */
export function startFakeCandidate(tickets: readonly KnownTicket[], replies: ReadonlyMap<string, string | undefined>): Promise<FakeEndpoint> {
  return startFakeEndpoint((request) => {
    const ticket = ticketOfRequest(tickets, request);
    // A client error is not retried: the answer records it, and the benchmark refuses a run with errors.
    if (ticket === undefined) return { status: 400, body: '{"error":{"message":"the fake candidate cannot tell which ticket this request is about"}}' };
    const text = replies.get(ticket);
    const sources = contextLabels(request.body.messages.find((message) => message.role === 'user')?.content ?? '');
    const reply = text === undefined ? { decision: 'escalate', confidence: 0, answer: '', sources: [] } : { decision: 'reply', confidence: 0.9, answer: text, sources };
    return { reply: JSON.stringify(reply) };
  });
}
