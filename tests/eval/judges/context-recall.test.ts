import { describe, expect, it } from 'vitest';
import type { Order } from '../../../datasets/records.ts';
import { contextItems, contextRecallByCandidate, contextRecallLine, linkKey, reliedOn, wordOverlap, type SeenContext } from '../../../eval/judges/context-recall.ts';
import type { SearchHit } from '../../../pipelines/search-tables.ts';

const order = (id: string): Order => ({ id, createdAt: '2025-01-02T09:00:00.000Z', lineItems: [] });
const macroHit = (title: string): SearchHit => ({ table: 'knowledge', id: `macro-${title}@undated#0`, title, text: '', kind: 'macro', score: 1 });
const articleHit = (url: string): SearchHit => ({ table: 'knowledge', id: `${url}@undated#0`, title: 'Article', text: '', kind: 'policy', url, score: 1 });
const pastHit = (id: string, answer: string): SearchHit => ({ table: 'tickets', id, title: '', text: '', answer, score: 1 });

const REPLIES = {
  fr: {
    text: 'Bonjour Claire,\n\nVous disposez de 30 jours pour retourner votre commande #ML10023. Voir https://help.example/fr/retours.\n\nBelle journée,\nLéa',
    past: 'Bonjour Marc,\n\nVous disposez de 30 jours pour retourner votre commande #ML10001. Voir https://help.example/fr/retours.\n\nBelle journée,\nLéa',
    macro: 'FR - return request',
    link: 'https://help.example/fr/retours',
  },
  en: {
    text: 'Hello Claire,\n\nYou have 30 days to return your order #ML10023. See https://help.example/en/returns.\n\nKind regards,\nLea',
    past: 'Hello Mark,\n\nYou have 30 days to return your order #ML10001. See https://help.example/en/returns.\n\nKind regards,\nLea',
    macro: 'EN - return request',
    link: 'https://help.example/en/returns',
  },
} as const;

describe('what the agent’s reply rested on', () => {
  for (const [language, reply] of Object.entries(REPLIES)) {
    const facts = {
      articleLinks: new Set([reply.link]),
      customerOrders: [order('#ML10023'), order('#ML10999')],
      nearestPastAnswer: pastHit('41', reply.past),
    };

    it(`names the macro, the linked article, the order named and the earlier answer repeated (${language})`, () => {
      expect(reliedOn({ text: reply.text, macro: reply.macro }, facts)).toEqual([
        { kind: 'macro', id: reply.macro },
        { kind: 'article', id: reply.link },
        { kind: 'order', id: '#ML10023' },
        { kind: 'past-answer', id: '41', answer: reply.past },
      ]);
    });

    it(`leaves out a link that is no article, an order not named and an earlier answer saying something else (${language})`, () => {
      const relied = reliedOn({ text: reply.text }, { articleLinks: new Set(['https://help.example/other']), customerOrders: [order('#ML10999')], nearestPastAnswer: pastHit('41', language === 'fr' ? 'Votre colis est parti hier.' : 'Your parcel left yesterday.') });
      expect(relied).toEqual([]);
    });

    it(`says which of them the candidate was given (${language})`, () => {
      const relied = reliedOn({ text: reply.text, macro: reply.macro }, facts);
      // Another customer's reply from the same template counts as the earlier answer; the order is in context, the macro and article are not.
      const seen: SeenContext = { hits: [pastHit('77', reply.past.replace('Marc', 'Julie').replace('Mark', 'Julie')), articleHit('https://help.example/elsewhere')], orders: [order('#ML10023')] };
      expect(contextItems(relied, seen)).toEqual([
        { kind: 'macro', id: reply.macro, found: false },
        { kind: 'article', id: reply.link, found: false },
        { kind: 'order', id: '#ML10023', found: true },
        { kind: 'past-answer', id: '41', found: true },
      ]);
      const everything: SeenContext = { hits: [macroHit(reply.macro), articleHit(`${reply.link}/`)], orders: [] };
      expect(contextItems(relied, everything).map((item) => item.found)).toEqual([true, true, false, false]);
    });
  }

  it('compares links without a trailing slash, punctuation or fragment, the host in any case', () => {
    expect(linkKey('HTTPS://Help.Example/fr/Retours/#délai).')).toBe('https://help.example/fr/Retours');
  });

  it('measures how much two answers share, identifiers masked', () => {
    expect(wordOverlap(REPLIES.en.text, REPLIES.en.past)).toBeGreaterThan(0.8);
    expect(wordOverlap(REPLIES.fr.text, REPLIES.fr.past)).toBeGreaterThan(0.8);
    expect(wordOverlap(REPLIES.fr.text, REPLIES.en.text)).toBeLessThan(0.3);
    expect(wordOverlap('', '')).toBe(0);
  });
});

describe('context recall per candidate', () => {
  const given = (found: boolean) => ({ kind: 'order' as const, id: '#ML1', found });
  it('counts what was given over what was relied on, and splits wrong answers by it', () => {
    const recall = contextRecallByCandidate([
      { candidate: 'llm', context: [given(true), given(false)], sent: true, verdict: 'wrong' },
      { candidate: 'llm', context: [given(true)], sent: true, verdict: 'wrong' },
      { candidate: 'llm', context: [given(true)], sent: false, verdict: 'wrong' },
      { candidate: 'llm', sent: true, verdict: 'wrong' },
      { candidate: 'macro', sent: true, verdict: 'correct' },
    ]);
    const none = { items: 0, found: 0 };
    expect(recall.llm).toEqual({ items: 4, found: 3, recall: 0.75, byKind: { macro: none, article: none, order: { items: 4, found: 3 }, 'past-answer': none }, tickets: 3, complete: 2, wrong: { missingContext: 1, fullContext: 1 } });
    expect(recall.macro).toEqual({ items: 0, found: 0, recall: null, byKind: { macro: none, article: none, order: none, 'past-answer': none }, tickets: 0, complete: 0, wrong: { missingContext: 0, fullContext: 0 } });
    expect(contextRecallLine('llm', recall.llm!)).toBe('llm: 3 of 4 (75%: orders 3/4); wrong answers: 1 with context missing, 1 with it all');
    expect(contextRecallLine('macro', recall.macro!)).toBe('macro: nothing the agents relied on could be told');
  });
});
