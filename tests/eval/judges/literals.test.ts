import { describe, expect, it } from 'vitest';
import { LiteralIndex, mayHoldMatch, requiredLiterals } from '../../../eval/judges/literals.ts';

/** Whether every text the pattern matches holds one of the strings read from it. */
const vouches = (source: string, texts: readonly string[]) => {
  const literals = requiredLiterals(source)!;
  return texts.filter((text) => new RegExp(source).test(text)).every((text) => literals.some((literal) => text.includes(literal)));
};

describe('requiredLiterals: strings every match holds', () => {
  it('reads each alternative, in English and French', () => {
    const en = 'refunded|reimbursed|(?:issued|processed)\\s+(?:you\\s+)?(?:a|the)\\s+refund';
    expect(requiredLiterals(en)).toEqual(['refunded', 'reimbursed', 'issued', 'processed']);
    expect(vouches(en, ['we refunded you', 'i have processed the refund', 'we issued   a refund', 'nothing'])).toBe(true);
    const fr = "(?:vous\\s+)?(?:a|ont)\\s+(?:(?:bien|deja)\\s+){0,2}ete\\s+(?:rembourse|recredite)(?:e|s|es)?";
    expect(requiredLiterals(fr)).toEqual(['rembourse', 'recredite']);
    expect(vouches(fr, ['vous a bien ete remboursee', 'ont ete recredites', 'a ete envoye'])).toBe(true);
  });

  it('holds nothing for optional parts, classes, escapes and lookarounds', () => {
    expect(requiredLiterals('(?:full\\s+)?refund(?:ed)?')).toEqual(['refund']);
    expect(requiredLiterals('(?<![a-z0-9])cancell?ed(?![a-z])')).toEqual(['cancel']);
    expect(requiredLiterals('\\u00a0abcd|\\x41\\x42efgh')).toEqual(['abcd', 'efgh']);
    expect(requiredLiterals("l'annulation\\.|\\p{L}{2}remboursement")).toEqual(["l'annulation.", 'remboursement']);
    expect(requiredLiterals('[a-z]{2,20}ed\\s[^.,;]{0,60}?\\s+et\\s+')).toBeUndefined();
  });

  it('is undefined when an alternative is not sure to hold a long enough string', () => {
    expect(requiredLiterals('\\d+|refund')).toBeUndefined();
    expect(requiredLiterals('annule|an')).toBeUndefined();
    expect(requiredLiterals('(?:|refund)')).toBeUndefined();
  });
});

describe('LiteralIndex: which strings a text holds, in one pass', () => {
  it('finds every string, overlapping ones and prefixes of others too (French and English)', () => {
    const index = new LiteralIndex();
    const ids = ['refund', 'refunded', 'fund', 'rembourse', 'remboursement', 'annul'].map((literal) => index.id(literal));
    expect(index.id('refund')).toBe(ids[0]);
    expect(index.size).toBe(6);
    const held = (text: string) => ids.filter((id) => index.found(text).includes(id)).length;
    expect(index.found('we have refunded you, refunded in full')).toEqual([ids[0], ids[1], ids[2]]);
    expect(index.found('le remboursement a été effectué')).toEqual([ids[3], ids[4]]);
    expect(held('commande annulée, crème, refund')).toBe(3);
    expect(held('nothing to see')).toBe(0);
  });

  it('grows past its first nodes', () => {
    const index = new LiteralIndex();
    const words = Array.from({ length: 300 }, (_, n) => `word${n.toString(36)}x${n}`);
    const ids = words.map((word) => index.id(word));
    expect(index.found(words.filter((_, n) => n % 3 === 0).join(' '))).toEqual(ids.filter((_, n) => n % 3 === 0));
    // Each reading starts afresh: what the text before held is not carried over.
    expect(index.found(words[1]!)).toEqual([ids[1]]);
  });
});

describe('mayHoldMatch: whether a text may hold a match, from the strings every match holds', () => {
  const temperature = /(?<![\d])\d{1,3}\s?(?:°|degr(?:ees?|es?))/gu;

  it.each([
    ['Keep it below 25 degrees.', true],
    ['À conserver sous 25 °C.', true],
    ['Keep it somewhere cool.', false],
    ['À conserver au frais.', false],
  ])('%s → %s', (text, may) => {
    expect(mayHoldMatch(temperature, text)).toBe(may);
  });

  it('never turns a text down for a pattern that vouches for no string, or that ignores case (French and English)', () => {
    expect(mayHoldMatch(/\d+/g, 'no digits here')).toBe(true);
    expect(mayHoldMatch(/\d+/g, 'aucun chiffre ici')).toBe(true);
    expect(mayHoldMatch(/refund/i, 'REFUND ISSUED')).toBe(true);
    expect(mayHoldMatch(/rembours/i, 'REMBOURSEMENT EFFECTUÉ')).toBe(true);
  });
});
