import type { Order } from '../../datasets/records.ts';
import { type SearchHit } from '../../pipelines/search-tables.ts';
import { embeddingText } from '../../pipelines/passages.ts';
import { textReader } from './recent.ts';
import type { Verdict } from './types.ts';
import type { AgentReply } from '../types.ts';

/**
 * Context recall: what the agent's real reply rested on (the macro it applied, the articles it
 * linked, the customer's order it named, the team's earlier answer it repeated) and whether each
 * was in what a candidate was given. A wrong answer with something missing says retrieval; a
 * wrong answer with everything there says the model.
 */

export const RELIED_KINDS = ['macro', 'article', 'order', 'past-answer'] as const;
export type ReliedKind = (typeof RELIED_KINDS)[number];

export interface Relied {
  kind: ReliedKind;
  /** The macro's name, the article's link, the order's name, the past ticket's id. */
  id: string;
  /** For a past answer: its text, to recognise the same answer under another ticket. */
  answer?: string;
}

export interface ContextItem {
  kind: ReliedKind;
  id: string;
  /** The candidate's context held it (for a past answer: it or one saying the same). */
  found: boolean;
}

/** What a candidate was given: every hit its searches returned, and the customer's orders. */
export interface SeenContext {
  hits: readonly SearchHit[];
  orders: readonly Order[];
}

/**
 * Two answers say the same when this share of their distinct words is shared: a templated reply
 * to another customer differs by a first name and an order number (0.9 and above on the demo).
 */
export const SAME_ANSWER_OVERLAP = 0.8;
/** A past answer the agent's reply shares less than this with was not what the agent repeated. */
export const REPEATED_ANSWER_OVERLAP = 0.5;

/**
 * Distinct words, identifiers masked: two replies differing only by an order number are one. Kept
 * for the latest texts: a replay compares the same past answers ticket after ticket (each
 * candidate's hits, the nearest earlier answer), and reading a text's words again was most of
 * context recall's cost.
 */
const wordsOf = (text: string): ReadonlySet<string> => recentWords(text, () => new Set(embeddingText(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []));

const recentWords = textReader<ReadonlySet<string>>();

/** Shared distinct words over all distinct words of the two (Jaccard). */
export function wordOverlap(a: string, b: string): number {
  const [left, right] = [wordsOf(a), wordsOf(b)];
  if (left.size === 0 && right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}

/** A link as compared: no trailing punctuation or slash, no fragment, host in lower case. */
export function linkKey(url: string): string {
  const trimmed = url.replace(/[.,;:!?)\]]+$/, '').replace(/#.*$/, '').replace(/\/+$/, '');
  return trimmed.replace(/^(https?:\/\/[^/]+)/i, (host) => host.toLowerCase());
}

/** Links in a reply, bounded so a long run of text is read in linear time. */
const LINK_RE = /https?:\/\/[^\s<>"']{1,500}/gi;

/**
 * What the agent's reply rested on: the macro it applied, the articles (by link) it cited, the
 * customer's orders it named and, when the reply repeats one, the nearest earlier answer of the team.
 */
export function reliedOn(reply: AgentReply, facts: { articleLinks: ReadonlySet<string>; customerOrders: readonly Order[]; nearestPastAnswer?: SearchHit }): Relied[] {
  const relied: Relied[] = [];
  if (reply.macro) relied.push({ kind: 'macro', id: reply.macro });
  const links = new Set((reply.text.match(LINK_RE) ?? []).map(linkKey));
  for (const link of links) if (facts.articleLinks.has(link)) relied.push({ kind: 'article', id: link });
  for (const order of facts.customerOrders) if (reply.text.includes(order.id)) relied.push({ kind: 'order', id: order.id });
  const past = facts.nearestPastAnswer;
  if (past?.answer && wordOverlap(past.answer, reply.text) >= REPEATED_ANSWER_OVERLAP) relied.push({ kind: 'past-answer', id: past.id, answer: past.answer });
  return relied;
}

function isFound(item: Relied, seen: SeenContext): boolean {
  switch (item.kind) {
    case 'macro':
      return seen.hits.some((hit) => hit.table === 'knowledge' && hit.kind === 'macro' && hit.title === item.id);
    case 'article':
      return seen.hits.some((hit) => hit.table === 'knowledge' && hit.url !== undefined && linkKey(hit.url) === item.id);
    case 'order':
      return seen.orders.some((order) => order.id === item.id);
    case 'past-answer':
      return seen.hits.some((hit) => hit.table === 'tickets' && (hit.id === item.id || (hit.answer !== undefined && wordOverlap(hit.answer, item.answer ?? '') >= SAME_ANSWER_OVERLAP)));
  }
}

/** Each thing the agent relied on, with whether the candidate's context held it. */
export function contextItems(relied: readonly Relied[], seen: SeenContext): ContextItem[] {
  return relied.map((item) => ({ kind: item.kind, id: item.id, found: isFound(item, seen) }));
}

/** A candidate's context recall over a run. */
export interface ContextRecall {
  /** Things the agents relied on, over every ticket, and how many of them were in this candidate's context. */
  items: number;
  found: number;
  /** found / items; null when the agents relied on nothing this can tell. */
  recall: number | null;
  /** The same by kind: a candidate that never searches macros misses the macro even when an earlier answer of the same text was given. */
  byKind: Record<ReliedKind, { items: number; found: number }>;
  /** Tickets where the agent relied on something, and those where the candidate's context held all of it. */
  tickets: number;
  complete: number;
  /** Sent answers judged wrong, on tickets where the agent relied on something: with some of it missing (retrieval) or all of it there (the model). */
  wrong: { missingContext: number; fullContext: number };
}

/** Context recall per candidate, in the order candidates first appear. */
export function contextRecallByCandidate(answers: ReadonlyArray<{ candidate: string; context?: readonly ContextItem[]; sent: boolean; verdict: Verdict }>): Record<string, ContextRecall> {
  const out: Record<string, ContextRecall> = {};
  for (const answer of answers) {
    const recall = (out[answer.candidate] ??= {
      items: 0,
      found: 0,
      recall: null,
      byKind: Object.fromEntries(RELIED_KINDS.map((kind) => [kind, { items: 0, found: 0 }])) as ContextRecall['byKind'],
      tickets: 0,
      complete: 0,
      wrong: { missingContext: 0, fullContext: 0 },
    });
    const items = answer.context ?? [];
    for (const item of items) {
      recall.byKind[item.kind].items++;
      if (item.found) recall.byKind[item.kind].found++;
    }
    const found = items.filter((item) => item.found).length;
    recall.items += items.length;
    recall.found += found;
    if (items.length > 0) recall.tickets++;
    if (items.length > 0 && found === items.length) recall.complete++;
    if (items.length > 0 && answer.sent && answer.verdict === 'wrong') recall.wrong[found < items.length ? 'missingContext' : 'fullContext']++;
    recall.recall = recall.items > 0 ? recall.found / recall.items : null;
  }
  return out;
}

const KIND_WORDS: Record<ReliedKind, string> = { macro: 'macros', article: 'articles', order: 'orders', 'past-answer': 'earlier answers' };

/** One line for a candidate, e.g. `macro: 605 of 613 (98%: macros 226/231, orders 270/270, earlier answers 109/112); wrong answers: 0 with context missing, 32 with it all`. */
export function contextRecallLine(candidate: string, recall: ContextRecall): string {
  if (recall.recall === null) return `${candidate}: nothing the agents relied on could be told`;
  const kinds = RELIED_KINDS.filter((kind) => recall.byKind[kind].items > 0).map((kind) => `${KIND_WORDS[kind]} ${recall.byKind[kind].found}/${recall.byKind[kind].items}`);
  const wrong = recall.wrong.missingContext + recall.wrong.fullContext > 0 ? `; wrong answers: ${recall.wrong.missingContext} with context missing, ${recall.wrong.fullContext} with it all` : '';
  return `${candidate}: ${recall.found.toLocaleString('en-US')} of ${recall.items.toLocaleString('en-US')} (${Math.floor(recall.recall * 100)}%: ${kinds.join(', ')})${wrong}`;
}
