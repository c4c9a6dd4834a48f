import { z } from 'zod';
import type { KnowledgeKind } from '../../datasets/records.ts';
import type { SearchHit } from '../../pipelines/search-tables.ts';
import { detectActionClaims } from '../judges/actions.ts';
import { judgeGrounding, orderText } from '../judges/grounding.ts';
import { extractFacts, type Fact } from '../judges/key-facts.ts';
import type { AgentReply, Answer, PerformedAction, Responder, Source, TicketContext } from '../types.ts';
import { defineResponder } from './define.ts';

/** The oracle's candidate id, in runs and reports. */
export const ORACLE = 'oracle';

/** How the oracle names what the agent did: the history, not a tool of the oracle's own. */
export const AGENT_HISTORY_TOOL = 'agent (history)';

/** Knowledge passages of the ticket's time closest to each sentence of the agent's reply: the policy it was written from. */
const PASSAGES_PER_SENTENCE = 5;
/** Sentences of a reply: each may come from another article (a delay from shipping, a window from returns). */
const SENTENCE_RE = /[^.!?\n]+[.!?]*/g;
/** Macros are cited only when the agent applied one: a macro it did not use is another answer. */
const NOT_MACROS: readonly KnowledgeKind[] = ['article', 'policy', 'product', 'internal'];
/** Enough to hold every macro of a helpdesk's same-named family, so the agent's own is among them. */
const MACROS_SEARCHED = 50;
/** Past tickets searched for a fact of the reply that neither the orders nor the knowledge state. */
const PAST_TICKETS_SEARCHED = 10;

/** The sentence of `text` around `index`: what the agent reported about one action. */
function sentenceAt(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('\n', index), ...['. ', '! ', '? '].map((end) => text.lastIndexOf(end, index))) + 1;
  const ends = ['\n', '. ', '! ', '? '].map((end) => text.indexOf(end, index)).filter((at) => at >= 0);
  return text.slice(start, ends.length > 0 ? Math.min(...ends) + 1 : text.length).trim();
}

/**
 * The actions the agent's reply claims, as done: the agent who wrote "here is your code LUNE10-CLAIRE,
 * valid 7 days" did create it in the shop's systems, so the claim stands, and the sentence reporting
 * it is what that system gave back.
 */
function actionsOfAgent(reply: string, language: string | undefined): PerformedAction[] {
  const written = reply.normalize('NFC');
  const byKind = new Map<PerformedAction['kind'], string[]>();
  for (const claim of detectActionClaims(reply, language)) {
    const at = written.indexOf(claim.excerpt);
    const reported = at >= 0 ? sentenceAt(written, at) : claim.excerpt;
    byKind.set(claim.kind, [...(byKind.get(claim.kind) ?? []), reported]);
  }
  return [...byKind].map(([kind, sentences]) => ({ kind, tool: AGENT_HISTORY_TOOL, ok: true, result: [...new Set(sentences)].join('\n') }));
}

const factKey = (fact: Fact) => `${fact.slot}\u0000${fact.value}`;

/**
 * The team's earlier replies that state a fact of this reply no other source states (the support
 * link agents paste, a delay they quote): what the agent drew it from, cited as any candidate
 * citing a past reply is. Only replies holding such a fact are cited.
 */
async function pastRepliesOf(reply: AgentReply, context: TicketContext, read: readonly string[]): Promise<SearchHit[]> {
  // The grounding judge's own reading of what the other sources leave unsupported.
  const language = context.ticket.language;
  const { unsupported } = judgeGrounding({ answer: reply.text, sources: [...read], customer: context.ticket.customer, ...(language && { language }) });
  const missing = new Set(unsupported.map(factKey));
  if (missing.size === 0) return [];
  // Past tickets are found by their question: this customer's, and the reply's words.
  const queries = [context.ticket.question, reply.text];
  const searches = queries.flatMap((query) => (['fts', 'vector'] as const).map((mode) => context.retrieve(query, { table: 'tickets', limit: PAST_TICKETS_SEARCHED, mode })));
  const hits = (await Promise.all(searches)).flat();
  return hits.filter((hit) => hit.answer !== undefined && extractFacts(hit.answer).some((fact) => missing.has(factKey(fact))));
}

/** The knowledge the agent wrote from, as it stood at the ticket's date: the closest passages, and the macro it applied. */
async function knowledgeOf(reply: AgentReply, context: TicketContext): Promise<SearchHit[]> {
  const sentences = (reply.text.match(SENTENCE_RE) ?? []).map((sentence) => sentence.trim()).filter((sentence) => sentence.length > 0);
  // Words (a "30 days" window) and meaning (a refund delay) each find passages the other misses.
  const searches = sentences.flatMap((sentence) => (['fts', 'vector'] as const).map((mode) => context.retrieve(sentence, { table: 'knowledge', kinds: NOT_MACROS, limit: PASSAGES_PER_SENTENCE, mode })));
  const passages = await Promise.all(searches);
  const macros = reply.macro ? await context.retrieve(reply.macro, { table: 'knowledge', kinds: ['macro'], limit: MACROS_SEARCHED }) : [];
  const applied = macros.find((hit) => hit.title === reply.macro);
  return [...passages.flat(), ...(applied ? [applied] : [])];
}

/** Everything the agent could read when it replied: the customer's orders, the knowledge of the time, the team's earlier replies. */
async function sourcesOf(reply: AgentReply, context: TicketContext): Promise<Source[]> {
  const knowledge = await knowledgeOf(reply, context);
  const read = [context.ticket.question, ...context.orders.map(orderText), ...knowledge.map((hit) => hit.text)];
  const past = await pastRepliesOf(reply, context, read);
  const cited = new Map([...knowledge, ...past].map((hit) => [`${hit.table}\u0000${hit.id}`, hit]));
  return [
    ...context.orders.map((order): Source => ({ type: 'order', id: order.id })),
    ...[...cited.values()].map((hit): Source => ({ type: hit.table === 'tickets' ? 'ticket' : 'knowledge', id: hit.id, ...(hit.url && { url: hit.url }) })),
  ];
}

/**
 * The oracle: sends the agent's own reply, so its verdicts are the judge's noise floor (what the
 * judges get wrong about an answer known to be right). It cites what the agent could read when it
 * replied: the customer's orders (their tracking numbers and amounts), the closest knowledge of
 * the time, the macro the agent applied and the earlier replies a fact may come from. The replay
 * hands it the agent's reply because it declares `readsAgentReply`; without one it escalates,
 * and never guesses.
 */
export function createOracleResponder(): Responder {
  return {
    id: ORACLE,
    readsAgentReply: true,
    async respond(context: TicketContext): Promise<Answer> {
      const started = performance.now();
      const reply = context.agentReply;
      if (!reply || reply.text.trim() === '') {
        const reason = 'no agent reply was given: the ticket has none, or the oracle was asked through another candidate, which the replay keeps blind';
        return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: performance.now() - started, reason };
      }
      const actions = actionsOfAgent(reply.text, context.ticket.language);
      return {
        decision: 'reply',
        text: reply.text,
        confidence: 1,
        sources: await sourcesOf(reply, context),
        ...(actions.length > 0 && { actions }),
        latencyMs: performance.now() - started,
      };
    },
  };
}

/** Its id is always `oracle`, which reports look for. */
export const oracle = defineResponder({
  name: 'oracle',
  summary: 'not a candidate to deploy: it sends the agent\'s own reply, so its verdicts show how often the judges turn down a right answer (the judges\' noise floor, [ci.md](ci.md))',
  options: z.strictObject({ id: z.literal(ORACLE).optional() }),
  create: () => createOracleResponder(),
});
