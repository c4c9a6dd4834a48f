import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../datasets/records.ts';
import { importSources } from '../../pipelines/import.ts';
import { mergeRecords } from '../../pipelines/merge.ts';
import { readRecords } from '../../pipelines/workspace.ts';
import { useTempDir, writeTemp } from '../helpers/temp.ts';

const tempDir = useTempDir();

const order = (extra: Partial<Order>): Order => ({ id: '#1042', createdAt: '2025-06-01T09:30:00.000Z', lineItems: [], ...extra });

describe('merging the same order from two files', () => {
  it('keeps the first file’s fields, fills the ones it lacks, and unites line items', () => {
    const first = order({ financialStatus: 'paid', lineItems: [{ name: 'Bougie Figuier', sku: 'ML-001-1', quantity: 1, price: 34 }] });
    const later = order({
      financialStatus: 'refunded',
      trackingNumber: '6A12345678901',
      lineItems: [
        { name: 'Bougie Figuier', sku: 'ML-001-1', quantity: 1, price: 34 },
        { name: 'Tasse Lune', sku: 'ML-TAS-SAU-S', quantity: 2, price: 24 },
      ],
    });
    expect(mergeRecords('order', first, later)).toEqual(
      order({
        financialStatus: 'paid',
        trackingNumber: '6A12345678901',
        lineItems: [
          { name: 'Bougie Figuier', sku: 'ML-001-1', quantity: 1, price: 34 },
          { name: 'Tasse Lune', sku: 'ML-TAS-SAU-S', quantity: 2, price: 24 },
        ],
      }),
    );
  });

  it('loses no line item when an orders CSV and a GraphQL page both hold the order', async () => {
    const dir = await tempDir();
    const csv = await writeTemp(
      dir,
      'orders_export.csv',
      'Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n#1042,camille@example.fr,paid,2025-06-01 11:30:00 +0200,1,Savon lavande,12.50,ML-SAV\n',
    );
    const page = await writeTemp(
      dir,
      'orders-page-1.json',
      JSON.stringify({ data: { orders: { nodes: [{ name: '#1042', createdAt: '2025-06-01T09:30:00Z', displayFinancialStatus: 'PARTIALLY_REFUNDED', lineItems: { nodes: [{ name: 'Bougie Figuier - 180 g', sku: 'ML-001-1', quantity: 1 }] }, fulfillments: [{ trackingInfo: [{ number: '6A12345678901' }] }] }] } } }),
    );
    const workspace = join(dir, 'ws');
    await importSources([{ path: csv }, { path: page }], { workspace });
    const orders: Order[] = [];
    for await (const record of readRecords(workspace, 'order')) orders.push(record);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ financialStatus: 'paid', trackingNumber: '6A12345678901' });
    expect(orders[0]!.lineItems.map((item) => item.sku)).toEqual(['ML-SAV', 'ML-001-1']);
  });
});
