import { describe, expect, it } from 'vitest';
import { optionsKey, recentReadings } from '../../../eval/judges/recent.ts';

describe('recentReadings', () => {
  it('reads a text once while it is among the latest', () => {
    const recent = recentReadings(2).reader<number>();
    let reads = 0;
    const read = (text: string) => recent(text, () => ++reads && text.length);
    expect([read('Bonjour Marie'), read('Hello Tom'), read('Bonjour Marie')]).toEqual([13, 9, 13]);
    expect(reads).toBe(2);
  });

  it('drops texts not read again past its limit, so a long run keeps memory bounded', () => {
    const recent = recentReadings(2).reader<string>();
    let reads = 0;
    const read = (text: string) => recent(text, () => `${++reads}:${text}`);
    read('Votre colis part demain.');
    read('Your parcel ships tomorrow.');
    read('Remboursé sous 14 jours.');
    expect(read('Your parcel ships tomorrow.')).toBe('2:Your parcel ships tomorrow.');
    expect(read('Votre colis part demain.')).toBe('4:Votre colis part demain.');
  });

  it('keeps a text read again and again while newer texts come (an article answering ticket after ticket)', () => {
    const recent = recentReadings(4).reader<string>();
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

  it('reads a text once per scope (the language it is read in), and bounds the texts kept whatever their scopes', () => {
    const recent = recentReadings(2).reader<string>();
    let reads = 0;
    const read = (text: string, language: string) => recent(text, () => `${++reads}:${language}`, language);
    expect([read('Merci !', 'fr'), read('Merci !', 'en'), read('Merci !', 'fr')]).toEqual(['1:fr', '2:en', '1:fr']);
    read('Thanks!', 'en');
    read('Cheers!', 'en');
    expect(read('Merci !', 'fr')).toBe('5:fr');
    expect(read('Cheers!', 'en')).toBe('4:en');
  });

  it('keeps each reader’s result for a text, the text counted once towards the limit however many readers read it', () => {
    const readings = recentReadings(2);
    const lengths = readings.reader<number>();
    const words = readings.reader<number>();
    let reads = 0;
    const length = (text: string) => lengths(text, () => ++reads && text.length);
    const wordCount = (text: string) => words(text, () => ++reads && text.split(' ').length);
    expect([length('Votre colis part demain.'), wordCount('Votre colis part demain.')]).toEqual([24, 4]);
    expect([length('Merci !'), wordCount('Merci !')]).toEqual([7, 2]);
    // Two texts, each read by both readers: both still kept.
    expect([length('Votre colis part demain.'), wordCount('Votre colis part demain.'), length('Merci !'), wordCount('Merci !')]).toEqual([24, 4, 7, 2]);
    expect(reads).toBe(4);
  });

  it('keeps a result that is undefined (no injection attempt in the message)', () => {
    const recent = recentReadings(4).reader<string | undefined>();
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
