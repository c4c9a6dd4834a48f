import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { splitTags, str } from '../normalize.ts';
import { recordItem, type Reader } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { column, groupItems, hasColumns } from './_csv-rows.ts';

type Row = Record<string, string>;

/** Option values of a variant, named by the product's first row: `Size: L / Color: Sage`. */
function optionsOf(row: Row, first: Row): string {
  return [1, 2, 3]
    .flatMap((n) => {
      const value = str(column(row, `Option${n} Value`));
      // Shopify writes `Title: Default Title` for a product without options.
      if (!value || value === 'Default Title') return [];
      return `${str(column(first, `Option${n} Name`)) ?? `Option ${n}`}: ${value}`;
    })
    .join(' / ');
}

/** One line per variant, in the words a customer would use: "Size: L — SKU … — price 29.00 (was 35.00) — 12 in stock". */
function variantLine(row: Row, first: Row): string | undefined {
  const sku = str(column(row, 'Variant SKU'));
  const price = str(column(row, 'Variant Price'));
  const compareAt = str(column(row, 'Variant Compare At Price', 'Variant Compare-at Price'));
  const stock = str(column(row, 'Variant Inventory Qty'));
  // An empty tracker (where the export has the column) means Shopify does not count this stock: its 0 says nothing.
  const tracker = column(row, 'Variant Inventory Tracker');
  const untracked = tracker !== undefined && str(tracker) === undefined;
  const parts = [
    optionsOf(row, first),
    sku && `SKU ${sku}`,
    price && `price ${price}${compareAt && compareAt !== price ? ` (was ${compareAt})` : ''}`,
    untracked ? price !== undefined && 'stock not tracked' : stock !== undefined && `${stock} in stock`,
  ].filter(Boolean);
  // Image-only rows carry none of these and are not variants.
  return parts.length > 0 ? `- ${parts.join(' — ')}` : undefined;
}

function productFacts(first: Row): string[] {
  const vendor = str(column(first, 'Vendor'));
  const type = str(column(first, 'Type', 'Product Type'));
  return [vendor && `Vendor: ${vendor}`, type && `Type: ${type}`].filter((fact): fact is string => typeof fact === 'string');
}

/** A draft or archived product is not for sale: a reply must not offer it, so it is no knowledge. */
const NOT_FOR_SALE = new Set(['draft', 'archived', 'unlisted']);

function productDoc(handle: string, rows: Row[]): KnowledgeDoc {
  const first = rows[0]!;
  const description = normalizeWhitespace(htmlToText(column(first, 'Body (HTML)', 'Body HTML', 'Body') ?? ''));
  const variants = rows.flatMap((row) => variantLine(row, first) ?? []);
  const body = [description, productFacts(first).join('\n'), variants.length > 0 ? `Variants:\n${variants.join('\n')}` : '']
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
    // A handle seen again further down is yielded again; the importer merges records with one id.
    return groupItems(path, options, 'Handle', '"Handle"', (handle, rows, at) => {
      const status = str(column(rows[0]!, 'Status'))?.toLowerCase();
      if (status && NOT_FOR_SALE.has(status)) return { type: 'skip', at: { ...at, id: `product-${handle}` }, reason: `the product is ${status}, not for sale: not knowledge a reply may quote` };
      const doc = productDoc(handle, rows);
      // Product fields live on the first row only: without a title these rows continue a product listed earlier.
      const warnings = str(column(rows[0]!, 'Title')) ? [] : [`rows of "${handle}" apart from its first row (title, description, option names): only their variants are read`];
      return recordItem('knowledge', doc, { ...at, id: doc.id }, warnings);
    });
  },
};
