import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shopifyProductsCsvReader } from '../../../datasets/readers/shopify-products-csv.ts';
import { KnowledgeDocSchema } from '../../../datasets/records.ts';
import { collect } from '../../helpers/temp.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/shopify-products-csv/${name}`, import.meta.url));
const read = (path: string) => collect(shopifyProductsCsvReader.read(path, { maxMessageChars: 100_000 }));

describe('shopify-products-csv reader', () => {
  it('yields one item per product (a run of rows sharing a handle), each at its first row', async () => {
    const items = await read(fixture('products.csv'));
    expect(items.map((item) => [item.type, item.at.line, item.at.record, item.at.id])).toEqual([
      ['record', 2, 1, 'product-tasse-lune'],
      ['record', 7, 2, 'product-carte-cadeau'],
      ['skip', 8, 3, 'product-vase-ancien'],
      ['skip', 9, 4, undefined],
      ['skip', 10, 5, undefined],
      ['record', 11, 6, 'product-tasse-lune'],
    ]);
    expect(items.flatMap((item) => (item.type === 'skip' ? [[item.at.line, item.reason]] : []))).toEqual([
      [8, 'the product is archived, not for sale: not knowledge a reply may quote'],
      [9, 'missing "Handle"'],
      [10, expect.stringMatching(/^Invalid Record Length: columns length is 32, got 2/)],
    ]);
    for (const item of items) {
      if (item.type === 'record') expect(KnowledgeDocSchema.safeParse(item.record).success).toBe(true);
    }
  });

  it('writes the description, vendor, type and a readable list of variants; image rows are not variants', async () => {
    const [item] = await read(fixture('products.csv'));
    expect(item).toEqual({
      type: 'record',
      kind: 'knowledge',
      at: { file: fixture('products.csv'), line: 2, record: 1, id: 'product-tasse-lune' },
      record: {
        id: 'product-tasse-lune',
        kind: 'product',
        title: 'Tasse Lune',
        body: [
          'Tasse en grès émaillée à la main.',
          '',
          '* Passe au lave-vaisselle',
          '* 30 cl',
          '',
          'Vendor: Maison Lune',
          'Type: Tasse',
          '',
          'Variants:',
          '- Couleur: Sauge / Taille: S — SKU ML-TAS-SAU-S — price 24.00 (was 29.00) — 12 in stock',
          '- Couleur: Sauge / Taille: L — SKU ML-TAS-SAU-L — price 28.00 — 3 in stock',
          '- Couleur: Crème / Taille: S — SKU ML-TAS-CRE-S — price 24.00 — 0 in stock',
        ].join('\n'),
        tags: ['céramique', 'cadeau'],
      },
    });
  });

  it('leaves out the "Default Title" option, makes no stock claim for untracked stock, and no knowledge of an archived product', async () => {
    const records = (await read(fixture('products.csv'))).flatMap((item) => (item.type === 'record' ? [item.record] : []));
    expect(records[1]).toEqual({
      id: 'product-carte-cadeau',
      kind: 'product',
      title: 'Carte cadeau',
      // A gift card's stock is not tracked: its empty quantity is no "0 in stock".
      body: 'Valable un an & utilisable en boutique.\n\nVendor: Maison Lune\nType: Carte cadeau\n\nVariants:\n- SKU GC-50 — price 50.00 — stock not tracked',
    });
    expect(records.map((record) => record.id)).not.toContain('product-vase-ancien');
  });

  it('yields a handle seen again apart from its first rows again, with a warning', async () => {
    const last = (await read(fixture('products.csv'))).at(-1);
    expect(last).toEqual({
      type: 'record',
      kind: 'knowledge',
      at: { file: fixture('products.csv'), line: 11, record: 6, id: 'product-tasse-lune' },
      record: {
        id: 'product-tasse-lune',
        kind: 'product',
        title: 'tasse-lune',
        body: 'Variants:\n- Option 1: Sauge / Option 2: XL — SKU ML-TAS-SAU-XL — price 32.00 — 1 in stock',
      },
      warnings: ['rows of "tasse-lune" apart from its first row (title, description, option names): only their variants are read'],
    });
  });

  it('matches the headers of an older template whatever their case', async () => {
    const items = await read(fixture('products-old-template.csv'));
    expect(items).toEqual([
      {
        type: 'record',
        kind: 'knowledge',
        at: { file: fixture('products-old-template.csv'), line: 2, record: 1, id: 'product-bougie-figuier' },
        record: {
          id: 'product-bougie-figuier',
          kind: 'product',
          title: 'Bougie Figuier',
          body: 'Cire végétale.\n\nVendor: Maison Lune\nType: Bougie\n\nVariants:\n- Taille: 180 g — SKU ML-001-1 — price 34.00 — stock not tracked\n- Taille: 400 g — SKU ML-001-2 — price 54.00 — stock not tracked',
          tags: ['bougie'],
        },
      },
    ]);
  });

  it('is detected from its header', async () => {
    const { detectReader, probePath } = await import('../../../datasets/readers/index.ts');
    for (const name of ['products.csv', 'products-old-template.csv']) {
      expect(detectReader(await probePath(fixture(name))).name).toBe('shopify-products-csv');
    }
    expect(shopifyProductsCsvReader.detect({ path: 'x.csv', isDirectory: false, ext: '.csv', head: '', csvHeader: ['Handle', 'Title'] })).toBe(0);
  });
});
