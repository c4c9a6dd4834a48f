/**
 * Grounding judge: deterministic, no LLM. An answer is grounded when every checkable fact it states
 * (amount, duration, percentage, date, order or tracking number, URL, e-mail, product) is also stated by a
 * source it cited. A fact no source holds was invented or taken from outside the brand's knowledge, however
 * plausible it reads, and a wrong delay or price is exactly what gets a brand into trouble.
 */

import { z } from 'zod';
import type { Order } from '../../datasets/records.ts';
import { defineJudge, factOptionsOf, scoreOnly } from './define.ts';
import { extractFacts, type Fact } from './key-facts.ts';
import type { JudgeScore } from './types.ts';
import { matchesOf } from './matches.ts';

/** What a cited order says, as the grounding and safety judges read it. */
export function orderText(order: Order): string {
  return [
    order.id,
    order.createdAt.slice(0, 10),
    order.fulfillmentStatus,
    order.trackingNumber,
    order.trackingUrl,
    order.total !== undefined && `${order.total.toFixed(2)} ${order.currency ?? ''}`,
    ...order.lineItems.map((item) => item.name),
  ]
    .filter(Boolean)
    .join(' ');
}

export interface GroundingInput {
  answer: string;
  /** Texts of the sources the answer cited: knowledge passages, past agent replies, the customer's own order as text. */
  sources: string[];
  /** Facts about the customer themself (their own e-mail) need no source. */
  customer?: { name?: string; email?: string };
  /** Language of the answer; sources are guessed one by one, since a French answer may cite an English article. */
  language?: string;
  /** Catalogue product names, so products count as facts. */
  products?: readonly string[];
}

/** Same slot and value; a date written without a year matches that day in any year, as in the key-facts judge. */
function sameFact(a: Fact, b: Fact): boolean {
  if (a.slot !== b.slot) return false;
  if (a.value === b.value) return true;
  return a.slot === 'date' && (a.value.startsWith('--') || b.value.startsWith('--')) && a.value.slice(-5) === b.value.slice(-5);
}

/**
 * A catalogue line states its price without a currency ("— price 34.00 —", as the product readers
 * write variants): it is the shop's price in the shop's own currency, so it supports that amount
 * in any currency sign. Only a number labelled as a price counts; a bare number never does.
 */
const CATALOGUE_PRICE_RE = /(?<![\p{L}])(?:price|prix)\s{0,3}:?\s{0,3}(\d{1,7}(?:[.,]\d{1,2})?)(?![\d])(?![.,]\d)/giu;

function cataloguePrices(source: string): string[] {
  return matchesOf(CATALOGUE_PRICE_RE, source).map((m) => Number(m[1]!.replace(',', '.')).toFixed(2));
}

const amountNumber = (fact: Fact) => fact.value.split(' ')[0]!;

function describe(fact: Fact): string {
  if (fact.slot === 'order') return `order #${fact.value}`;
  if (fact.slot === 'tracking') return `tracking ${fact.value}`;
  if (fact.slot === 'product') return `"${fact.value}"`;
  return fact.value;
}

export function judgeGrounding(input: GroundingInput): JudgeScore & { unsupported: Fact[] } {
  const judge = 'grounding';
  const answerFacts = extractFacts(input.answer, { language: input.language, products: input.products });
  if (answerFacts.length === 0) {
    return { judge, score: null, reason: 'cannot judge grounding: the answer states no amount, duration, date, order number or other checkable fact', unsupported: [] };
  }
  const sourceFacts = input.sources.flatMap((source) => extractFacts(source, { products: input.products }));
  const ownEmail = input.customer?.email?.trim().toLowerCase();
  // The catalogue's prices are only looked for when the answer states an amount.
  let prices: ReadonlySet<string> | undefined;
  const unsupported = answerFacts.filter(
    (fact) =>
      !(fact.slot === 'email' && fact.value === ownEmail) &&
      !(fact.slot === 'amount' && (prices ??= new Set(input.sources.flatMap(cataloguePrices))).has(amountNumber(fact))) &&
      !sourceFacts.some((known) => sameFact(fact, known)),
  );
  const total = answerFacts.length;
  const supported = total - unsupported.length;
  const reason =
    unsupported.length === 0
      ? `all ${total} fact${total === 1 ? '' : 's'} of the answer found in the sources`
      : `${supported} of ${total} fact${total === 1 ? '' : 's'} found in the sources; unsupported: ${unsupported.map(describe).join(', ')}`;
  return { judge, score: supported / total, reason, unsupported };
}

export const grounding = defineJudge({
  name: 'grounding',
  summary: 'every fact the answer states is in a cited source, a tool’s result or the customer’s message',
  options: z.strictObject({}),
  create: () => (input) => {
    // What the customer wrote supports the answer too: repeating their own order number is not an invention.
    // What a tool reported back (the code it made, the sum it refunded) is a source for what the answer says of it.
    const toolResults = (input.answer.actions ?? []).flatMap((action) => (action.ok && action.result ? [action.result] : []));
    const sources = [...input.citedSources.map((source) => source.text), ...toolResults, input.question];
    return scoreOnly(judgeGrounding({ answer: input.answer.text, sources, customer: input.customer, ...factOptionsOf(input) }));
  },
});
