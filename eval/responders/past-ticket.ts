import type { SearchHit } from '../../pipelines/search-tables.ts';
import { escapeRegExp } from '../../datasets/text/patterns.ts';
import type { Answer, Responder, Source, TicketContext } from '../types.ts';
import { confidenceFrom, customerHandle, firstName, HANDLE, handlesIn, isHandle, withoutLinks } from './_text.ts';
import { z } from 'zod';
import { candidateId, defineResponder, minConfidence, withId } from './define.ts';

export interface PastTicketOptions {
  /** Below this confidence the ticket is escalated. @default 0.35 */
  minConfidence?: number;
}

const ORDER_NUMBER = /#[A-Z]{0,4}\d{3,}/g;
/** Tracking numbers look like 6A12345678FR or MR87654321FR: letters and at least six digits. */
const TRACKING_NUMBER = /\b(?=[A-Z0-9]*\d{6})(?=[A-Z0-9]*[A-Z])[A-Z0-9]{8,30}\b/g;
const URL = /https?:\/\/[^\s)>\]]+/g;

/** Identifiers a customer quotes: order or account numbers of five digits or more, maybe with a letter prefix. */
const QUOTED_ID = /(?<![\w#-])#?[A-Z]{0,4}\d{5,}\b/g;

/** The @handles a tweet opens with: whom it is addressed to. */
const OPENING_HANDLES = /^\s{0,10}(?:@\w{1,50}(?:\s{1,10}|$)){1,20}/;

const lower = (text: string) => text.toLowerCase();

/**
 * A reused tweet is addressed to the earlier customer: the @handles it opens with (or its reader
 * marked as that thread's own) that are neither this customer's nor mentioned in their question
 * (the brand, anyone they tagged) are the earlier thread's. They become this customer's handle, or
 * go when it is unknown. Other @handles in the text (an account to contact) are kept, unless they
 * are the earlier customer's.
 */
function readdressHandles(reply: string, context: TicketContext, personal: readonly string[]): { text: string } | { missing: string } {
  const opening = OPENING_HANDLES.exec(reply)?.[0] ?? '';
  const mine = customerHandle(context);
  const inThread = new Set([...(mine ? [mine] : []), ...handlesIn(context.ticket.question)].map(lower));
  const addressed = handlesIn(opening);
  const theirs = new Set([...addressed, ...personal.filter(isHandle)].map(lower).filter((handle) => !inThread.has(handle)));
  if (theirs.size === 0) return { text: reply };
  const rest = reply.slice(opening.length);
  if (!mine && handlesIn(rest).some((handle) => theirs.has(lower(handle)))) {
    return { missing: 'the reply names the earlier customer’s @handle within its text, and this customer’s handle is unknown' };
  }
  const kept = addressed.filter((handle) => inThread.has(lower(handle)) && lower(handle) !== lower(mine ?? ''));
  // Only a reply that opened with handles is re-addressed at its opening; one naming the earlier customer further on has them replaced there.
  const to = addressed.length > 0 ? [...(mine ? [mine] : []), ...kept] : [];
  const body = mine ? rest.replace(HANDLE, (handle) => (theirs.has(lower(handle)) ? mine : handle)) : rest;
  return { text: to.length > 0 ? `${to.join(' ')} ${body}` : body };
}

/**
 * A greeting after any opening @handles, and the name it greets: one word, or two before punctuation
 * ("Dear John Smith,"); "Hi I'm…" and "Hi Thanks…" greet nobody.
 */
const GREETING_NAME = /^((?:@\w{1,50}\s{1,10}){0,20}(?:Bonjour|Bonsoir|Hello|Hi|Dear|Hey)\s+)(?!(?:I|We|Thanks|Thank)\b)(\p{Lu}[\p{L}'’-]{0,40}(?: \p{Lu}[\p{L}'’-]{0,40}(?=\s{0,3}[,!.:;]))?)/u;
/** Greeted words that name nobody in particular, so their other uses are left alone. */
const NOT_A_NAME = new Set(['there', 'again', 'all', 'everyone', 'team', 'customer', 'client', 'cliente', 'sir', 'madam', 'madame', 'monsieur', 'mademoiselle', 'mr', 'mrs', 'ms', 'mme', 'mlle']);
/** Words after which a name is only said to the customer: "Thanks John!", "Bonne journée Marie". */
const BEFORE_VOCATIVE = '(?<=(?:[Tt]hanks|[Tt]hank you|[Mm]erci|[Cc]heers|day|evening|weekend|journée|soirée|week-end))';

/**
 * Without this customer's name, the earlier customer's goes where it is said to them: after a comma
 * ("…, John!"), after thanks or wishes ("Bonne journée Marie"), or opening a sentence ("John, tell
 * us…"). Anywhere else ("John's address") dropping it would garble the sentence.
 */
function withoutVocatives(text: string, name: string): string {
  const ends = '(?=\\s{0,3}(?:[.!?;:,)]|$))';
  return text
    .replace(namePattern(`,\\s{0,3}${name}${ends}`, 'gmu'), '')
    .replace(namePattern(`${BEFORE_VOCATIVE} {1,3}${name}${ends}`, 'gmu'), '')
    .replace(namePattern(`(^|[.!?]\\s{1,3})${name},\\s{0,3}(\\p{Ll})`, 'gmu'), (_, before: string, next: string) => `${before}${next.toUpperCase()}`);
}

/** Patterns naming someone kept compiled, the least lately made dropped past this many. */
const NAME_PATTERNS_KEPT = 1_024;
const namePatterns = new Map<string, RegExp>();

/**
 * The pattern of `source` and `flags`, compiled once: with its Unicode classes a pattern took 40 µs
 * to compile, forty times what matching a reply with it takes, and a replay re-addresses the same
 * names again and again. (A replace or test with one starts from the text's start whatever it did before.)
 */
function namePattern(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let pattern = namePatterns.get(key);
  if (!pattern) {
    pattern = new RegExp(source, flags);
    namePatterns.set(key, pattern);
    if (namePatterns.size > NAME_PATTERNS_KEPT) namePatterns.delete(namePatterns.keys().next().value!);
  }
  return pattern;
}

/**
 * The greeting's name is taken for the earlier customer's (the past ticket's customer is not in the
 * search hit). It becomes this customer's first name in the greeting and wherever it recurs; when
 * their name is unknown it goes, and a reply still naming the earlier customer is refused.
 */
function readdressName(reply: string, context: TicketContext): { text: string } | { missing: string } {
  const greeting = GREETING_NAME.exec(reply);
  if (!greeting) return { text: reply };
  const [whole, hello = '', theirName = ''] = greeting;
  const name = firstName(context);
  const greeted = name ? `${hello}${name}` : hello.trimEnd();
  const parts = theirName.split(' ').filter((word) => !NOT_A_NAME.has(word.toLowerCase()));
  let rest = reply.slice(whole.length);
  if (parts.length === 0) return { text: greeted + rest };
  const spoken = `(?<![\\p{L}\\p{N}_])(?:${[theirName, ...parts].map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_])`;
  if (name) return { text: greeted + rest.replace(namePattern(spoken, 'gu'), name) };
  rest = withoutVocatives(rest, spoken);
  if (namePattern(spoken, 'u').test(rest)) return { missing: 'the reply names the earlier customer within a sentence, and this customer’s name is unknown' };
  return { text: greeted + rest };
}

/** What points at the text that follows: "here:", "this page:", "ici :", "ce lien", a bare colon, "&gt;". */
const POINTER = /(?:[:>]|&gt;|(?<![\p{L}])(?:here|below|link|page|following|ici|ci-dessous|lien|suivant|suivante))[ \t]{0,3}$/iu;
/** How far before a link its pointer is looked for. */
const POINTER_REACH = 40;

/** A link of the earlier conversation's own that the text points the reader to: taken out, "here:" would point at nothing. */
function pointsAtOwnLink(reply: string, personal: readonly string[]): boolean {
  return personal
    .filter((part) => !isHandle(part) && part.length > 0)
    .some((link) => {
      for (let at = reply.indexOf(link); at !== -1; at = reply.indexOf(link, at + link.length)) {
        if (POINTER.test(reply.slice(Math.max(0, at - POINTER_REACH), at))) return true;
      }
      return false;
    });
}

/** The order the customer is asking about: the one they quote, else their latest. */
function orderAskedAbout(context: TicketContext): TicketContext['orders'][number] | undefined {
  const quoted = new Set(context.ticket.question.match(ORDER_NUMBER) ?? []);
  return context.orders.find((order) => quoted.has(order.id)) ?? context.orders[0];
}

/**
 * Adapts a past agent reply to this customer: without the links that were the earlier
 * conversation's own (`personal`, as the reader marked them: a DM link, a link shortened for that
 * customer); their @handle and name where the earlier customer's were (or neither, when unknown);
 * the numbers the earlier
 * customer had quoted (an order number written without #, say) replaced by the one this customer
 * quotes; the order number, tracking number and link of the order they ask about. Returns why it
 * cannot when the reply needs data this customer has not given.
 */
export function adaptReply(reply: string, context: TicketContext, pastQuestion = '', personal: readonly string[] = []): { text: string; usedOrder: boolean } | { missing: string } {
  const ownLinksOut = withoutLinks(reply, personal);
  if (handlesIn(ownLinksOut).length === ownLinksOut.split(/\s+/).filter(Boolean).length) {
    return { missing: 'the reply is only the earlier conversation’s @handles and links' };
  }
  if (pointsAtOwnLink(reply, personal)) return { missing: 'the reply points to a link of the earlier conversation’s own, and would point at nothing without it' };
  const addressed = readdressHandles(ownLinksOut, context, personal);
  if ('missing' in addressed) return addressed;
  const named = readdressName(addressed.text, context);
  if ('missing' in named) return named;
  let text = named.text;
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
  // Seeded with the closest: a score that is not a number (NaN) then leaves the closest rather than nothing.
  return hits.filter((hit) => hit.score >= top.score - AS_CLOSE).reduce((newest, hit) => ((hit.answeredAt ?? 0) > (newest.answeredAt ?? 0) ? hit : newest), top);
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
      const adapted = adaptReply(best.answer, context, best.text, best.personal);
      if ('missing' in adapted) return { decision: 'escalate', text: '', confidence, sources, latencyMs: latencyMs(), reason: adapted.missing };
      if (adapted.usedOrder) sources.push({ type: 'order', id: orderAskedAbout(context)!.id });
      const answer: Answer = { decision: confidence >= minConfidence ? 'reply' : 'escalate', text: adapted.text, confidence, sources, latencyMs: latencyMs() };
      if (answer.decision === 'escalate') answer.reason = `the closest past ticket (${best.id}) is not close enough`;
      return answer;
    },
  };
}

export const pastTicket = defineResponder({
  name: 'past-ticket',
  byDefault: true,
  summary: 'the closest answered ticket\'s reply, adapted to this customer: their name, their latest order\'s number, tracking number and link; it escalates when the reply needs order data the customer does not have',
  options: z.strictObject({ id: candidateId.optional(), minConfidence }),
  create: ({ id, ...options }) => withId(createPastTicketResponder(options), id),
});
