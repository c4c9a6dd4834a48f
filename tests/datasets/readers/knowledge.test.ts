import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { KnowledgeDoc, Order } from '../../../datasets/records.ts';
import { macroVariables } from '../../../datasets/readers/gorgias-macros.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();

describe('articles-folder', () => {
  it('reads Markdown, HTML and text articles with front matter, keeping every dated version', async () => {
    const items = await read('articles-folder', fixture('help-center'));
    const docs = records<KnowledgeDoc>(items);
    expect(docs.map((doc) => [doc.id, doc.kind, doc.updatedAt ?? null])).toEqual([
      ['candle-care', 'article', null],
      ['contact', 'article', null],
      ['gift-wrapping', 'article', null],
      ['returns-en', 'policy', '2024-11-01T00:00:00.000Z'],
      ['returns-en', 'policy', '2025-03-01T00:00:00.000Z'],
    ]);
    const current = docs[4]!;
    expect(current).toEqual({
      id: 'returns-en',
      kind: 'policy',
      title: 'Returning an item',
      body: '# Returning an item\n\nYou have 30 days after delivery to return an item.',
      url: 'https://help.example/en/returns',
      locale: 'en-US',
      updatedAt: '2025-03-01T00:00:00.000Z',
      tags: ['returns', 'policy'],
    });
    expect(docs[0]).toMatchObject({ title: 'Caring for your candle', body: 'Caring for your candle\n\nTrim the wick to 5 mm.' });
    expect(docs[2]!.title).toBe('Gift wrapping');
  });

  it('skips broken front matter with its line and empty files, and ignores other files', async () => {
    const items = await read('articles-folder', fixture('help-center'));
    expect(items).toHaveLength(7);
    expect(skips(items)).toEqual([
      [3, expect.stringMatching(/^invalid front matter: /)],
      [1, 'empty file'],
    ]);
    expect(items.some((item) => item.at.file.endsWith('logo.png'))).toBe(false);
  });
});

describe('gorgias-macros', () => {
  it('keeps response texts and their variables, tags, intent and archived state', async () => {
    const items = await read('gorgias-macros', fixture('gorgias-macros.json'));
    expect(items).toHaveLength(5);
    const [tracking, htmlOnly, tagOnly] = records<KnowledgeDoc>(items);
    expect(tracking).toMatchObject({
      id: 'macro-5000',
      kind: 'macro',
      title: 'FR - where is my order',
      locale: 'fr',
      updatedAt: '2025-09-01T08:00:00.000Z',
      tags: ['where-is-my-order', 'shipping', 'shipping/status'],
      variables: [
        'ticket.customer.firstname',
        'ticket.customer.integrations.shopify.orders[0].name',
        'ticket.customer.integrations.shopify.orders[0].fulfillments[0].tracking_url',
        'current_user.firstname',
      ],
    });
    expect(tracking!.body).toContain('{{ ticket.customer.integrations.shopify.orders[0].name }}');
    expect(htmlOnly).toMatchObject({ body: 'Hello {{ticket.customer.firstname}},\n\nThanks!', tags: ['archived'] });
    expect(tagOnly).toMatchObject({ body: 'Add tags: spam\nClose', variables: [] });
    expect(skips(items)).toEqual([
      [10, expect.stringMatching(/^invalid JSON/)],
      [11, 'the macro has no actions'],
    ]);
  });

  it('extracts variable paths without filters or spaces', () => {
    expect(macroVariables('{{ a.b|title }} {{a.b}} {{c[0].d | datetime_format("L") }} {{ }}')).toEqual(['a.b', 'c[0].d']);
  });
});

describe('shopify-products-csv', () => {
  it('makes one product document per handle with its variants', async () => {
    const docs = records<KnowledgeDoc>(await read('shopify-products-csv', fixture('shopify-products.csv')));
    expect(docs.map((doc) => doc.id)).toEqual(['product-bougie-figuier', 'product-carte-cadeau']);
    expect(docs[0]).toEqual({
      id: 'product-bougie-figuier',
      kind: 'product',
      title: 'Bougie Figuier',
      body: 'Bougie parfumée figuier, cire végétale.\n\nVendor: Maison Lune\nType: Bougie\n\nVariants:\n- Taille: 180 g — SKU ML-001-1 — price 34.00 — 12 in stock\n- Taille: 400 g — SKU ML-001-2 — price 54.00 — 0 in stock',
      tags: ['bougie', 'best-seller'],
    });
    expect(docs[1]!.body).toContain('- SKU GC-1 — price 50.00');
  });
});

describe('shopify-orders-csv', () => {
  it('groups line items into orders, reads tracking columns and accounts for bad rows', async () => {
    const items = await read('shopify-orders-csv', fixture('shopify-orders.csv'));
    expect(items).toHaveLength(4);
    const [first, refunded] = records<Order>(items);
    expect(first).toEqual({
      id: '#ML1042',
      createdAt: '2025-02-20T08:58:00.000Z',
      customerEmail: 'julie.martin@exemple.fr',
      customerName: 'Julie Martin',
      financialStatus: 'paid',
      fulfillmentStatus: 'fulfilled',
      fulfilledAt: '2025-02-21T08:00:00.000Z',
      currency: 'EUR',
      total: 68,
      shippingMethod: 'Colissimo',
      trackingNumber: '6A12345678FR',
      trackingUrl: 'https://suivi.example/6A12345678FR',
      lineItems: [
        { name: 'Bougie Figuier', quantity: 1, sku: 'ML-001-1', price: 34 },
        { name: 'Bougie Ambre', quantity: 1, sku: 'ML-002-1', price: 34 },
      ],
    });
    expect(refunded).toMatchObject({ id: '#ML1045', cancelledAt: '2025-02-24T09:00:00.000Z', lineItems: [{ quantity: 2 }] });
    expect(items[3]).toMatchObject({ warnings: ['unreadable "Fulfilled at" ("not a date") left out'] });
    expect(skips(items)).toEqual([
      [4, 'missing or unreadable "Created at" ("yesterday")'],
      [5, 'missing "Name" (the order number)'],
    ]);
  });

  it('reads a Windows-1252 ; export with old header spellings and an unclosed quote', async () => {
    const dir = await tempDir();
    const text =
      'Name;Email;Created at;Lineitem quantity;Lineitem name;Lineitem price;Canceled at;Fulfillment: Tracking Number\r\n' +
      '#1001;zoé@exemple.fr;2025-01-05 10:00:00 +0100;1;Tasse Lune Crème;24,00;;6A1\r\n' +
      '#1002;x@exemple.fr;2025-01-06 10:00:00 +0100;1;"Vase;58,00;;\r\n';
    const items = await read('shopify-orders-csv', await writeTemp(dir, 'orders.csv', iconv.encode(text, 'win1252')));
    expect(items).toHaveLength(2);
    expect(records<Order>(items)[0]).toMatchObject({
      id: '#1001',
      customerEmail: 'zoé@exemple.fr',
      trackingNumber: '6A1',
      lineItems: [{ name: 'Tasse Lune Crème', quantity: 1, price: 24 }],
    });
    expect(skips(items)).toEqual([[3, 'a quoted field is never closed: the rest of the file could not be read']]);
  });
});
