import { describe, expect, it } from 'vitest';
import { judgeGrounding } from '../../../eval/judges/grounding.ts';

const RETURNS_EN = 'Returns are accepted within 14 days of delivery. Refunds are issued within 5 business days. Contact support@maison-lumiere.fr.';
const RETURNS_FR = 'Les retours sont acceptés sous 14 jours après la livraison. Le remboursement intervient sous 5 jours ouvrés.';
const ORDER = 'Order #48213 of 2024-03-02: Bougie Figuier, 29,90 €, shipped with tracking 6A12345678901.';
const PRODUCTS = ['Bougie Figuier'];

describe('judgeGrounding', () => {
  it('scores 1 when every fact of an English answer is in a source', () => {
    const result = judgeGrounding({ answer: 'You can return it within 14 days; the refund takes 5 business days.', sources: [RETURNS_EN] });
    expect(result.score).toBe(1);
    expect(result.unsupported).toEqual([]);
    expect(result.reason).toBe('all 2 facts of the answer found in the sources');
  });

  it('accepts a French answer grounded in a French article, whatever the wording ("deux semaines" = 14 days)', () => {
    const result = judgeGrounding({ answer: 'Vous disposez de deux semaines pour nous renvoyer l’article.', sources: [RETURNS_FR], language: 'fr' });
    expect(result.score).toBe(1);
  });

  it('flags a 30-day window when the source says 14 days', () => {
    const result = judgeGrounding({ answer: 'You have 30 days to send it back.', sources: [RETURNS_EN] });
    expect(result.score).toBe(0);
    expect(result.unsupported.map((fact) => fact.value)).toEqual(['30 days']);
    expect(result.reason).toContain('unsupported: 30 days');
  });

  it('scores the supported share and names every unsupported fact', () => {
    const result = judgeGrounding({ answer: 'Vous avez 30 jours, le remboursement prend 5 jours ouvrés et vous aurez 10 % de remise.', sources: [RETURNS_FR], language: 'fr' });
    expect(result.score).toBeCloseTo(1 / 3);
    expect(result.reason).toBe('1 of 3 facts found in the sources; unsupported: 30 days, 10%');
  });

  it('draws on all cited sources together: the article and the customer’s order', () => {
    const answer = 'Your order #48213 (Bougie Figuier, €29.90) left on 2 March, tracking 6A12345678901; returns within 14 days.';
    const result = judgeGrounding({ answer, sources: [RETURNS_EN, ORDER], products: PRODUCTS, language: 'en' });
    expect(result.unsupported).toEqual([]);
    expect(result.score).toBe(1);
  });

  it('flags an order number and an amount that no source holds', () => {
    const result = judgeGrounding({ answer: 'Your order #48299 of €35.00 has shipped.', sources: [ORDER] });
    expect(result.score).toBe(0);
    expect(result.reason).toContain('order #48299');
    expect(result.reason).toContain('35.00 EUR');
  });

  it("treats the customer's own e-mail as supported, but not someone else's", () => {
    const own = judgeGrounding({ answer: 'We will write to anna.petit@example.com.', sources: [RETURNS_EN], customer: { email: 'Anna.Petit@example.com' } });
    expect(own.score).toBe(1);
    const other = judgeGrounding({ answer: 'We will write to paul.durand@example.com.', sources: [RETURNS_EN], customer: { email: 'anna.petit@example.com' } });
    expect(other.score).toBe(0);
    expect(other.unsupported.map((fact) => fact.slot)).toEqual(['email']);
  });

  it('accepts a brand address quoted from the article', () => {
    expect(judgeGrounding({ answer: 'Écrivez-nous à support@maison-lumiere.fr.', sources: [RETURNS_EN] }).score).toBe(1);
  });

  describe('a catalogue price written without a currency, as the product readers write variants', () => {
    const CATALOGUE = 'Bougie parfumée figuier.\n\nVariants:\n- Taille: 180 g — SKU ML-001-1 — price 34.00 — 0 in stock\n- Taille: 400 g — SKU ML-001-2 — prix 54,00 — 3 in stock';

    it.each([
      ['fr', 'Elle est disponible en 180 g et 400 g, à partir de 34 €.'],
      ['en', 'The 400 g size costs €54.'],
    ])('supports the same amount in the shop’s currency (%s)', (language, answer) => {
      expect(judgeGrounding({ answer, sources: [CATALOGUE], language }).score).toBe(1);
    });

    it.each([
      ['fr', 'Elle est disponible à partir de 35 €.'],
      ['en', 'It costs €34.50.'],
    ])('does not support another amount (%s)', (language, answer) => {
      expect(judgeGrounding({ answer, sources: [CATALOGUE], language }).score).toBe(0);
    });

    it.each([
      ['fr', 'Le lot coûte 34 €.', 'Stock : 34.00 unités, 180 g.'],
      ['en', 'It costs €34.', 'Weight 34.00 g, 180 g size.'],
    ])('needs the number labelled as a price (%s)', (language, answer, source) => {
      expect(judgeGrounding({ answer, sources: [source], language }).score).toBe(0);
    });
  });

  it('cannot judge an answer without facts', () => {
    const result = judgeGrounding({ answer: 'Merci pour votre message, nous revenons vers vous très vite !', sources: [RETURNS_FR] });
    expect(result.score).toBeNull();
    expect(result.unsupported).toEqual([]);
  });

  it('scores 0 when the answer states facts but cites no source', () => {
    expect(judgeGrounding({ answer: 'Returns within 14 days.', sources: [] }).score).toBe(0);
  });
});
