import { htmlToText, normalizeWhitespace } from '../../pipelines/clean.ts';
import { splitTags, str } from '../normalize.ts';
import { recordItem, type Reader } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { column, groupItems, hasColumns } from './_csv-rows.ts';

/** One line per variant, in the words a customer would use: "Color: Sage / Size: L — SKU … — €29.00 — 12 in stock". */
function variantLine(row: Record<string, string>, first: Record<string, string>): string | undefined {
  const options = [1, 2, 3]
    .map((n) => {
      const value = str(column(row, `Option${n} Value`));
      const name = str(column(first, `Option${n} Name`));
      return value && value !== 'Default Title' ? `${name ?? `Option ${n}`}: ${value}` : undefined;
    })
    .filter(Boolean);
  const sku = str(column(row, 'Variant SKU'));
  const price = str(column(row, 'Variant Price'));
  const stock = str(column(row, 'Variant Inventory Qty'));
  const parts = [
    options.join(' / '),
    sku && `SKU ${sku}`,
    price && `price ${price}`,
    stock !== undefined && `${stock} in stock`,
  ].filter(Boolean);
  return parts.length > 0 ? `- ${parts.join(' — ')}` : undefined;
}

function productDoc(handle: string, rows: Record<string, string>[]): KnowledgeDoc {
  const first = rows[0]!;
  const description = normalizeWhitespace(htmlToText(column(first, 'Body (HTML)', 'Body HTML') ?? ''));
  const facts = [
    str(column(first, 'Vendor')) && `Vendor: ${str(column(first, 'Vendor'))}`,
    str(column(first, 'Type')) && `Type: ${str(column(first, 'Type'))}`,
  ].filter(Boolean);
  const variants = rows.flatMap((row) => variantLine(row, first) ?? []);
  const body = [description, facts.join('\n'), variants.length > 0 ? `Variants:\n${variants.join('\n')}` : '']
    .filter((part) => part !== '')
    .join('\n\n');
  const doc: KnowledgeDoc = { id: `product-${handle}`, kind: 'product', title: str(column(first, 'Title')) ?? handle, body };
  const tags = splitTags(column(first, 'Tags'));
  if (tags.length > 0) doc.tags = tags;
  return doc;
}

export const shopifyProductsCsvReader: Reader = {
  name: 'shopify-products-csv',
  description: "Shopify's products export (one row per variant), one product document per handle",
  kinds: ['knowledge'],
  detect(probe) {
    return hasColumns(probe.csvHeader, ['Handle'], ['Title'], ['Variant Price', 'Variant SKU']) ? 0.95 : 0;
  },
  read(path, options) {
    return groupItems(path, options, 'Handle', '"Handle"', (handle, rows, at) => {
      const doc = productDoc(handle, rows);
      return recordItem('knowledge', doc, { ...at, id: doc.id });
    });
  },
};
