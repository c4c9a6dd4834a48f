import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeDoc } from '../../datasets/records.ts';
import { byAnswerConsensus, CONSENSUS_WEIGHT, openSearcher, queryWordWeights, type Searcher } from '../../pipelines/search-tables.ts';
import { indexedWorkspace } from '../helpers/replay-workspace.ts';

/** How hits are ranked: the words a long question repeats, and past answers that agree with their neighbours'. */

describe('the weight of each word of a full-text query', () => {
  it('counts each distinct word once, weighted 1 + ln(times it is written), case folded', () => {
    expect(queryWordWeights('Refund, REFUND, refund! And the delivery?')).toEqual([
      ['refund', 1 + Math.log(3)],
      ['and', 1],
      ['the', 1],
      ['delivery', 1],
    ]);
    expect(queryWordWeights('Remboursé ? remboursé, je veux être remboursé')).toEqual([
      ['remboursé', 1 + Math.log(3)],
      ['je', 1],
      ['veux', 1],
      ['être', 1],
    ]);
  });

  it('has no words for a question of punctuation only', () => {
    expect(queryWordWeights('?!… --')).toEqual([]);
  });
});

const article = (id: string, locale: string, title: string, body: string): KnowledgeDoc => ({ id, kind: 'article', title, body, locale });

const KNOWLEDGE = [
  article('refund-en', 'en-US', 'Money back', 'A refund reaches your card within five working days.'),
  article('delivery-en', 'en-US', 'Parcels', 'Delivery takes three days and tracking starts when the parcel leaves.'),
  article('refund-fr', 'fr-FR', 'Argent rendu', 'Le remboursement arrive sur votre carte sous cinq jours ouvrés.'),
  article('delivery-fr', 'fr-FR', 'Colis', 'La livraison prend trois jours et le suivi commence au départ du colis.'),
  article('warranty-en', 'en-US', 'Warranty', 'Every lamp carries a two-year warranty against defects.'),
  article('warranty-fr', 'fr-FR', 'Garantie', 'Chaque lampe est garantie deux ans contre les défauts.'),
];

describe('a long question searched by full text', () => {
  let dir: string;
  let searcher: Searcher;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-search-ranking-'));
    searcher = await openSearcher(await indexedWorkspace(dir, KNOWLEDGE));
  }, 60_000);
  afterAll(async () => {
    await searcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  const first = async (query: string, language: string) => (await searcher.search(query, { mode: 'fts', language, limit: 3 }))[0]?.id.split('@')[0];

  it('finds what the customer keeps asking about before what two words said once match (English)', async () => {
    const question = 'I want a refund. The refund was promised, so where is my refund? Refund it now, the refund, my refund. The delivery was fine and tracking too.';
    expect(await first(question, 'en')).toBe('refund-en');
  });

  it('finds what the customer keeps asking about before what two words said once match (French)', async () => {
    const question = 'Je veux un remboursement. Le remboursement promis, où est mon remboursement ? Remboursement maintenant, le remboursement, mon remboursement. La livraison et le suivi, rien à dire.';
    expect(await first(question, 'fr')).toBe('refund-fr');
  });
});

describe('past tickets reranked by how far their answers agree', () => {
  const row = (id: string, answer: string, score: number) => ({ id, answer, _score: score });

  it('puts below its neighbours a best hit whose answer none of them gives (English)', () => {
    const usual = 'You can cancel your order from your account page before it ships.';
    const rows = [row('odd', 'Our warehouse is closed on Sundays, sorry for the wait.', 1), row('a', usual, 0.9), row('b', usual, 0.85), row('c', `${usual} Thank you!`, 0.8)];
    const ranked = byAnswerConsensus(rows).map((hit) => hit.id);
    expect(ranked.indexOf('odd')).toBeGreaterThan(ranked.indexOf('a'));
    expect(ranked.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
  });

  it('puts below its neighbours a best hit whose answer none of them gives (French)', () => {
    const usual = 'Vous pouvez annuler votre commande depuis votre compte avant son expédition.';
    const rows = [row('odd', "L'entrepôt est fermé le dimanche, désolés pour l'attente.", 1), row('a', usual, 0.9), row('b', `${usual} Merci !`, 0.85), row('c', usual, 0.8)];
    const ranked = byAnswerConsensus(rows).map((hit) => hit.id);
    expect(ranked.indexOf('odd')).toBeGreaterThan(ranked.indexOf('c'));
  });

  it('keeps the order when every answer agrees, scores within 0..1 and the hits past the best ten below them', () => {
    const same = 'Votre colis arrive demain.';
    const rows = Array.from({ length: 14 }, (_, index) => row(`t${index}`, same, 1 - index * 0.05));
    const ranked = byAnswerConsensus(rows);
    expect(ranked.map((hit) => hit.id)).toEqual(rows.map((hit) => hit.id));
    for (const hit of ranked) expect(hit._score).toBeGreaterThanOrEqual(0);
    for (const hit of ranked) expect(hit._score).toBeLessThanOrEqual(1);
    expect(ranked[10]!._score).toBeCloseTo(rows[10]!._score / (1 + CONSENSUS_WEIGHT));
    expect(ranked[9]!._score).toBeGreaterThan(ranked[10]!._score);
  });

  it('leaves hits with no score in their order', () => {
    const rows = [row('a', 'one', 0), row('b', 'two', 0)];
    expect(byAnswerConsensus(rows).map((hit) => hit.id)).toEqual(['a', 'b']);
  });
});
