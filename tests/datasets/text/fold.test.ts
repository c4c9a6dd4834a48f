import { describe, expect, it } from 'vitest';
import { foldAccents, foldText } from '../../../datasets/text/fold.ts';

describe('foldAccents', () => {
  it('folds French accents and ligatures and keeps the case', () => {
    expect(foldAccents('REMBOURSÉ, œuvre, Œuf, ÇA, déjà reçu')).toBe('REMBOURSE, oeuvre, OEuf, CA, deja recu');
  });

  it('folds English text with borrowed accents, German ß and compatibility forms', () => {
    expect(foldAccents('Café naïve résumé, Straße, STRAẞE')).toBe('Cafe naive resume, Strasse, STRASSE');
    expect(foldAccents('ﬁle ＡＢ１２')).toBe('file AB12');
  });

  it('keeps what is not a letter with a mark, so a folded regular expression still means the same', () => {
    expect(foldAccents(String.raw`\bremboursé\W+\d{2}\S`)).toBe(String.raw`\brembourse\W+\d{2}\S`);
  });
});

describe('foldText', () => {
  it('folds case too, in French and in English', () => {
    expect(foldText('Où est ma COMMANDE ? Délai dépassé')).toBe('ou est ma commande ? delai depasse');
    expect(foldText('Where is my ORDER? Naïve Café')).toBe('where is my order? naive cafe');
  });

  it('leaves no dot on a Turkish capital İ and spells out a capital ligature', () => {
    expect(foldText('İstanbul ŒUVRE')).toBe('istanbul oeuvre');
  });
});
