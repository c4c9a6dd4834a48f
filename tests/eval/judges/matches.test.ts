import { describe, expect, it } from 'vitest';
import { matchesOf } from '../../../eval/judges/matches.ts';

/** What a match says: where, what, and its groups. */
const read = (matches: Iterable<RegExpMatchArray>) => [...matches].map((m) => ({ index: m.index, text: m[0], groups: [...m.slice(1)], named: { ...m.groups } }));

describe('matchesOf', () => {
  const patterns: Array<[string, RegExp, string]> = [
    ['English amounts', /(?<![\d.,])(?<amount>\d+(?:[.,]\d{1,2})?)\s?(?<currency>€|\$|eur|usd)/gu, 'Refunded $ 12, then 29.90 eur and 5€ — total 47.80 usd.'],
    ['French durations', /(?<![\p{L}])(\d{1,3})\s+(jours?|semaines?)/gu, 'Comptez 3 jours, parfois 2 semaines ; 1 jour à Paris.'],
    ['empty matches, with an emoji', /x*/gu, 'ax😀xxb'],
    ['empty matches, not Unicode', /x*/g, 'ax😀xxb'],
  ];

  it.each(patterns)('finds what matchAll finds: %s', (_, re, text) => {
    expect(read(matchesOf(re, text))).toEqual(read(text.matchAll(re)));
  });

  it('starts where the pattern stands, as matchAll does, and leaves it there', () => {
    const re = /\d+/g;
    re.lastIndex = 8;
    const text = 'Order 12 shipped on day 3';
    const expected = read(text.matchAll(re));
    expect(read(matchesOf(re, text))).toEqual(expected);
    expect(re.lastIndex).toBe(8);
  });

  it('can scan with the same pattern inside its own loop (French and English sentences)', () => {
    const sentence = /[^.!?]+/g;
    const text = 'Bonjour. Votre colis arrive demain! Thanks. See you?';
    const nested = matchesOf(sentence, text).map((m) => matchesOf(sentence, m[0]).length);
    expect(nested).toEqual([1, 1, 1, 1]);
    expect(matchesOf(sentence, text).map((m) => m[0].trim())).toEqual(['Bonjour', 'Votre colis arrive demain', 'Thanks', 'See you']);
  });

  it('refuses a pattern that is not global, as matchAll does', () => {
    expect(() => matchesOf(/\d+/, '12 jours')).toThrow(TypeError);
  });
});
