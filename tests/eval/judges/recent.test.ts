import { describe, expect, it } from 'vitest';
import { optionsKey, recentResults } from '../../../eval/judges/recent.ts';

describe('recentResults', () => {
  it('reads a text once while it is among the latest', () => {
    const recent = recentResults<number>(2);
    let reads = 0;
    const read = (text: string) => recent(text, () => ++reads && text.length);
    expect([read('Bonjour Marie'), read('Hello Tom'), read('Bonjour Marie')]).toEqual([13, 9, 13]);
    expect(reads).toBe(2);
  });

  it('drops texts not read again past its limit, so a long run keeps memory bounded', () => {
    const recent = recentResults<string>(2);
    let reads = 0;
    const read = (text: string) => recent(text, () => `${++reads}:${text}`);
    read('Votre colis part demain.');
    read('Your parcel ships tomorrow.');
    read('Remboursé sous 14 jours.');
    expect(read('Your parcel ships tomorrow.')).toBe('2:Your parcel ships tomorrow.');
    expect(read('Votre colis part demain.')).toBe('4:Votre colis part demain.');
  });

  it('keeps a text read again and again while newer texts come (an article answering ticket after ticket)', () => {
    const recent = recentResults<string>(4);
    const reads = new Map<string, number>();
    const read = (text: string) => recent(text, () => {
      reads.set(text, (reads.get(text) ?? 0) + 1);
      return text;
    });
    for (let ticket = 0; ticket < 20; ticket++) {
      read(`Bonjour client ${ticket},`);
      read('# Délais de remboursement');
    }
    expect(reads.get('# Délais de remboursement')).toBe(1);
    expect(read('Bonjour client 0,')).toBe('Bonjour client 0,');
    expect(reads.get('Bonjour client 0,')).toBe(2);
  });

  it('reads a text once per scope (the language it is read in), and bounds the texts kept over every scope', () => {
    const recent = recentResults<string>(2);
    let reads = 0;
    const read = (text: string, language: string) => recent(text, () => `${++reads}:${language}`, language);
    expect([read('Merci !', 'fr'), read('Merci !', 'en'), read('Merci !', 'fr')]).toEqual(['1:fr', '2:en', '1:fr']);
    read('Thanks!', 'en');
    read('Cheers!', 'en');
    expect(read('Merci !', 'fr')).toBe('5:fr');
    expect(read('Cheers!', 'en')).toBe('4:en');
  });

  it('keeps a result that is undefined (no injection attempt in the message)', () => {
    const recent = recentResults<string | undefined>(4);
    let reads = 0;
    const read = () => recent('Where is my order?', () => void reads++);
    expect([read(), read()]).toEqual([undefined, undefined]);
    expect(reads).toBe(1);
  });
});

describe('optionsKey', () => {
  it('tells catalogues apart by the products array a run passes, and languages apart', () => {
    const catalogue = ['Bougie Figuier'];
    expect(optionsKey({ products: catalogue, language: 'fr' })).toBe(optionsKey({ products: catalogue, language: 'fr' }));
    expect(optionsKey({ products: catalogue, language: 'fr' })).not.toBe(optionsKey({ products: ['Bougie Figuier'], language: 'fr' }));
    expect(optionsKey({ products: catalogue, language: 'fr' })).not.toBe(optionsKey({ products: catalogue, language: 'en' }));
    expect(optionsKey({})).not.toBe(optionsKey({ products: catalogue }));
  });
});
