import { describe, expect, it } from 'vitest';
import { compileRuleRegex, compileWordPattern, indexWords, matchesWords, wordPatternProblem, wordsOf } from '../../../eval/rules/text-match.ts';
import { foldAccents } from '../../../datasets/text/fold.ts';

const matches = (text: string, word: string) => matchesWords(indexWords(wordsOf(text)), compileWordPattern(word));

describe('rule words: case- and accent-insensitive, whole words', () => {
  it('reads words with case, accents and ligatures folded', () => {
    expect(wordsOf("Je veux être REMBOURSÉ ! L'article #ML1042 n'est pas arrivé")).toEqual(['je', 'veux', 'etre', 'rembourse', 'l', 'article', 'ml1042', 'n', 'est', 'pas', 'arrive']);
    expect(wordsOf('Œuvre, Straße')).toEqual(['oeuvre', 'strasse']);
  });

  it('a prefix `rembours*` matches every French form, whatever the case and accents', () => {
    for (const text of ['Je voudrais être remboursé', 'REMBOURSÉ !', 'Pouvez-vous me rembourser ?', 'Remboursement de ma commande', 'mes remboursements']) {
      expect(matches(text, 'rembours*'), text).toBe(true);
    }
  });

  it('a plain word matches that word only, not the words it is part of (no stemming)', () => {
    expect(matches('Remboursement de ma commande', 'remboursement')).toBe(true);
    expect(matches('REMBOURSEMENT', 'remboursement')).toBe(true);
    expect(matches('remboursément', 'remboursement')).toBe(true);
    expect(matches('Pouvez-vous me rembourser ?', 'remboursement')).toBe(false);
    expect(matches('mes remboursements', 'remboursement')).toBe(false);
    // Not a substring of another word either way.
    expect(matches('a carton of candles', 'art')).toBe(false);
    expect(matches('non-remboursable', 'rembours*')).toBe(true);
    expect(matches('irremboursable', 'rembours*')).toBe(false);
  });

  it('a rule word with accents matches the same word without them', () => {
    expect(matches('je veux etre rembourse', 'remboursé')).toBe(true);
    expect(matches('Colis endommagé', 'ENDOMMAGE')).toBe(true);
  });

  it('phrases match words in a row, the last one possibly a prefix', () => {
    expect(matches('I forgot my pass word', 'mot de passe')).toBe(false);
    expect(matches("J'ai oublié mon MOT DE PASSE", 'mot de passe')).toBe(true);
    expect(matches('mot de la passe', 'mot de passe')).toBe(false);
    expect(matches('Where is my order?', 'where is my ord*')).toBe(true);
    expect(matches('e-mail', 'e-mail')).toBe(true);
  });

  it('says what is wrong with a word that cannot match', () => {
    expect(wordPatternProblem('rem*bours')).toMatch(/only allowed at the end/);
    expect(wordPatternProblem('!!!')).toMatch(/no letter or digit/);
    expect(wordPatternProblem('rembours*')).toBeUndefined();
  });

  it('regular expressions run on folded text, case-insensitively', () => {
    expect(compileRuleRegex('rembours[ée]').test(foldAccents('REMBOURSÉ'))).toBe(true);
    expect(compileRuleRegex('remboursé').test(foldAccents('rembourse moi'))).toBe(true);
    expect(compileRuleRegex('#ML\\d{4}').test(foldAccents('commande #ml1042'))).toBe(true);
  });
});
