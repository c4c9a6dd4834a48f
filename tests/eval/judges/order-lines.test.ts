import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../datasets/demo/generate.ts';
import { OrderSchema, type Order } from '../../../datasets/records.ts';
import { orderLineKeys } from '../../../eval/judges/order-lines.ts';
import { importSources } from '../../../pipelines/import.ts';
import { recordsFile } from '../../../pipelines/workspace.ts';

/** What the replay and judging keep of an order: its id and lower-cased e-mail, as parsing the line gives them. */
const parsedKeys = (order: Order) => ({ id: order.id, ...(order.customerEmail !== undefined && { email: order.customerEmail.toLowerCase() }) });

describe('order keys read from a JSONL line', () => {
  let dir: string;
  let lines: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-order-lines-'));
    await generateDemo({ outDir: join(dir, 'data'), tickets: 300, seed: 3 });
    await importSources([{ path: join(dir, 'data') }], { workspace: join(dir, 'ws') });
    lines = (await readFile(await recordsFile(join(dir, 'ws'), 'order'), 'utf8')).split('\n').filter(Boolean);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('agrees with the parsed order on every imported order', () => {
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) expect(orderLineKeys(line)).toEqual(parsedKeys(JSON.parse(line) as Order));
  });

  const order = (fields: Partial<Order>): Order => OrderSchema.parse({ id: '#1001', createdAt: '2025-01-02T03:04:05.000Z', lineItems: [], ...fields });

  it('reads escaped and upper-case values, and an order without an e-mail, as parsing does', () => {
    for (const record of [order({ id: '#"10\\01"', customerEmail: 'Ann.O\\"Neil@Example.COM' }), order({ customerEmail: 'é@exemple.fr' }), order({ customerName: '"customerEmail":"x@y.z"' }), order({ customerEmail: '' })]) {
      expect(orderLineKeys(JSON.stringify(record))).toEqual(parsedKeys(record));
    }
  });

  it('leaves a line in another key order to be parsed, rather than reading no e-mail where there is one', () => {
    const { id, ...rest } = order({ customerEmail: 'ann@example.com' });
    expect(orderLineKeys(JSON.stringify({ ...rest, id }))).toBeUndefined();
    const { customerEmail, ...others } = order({ customerEmail: 'ann@example.com', customerName: 'Ann' });
    expect(orderLineKeys(JSON.stringify({ ...others, customerEmail }))).toBeUndefined();
  });
});
