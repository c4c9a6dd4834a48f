import { describe, expect, it } from 'vitest';
import { detectReader, probePath } from '../../../datasets/readers/index.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { fixture } from './_read.ts';

const tempDir = useTempDir();

describe('format detection', () => {
  it.each([
    ['gorgias-tickets.json', 'gorgias-json'],
    ['zendesk-tickets.ndjson', 'zendesk-json'],
    ['freshdesk-export.csv', 'freshdesk-csv'],
    ['gorgias-macros.json', 'gorgias-macros'],
    ['shopify-orders.csv', 'shopify-orders-csv'],
    ['shopify-products.csv', 'shopify-products-csv'],
    ['help-center', 'articles-folder'],
  ])('recognises %s as %s', async (name, format) => {
    expect(detectReader(await probePath(fixture(name))).name).toBe(format);
  });

  it('recognises a generic CSV by its headers and a normalized JSONL file', async () => {
    const dir = await tempDir();
    const csv = await writeTemp(dir, 'export.csv', 'Ticket ID;Date de création;Message\n1;01/01/2025;Bonjour\n');
    expect(detectReader(await probePath(csv)).name).toBe('generic-csv');
    const jsonl = await writeTemp(dir, 'tickets.jsonl', '{"id":"1","messages":[]}\n');
    expect(detectReader(await probePath(jsonl)).name).toBe('shadowdesk-jsonl');
  });

  it('says which formats exist when it cannot tell', async () => {
    const dir = await tempDir();
    const unknown = await writeTemp(dir, 'export.csv', 'foo,bar\n1,2\n');
    expect(() => detectReader({ path: unknown, isDirectory: false, ext: '.csv', head: 'foo,bar', csvHeader: ['foo', 'bar'] })).toThrow(
      /could not tell which export format.*--format.*gorgias-json/,
    );
  });
});
