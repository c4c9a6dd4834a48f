import type { SearchHit } from '../../pipelines/search-tables.ts';
import type { Answer, Responder, Source, TicketContext } from '../types.ts';
import { confidenceFrom, firstName } from './_text.ts';

export interface PastTicketOptions {
  /** Below this confidence the ticket is escalated. @default 0.35 */
  minConfidence?: number;
}

const GREETING_NAME = /^((?:Bonjour|Bonsoir|Hello|Hi|Dear|Hey)\s+)(\p{Lu}[\p{L}'’-]*)/u;
const ORDER_NUMBER = /#[A-Z]{0,4}\d{3,}/g;
/** Tracking numbers look like 6A12345678FR or MR87654321FR: letters and at least six digits. */
const TRACKING_NUMBER = /\b(?=[A-Z0-9]*\d{6})(?=[A-Z0-9]*[A-Z])[A-Z0-9]{8,30}\b/g;
const URL = /https?:\/\/[^\s)>\]]+/g;

/** Identifiers a customer quotes: order or account numbers of five digits or more, maybe with a letter prefix. */
const QUOTED_ID = /(?<![\w#-])#?[A-Z]{0,4}\d{5,}\b/g;

/** The order the customer is asking about: the one they quote, else their latest. */
function orderAskedAbout(context: TicketContext): TicketContext['orders'][number] | undefined {
  const quoted = new Set(context.ticket.question.match(ORDER_NUMBER) ?? []);
  return context.orders.find((order) => quoted.has(order.id)) ?? context.orders[0];
}

/**
 * Adapts a past agent reply to this customer: their name in the greeting; the numbers the earlier
 * customer had quoted (an order number written without #, say) replaced by the one this customer
 * quotes; the order number, tracking number and link of the order they ask about. Returns why it
 * cannot when the reply needs data this customer has not given.
 */
export function adaptReply(reply: string, context: TicketContext, pastQuestion = ''): { text: string; usedOrder: boolean } | { missing: string } {
  let text = reply;
  const name = firstName(context);
  text = text.replace(GREETING_NAME, (_, hello: string) => (name ? `${hello}${name}` : hello.trimEnd()));
  const theirs = new Set((pastQuestion.match(QUOTED_ID) ?? []).filter((id) => !id.startsWith('#')));
  const echoed = (text.match(QUOTED_ID) ?? []).filter((id) => theirs.has(id));
  if (echoed.length > 0) {
    const mine = (context.ticket.question.match(QUOTED_ID) ?? []).find((id) => !id.startsWith('#'));
    if (!mine) return { missing: 'the reply repeats a number the earlier customer gave, and this customer gave none' };
    text = text.replace(QUOTED_ID, (id) => (theirs.has(id) ? mine : id));
  }
  const order = orderAskedAbout(context);
  const trackingNumbers = new Set(text.match(TRACKING_NUMBER) ?? []);
  const quotesOrder = (text.match(ORDER_NUMBER) ?? []).length > 0;
  if (quotesOrder) {
    if (!order) return { missing: 'the reply quotes an order number and the customer had no order yet' };
    text = text.replace(ORDER_NUMBER, order.id);
  }
  if (trackingNumbers.size > 0) {
    if (!order?.trackingNumber || !order.trackingUrl) return { missing: 'the reply quotes a tracking number and the customer’s order has none' };
    text = text.replace(URL, (url) => ([...trackingNumbers].some((number) => url.includes(number)) ? order.trackingUrl! : url));
    text = text.replace(TRACKING_NUMBER, (token) => (trackingNumbers.has(token) ? order.trackingNumber! : token));
  }
  return { text, usedOrder: quotesOrder || trackingNumbers.size > 0 };
}

/** Past tickets looked at (as many as the macro candidate, so a run searches once); the newest of those about as close as the best one is reused. */
const NEIGHBOURS = 8;
const AS_CLOSE = 0.02;

/**
 * Policies change (a return window, a shipping fee): among past tickets about as close as the
 * closest, the most recent answer is the one that reflects the policy in force.
 */
export function newestOfClosest(hits: readonly SearchHit[]): SearchHit | undefined {
  const [top] = hits;
  if (!top) return undefined;
  return hits.filter((hit) => hit.score >= top.score - AS_CLOSE).reduce((newest, hit) => ((hit.answeredAt ?? 0) > (newest.answeredAt ?? 0) ? hit : newest));
}

/** Answers with the closest already-answered ticket's reply, adapted to this customer. */
export function createPastTicketResponder(options: PastTicketOptions = {}): Responder {
  const minConfidence = options.minConfidence ?? 0.35;
  return {
    id: 'past-ticket',
    async respond(context: TicketContext): Promise<Answer> {
      const started = performance.now();
      const query = `${context.ticket.subject}\n${context.ticket.question}`;
      const best = newestOfClosest(await context.retrieve(query, { table: 'tickets', mode: 'vector', limit: NEIGHBOURS }));
      const latencyMs = () => performance.now() - started;
      if (!best?.answer) return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: latencyMs(), reason: 'no ticket had been answered before this one' };
      const confidence = confidenceFrom(best.score);
      const sources: Source[] = [{ type: 'ticket', id: best.id }];
      const adapted = adaptReply(best.answer, context, best.text);
      if ('missing' in adapted) return { decision: 'escalate', text: '', confidence, sources, latencyMs: latencyMs(), reason: adapted.missing };
      if (adapted.usedOrder) sources.push({ type: 'order', id: orderAskedAbout(context)!.id });
      const answer: Answer = { decision: confidence >= minConfidence ? 'reply' : 'escalate', text: adapted.text, confidence, sources, latencyMs: latencyMs() };
      if (answer.decision === 'escalate') answer.reason = `the closest past ticket (${best.id}) is not close enough`;
      return answer;
    },
  };
}
