import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ReadItem } from '../../../datasets/reader.ts';
import { shopifyOrdersCsvReader } from '../../../datasets/readers/shopify-orders-csv.ts';
import { OrderSchema } from '../../../datasets/records.ts';
import { collect } from '../../helpers/temp.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/shopify-orders-csv/${name}`, import.meta.url));
const read = (path: string) => collect(shopifyOrdersCsvReader.read(path, { maxMessageChars: 100_000 }));
const records = (items: ReadItem[]) => items.flatMap((item) => (item.type === 'record' ? [item.record] : []));
const skips = (items: ReadItem[]) => items.flatMap((item) => (item.type === 'skip' ? [[item.at.line, item.reason]] : []));

describe('shopify-orders-csv reader', () => {
  it('yields one item per order (a run of rows sharing a Name), each at its first row', async () => {
    const items = await read(fixture('orders.csv'));
    expect(items.map((item) => [item.type, item.at.line, item.at.record, item.at.id])).toEqual([
      ['record', 2, 1, '#1001'],
      ['record', 5, 2, '#1002'],
      ['skip', 6, 3, '#1003'],
      ['skip', 7, 4, undefined],
      ['record', 8, 5, '#1004'],
    ]);
    expect(skips(items)).toEqual([
      [6, 'missing or unreadable "Created at" ("yesterday")'],
      [7, 'missing "Name" (the order number)'],
    ]);
    for (const record of records(items)) expect(OrderSchema.safeParse(record).success).toBe(true);
  });

  it('maps the native export: order fields from the first row, one line item per row', async () => {
    const [first, second, third] = records(await read(fixture('orders.csv')));
    expect(first).toEqual({
      id: '#1001',
      createdAt: '2025-10-07T07:50:26.000Z',
      customerEmail: 'julie.martin@example.fr',
      customerName: 'Julie Martin',
      financialStatus: 'paid',
      fulfillmentStatus: 'fulfilled',
      fulfilledAt: '2025-10-08T12:00:00.000Z',
      currency: 'EUR',
      total: 62.9,
      shippingMethod: 'Colissimo',
      lineItems: [
        { name: 'Tasse Lune - Sauge / S', quantity: 1, sku: 'ML-TAS-SAU-S', price: 24 },
        { name: 'Bougie Figuier - 180 g', quantity: 1, sku: 'ML-001-1', price: 34 },
      ],
    });
    // No billing name: the shipping name is the customer's.
    expect(second).toEqual({
      id: '#1002',
      createdAt: '2025-10-09T16:05:00.000Z',
      customerEmail: 'tom@example.com',
      customerName: 'Tom Dupont',
      financialStatus: 'refunded',
      cancelledAt: '2025-10-10T06:00:00.000Z',
      currency: 'EUR',
      total: 56,
      lineItems: [{ name: 'Bougie Ambre', quantity: 2, price: 28 }],
    });
    expect(third).toMatchObject({
      id: '#1004',
      total: 1234.5,
      fulfillmentStatus: 'unfulfilled',
      lineItems: [
        { name: 'Service à thé', quantity: 1, sku: 'ML-THE-1', price: 1200 },
        { name: 'Emballage cadeau', quantity: 1, price: 0 },
        { name: 'Carte postale', quantity: 3, sku: 'ML-CP', price: 11.5 },
      ],
    });
  });

  it('reads newer and older header spellings in any case, and tracking columns on any row', async () => {
    const items = await read(fixture('orders-new-spellings.csv'));
    expect(records(items)).toEqual([
      {
        id: '#2001',
        createdAt: '2026-09-03T14:14:00.000Z',
        customerEmail: 'marc@example.com',
        customerName: 'Marc Leroy',
        financialStatus: 'partially_refunded',
        fulfillmentStatus: 'fulfilled',
        fulfilledAt: '2026-09-04T13:00:00.000Z',
        currency: 'USD',
        total: 45,
        shippingMethod: 'UPS Ground',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        lineItems: [
          { name: 'Mug', quantity: 1, sku: 'MUG-1', price: 20 },
          { name: 'Saucer', quantity: 1, sku: 'SAU-1', price: 25 },
        ],
      },
      {
        id: '#2002',
        createdAt: '2026-09-05T08:00:00.000Z',
        customerEmail: 'zoe@example.com',
        financialStatus: 'voided',
        cancelledAt: '2026-09-05T13:30:00.000Z',
        currency: 'USD',
        total: 10,
        lineItems: [{ name: 'Sticker', quantity: 1, price: 10 }],
      },
      {
        id: '#2003',
        createdAt: '2026-09-06T14:00:00.000Z',
        customerEmail: 'ana@example.com',
        financialStatus: 'paid',
        currency: 'USD',
        total: 5,
        lineItems: [{ name: 'Pin', quantity: 1, price: 5 }],
      },
    ]);
    expect(items[2]).toMatchObject({ warnings: ['unreadable "Fulfilled at" ("not a date") left out'] });
  });

  it('reads a Windows-1252, semicolon-delimited export and stops at an unclosed quote with one skip', async () => {
    // The fixture is real Windows-1252 bytes: "é" is the single byte 0xE9.
    expect((await readFile(fixture('orders-win1252.csv'))).includes(Buffer.from('Zoé Lefèvre', 'latin1'))).toBe(true);
    const items = await read(fixture('orders-win1252.csv'));
    expect(records(items)).toEqual([
      {
        id: '#3001',
        createdAt: '2025-10-07T09:50:00.000Z',
        customerEmail: 'zoé@exemple.fr',
        customerName: 'Zoé Lefèvre',
        financialStatus: 'paid',
        fulfillmentStatus: 'fulfilled',
        currency: 'EUR',
        total: 58,
        lineItems: [
          { name: 'Tasse Lune Crème', quantity: 1, sku: 'ML-TAS-CRE-S', price: 24 },
          { name: 'Bougie Épicéa', quantity: 2, sku: 'ML-EPI', price: 17 },
        ],
      },
      {
        id: '#3002',
        createdAt: '2025-10-08T09:00:00.000Z',
        customerEmail: 'rené@exemple.fr',
        customerName: 'René Noël',
        financialStatus: 'pending',
        currency: 'EUR',
        total: 12.5,
        lineItems: [{ name: 'Savon; lavande', quantity: 1, price: 12.5 }],
      },
    ]);
    expect(skips(items)).toEqual([[5, 'a quoted field is never closed: the rest of the file could not be read']]);
  });

  it('is detected from its header, also with a ; delimiter', async () => {
    const { detectReader, probePath } = await import('../../../datasets/readers/index.ts');
    for (const name of ['orders.csv', 'orders-new-spellings.csv', 'orders-win1252.csv']) {
      expect(detectReader(await probePath(fixture(name))).name).toBe('shopify-orders-csv');
    }
    expect(shopifyOrdersCsvReader.detect({ path: 'x.csv', isDirectory: false, ext: '.csv', head: '', csvHeader: ['Name', 'Email'] })).toBe(0);
  });
});
