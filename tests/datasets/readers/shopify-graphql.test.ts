import { describe, expect, it } from 'vitest';
import type { KnowledgeDoc, Order } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted } from './_ticket-items.ts';
import { fixture, read, records, skips } from './_read.ts';

const tempDir = useTempDir();

describe('shopify-graphql', () => {
  it('reads an Admin GraphQL orders page, edges or nodes, with line items and fulfilment tracking', async () => {
    const items = await read('shopify-graphql', fixture('shopify-graphql/orders-page-1.json'));
    expectAccounted(items, 2);
    const [paid, pending] = records<Order>(items);
    expect(paid).toEqual({
      id: '#1042',
      customerEmail: 'camille@example.fr',
      customerName: 'Camille Durand',
      createdAt: '2025-06-01T09:30:00.000Z',
      financialStatus: 'paid',
      fulfillmentStatus: 'fulfilled',
      fulfilledAt: '2025-06-01T15:00:00.000Z',
      currency: 'EUR',
      total: 63,
      trackingNumber: '6A12345678901',
      trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901',
      shippingMethod: 'Colissimo',
      lineItems: [{ name: 'Bougie Figuier - 180 g', sku: 'ML-001-1', quantity: 1, price: 34 }],
    });
    expect(pending).toMatchObject({ id: '#1043', fulfillmentStatus: 'unfulfilled', lineItems: [{ sku: 'ML-TAS-SAU-S' }] });
  });

  it('reads products: untracked stock makes no stock claim, a draft is not knowledge (FR and EN)', async () => {
    const items = await read('shopify-graphql', fixture('shopify-graphql/products-page-1.json'));
    expectAccounted(items, 3);
    const [candle, giftCard] = records<KnowledgeDoc>(items);
    expect(candle!.body).toBe(
      'Bougie parfumée figuier, cire végétale.\n\nVendor: Maison Lune\nType: Bougie\n\nVariants:\n' +
        '- Taille: 180 g — SKU ML-001-1 — price 34.00 — 12 in stock\n- Taille: 400 g — SKU ML-001-2 — price 54.00 (was 60.00) — 0 in stock',
    );
    expect(candle).toMatchObject({ id: 'product-bougie-figuier', updatedAt: '2025-05-20T08:00:00.000Z', url: 'https://maisonlune.fr/products/bougie-figuier' });
    expect(giftCard!.body).toContain('- SKU GC-50 — price 50.00 — stock not tracked');
    expect(giftCard!.body).not.toContain('in stock');
    expect(skips(items)).toEqual([[1, 'the product is draft, not for sale: not knowledge a reply may quote']]);
  });

  it('says a page of GraphQL errors with its place', async () => {
    const dir = await tempDir();
    const errors = await writeTemp(dir, 'orders-page-2.json', JSON.stringify({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] }));
    expect(skips(await read('shopify-graphql', errors))).toEqual([[1, 'the page holds GraphQL errors instead of data (Throttled): fetch it again']]);
  });

  it('is detected for orders and products pages', async () => {
    expect(await detectedFormat(fixture('shopify-graphql/orders-page-1.json'))).toBe('shopify-graphql');
    expect(await detectedFormat(fixture('shopify-graphql/products-page-1.json'))).toBe('shopify-graphql');
  });
});
