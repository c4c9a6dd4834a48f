import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ShadowdeskError } from '../../../errors.ts';
import type { ReadItem } from '../../../datasets/reader.ts';
import { readerFor } from '../../../datasets/readers/index.ts';
import { fixture } from './_read.ts';

/**
 * A valid input of every registered format, for the tests that hold every reader to the same
 * contract (contract.test.ts) and mutate inputs (fuzz.test.ts). A new format adds its samples here.
 */
export interface Sample {
  format: string;
  /** A file under tests/fixtures, or the content itself where the data may not be copied into the repository. */
  fixture?: string;
  content?: string;
  /** The name the input is written under; for `articles-folder`, the file inside the folder. */
  name: string;
  mapping?: unknown;
  /** Free text of the input that a record carries as written: the contract swaps it for French and English text. */
  text?: string;
}

/** A Twitter snowflake id sent at `iso` (ms since 2010-11-04T01:42:54.657Z, shifted 22 bits). */
const snowflake = (iso: string) => String((BigInt(Date.parse(iso)) - 1_288_834_974_657n) << 22n);
const tweet = (who: 'client' | 'agent', name: string, datetime: string, message: string) => ({ [who]: name, datetime, message, tweet_ID: snowflake(datetime) });

/** Invented conversations in the public datasets' layouts (their rows are not copied here). */
const IBM_TWITTER = JSON.stringify([
  {
    agentURL: { doc_id: '7', turn: '2', tweet_ID: snowflake('2020-03-02T09:10:00.000Z'), url: 'https://help.example/track', url_utterance: '@pixel_pal It ships today: https://help.example/track' },
    dialogContent: [
      tweet('client', 'pixel_pal', '2020-03-02T09:00:00.000Z', '@ParcelCare where is my order please'),
      tweet('agent', 'ParcelCare', '2020-03-02T09:10:00.000Z', '@pixel_pal It ships today: https://help.example/track'),
    ],
    dialogHeader: { company: 'ParcelCare', conversationDateTime: '2020-03-02T09:00:00.000Z', duration: '00:10:00.0', messageCount: '2', sessionID: 'sessA1' },
  },
]);
const ABCD_GUIDELINES = JSON.stringify({
  Shipping: { description: 'where parcels are', subflows: { Status: { actions: [{ type: 'interaction', button: 'N/A', text: 'Ask the customer for the order number', subtext: [] }], instructions: ['Perform the following actions'] } } },
});

export const SAMPLES: Sample[] = [
  { format: 'gorgias-json', fixture: 'gorgias-json/tickets-array.json', name: 'tickets.json', text: 'Where is my refund?' },
  { format: 'gorgias-json', fixture: 'gorgias-json/tickets.ndjson', name: 'tickets.ndjson' },
  { format: 'zendesk-json', fixture: 'zendesk-json/incremental-export.json', name: 'tickets.json', text: 'Wrong scent received' },
  { format: 'zendesk-json', fixture: 'zendesk-json/tickets.ndjson', name: 'tickets.ndjson' },
  { format: 'zendesk-json', fixture: 'zendesk-json/joined/ticket-events.json', name: 'ticket-events.json' },
  { format: 'zendesk-json', fixture: 'zendesk-json/joined/ticket-8101-comments.json', name: 'ticket-8101-comments.json' },
  { format: 'gorgias-json', fixture: 'gorgias-json/joined/messages.json', name: 'messages.json' },
  { format: 'freshdesk-json', fixture: 'freshdesk-json/tickets.json', name: 'tickets.json', text: 'Bougie cassée à la livraison' },
  { format: 'freshdesk-json', fixture: 'freshdesk-json/ticket-5001-conversations.json', name: 'ticket-5001-conversations.json' },
  { format: 'shopify-graphql', fixture: 'shopify-graphql/orders-page-1.json', name: 'orders-page-1.json' },
  { format: 'shopify-graphql', fixture: 'shopify-graphql/products-page-1.json', name: 'products-page-1.json', text: 'cire végétale.' },
  { format: 'freshdesk-csv', fixture: 'freshdesk-csv/tickets.csv', name: 'tickets.csv', text: 'Order late' },
  { format: 'generic-csv', fixture: 'generic-csv/messages-bom.csv', name: 'messages.csv', text: 'It ships today.' },
  {
    format: 'generic-csv',
    fixture: 'generic-csv/broken.csv',
    name: 'tickets.csv',
    // An explicit mapping, so mutated headers exercise the "column not in file" refusal too.
    mapping: { ticketId: 'id', createdAt: 'created at', subject: 'subject', body: 'message' },
  },
  { format: 'shadowdesk-jsonl', fixture: 'shadowdesk-jsonl/records.jsonl', name: 'records.jsonl', text: 'Commande #ML1042' },
  { format: 'gorgias-macros', fixture: 'gorgias-macros/macros-array.json', name: 'macros.json', text: 'EN - Where is my order' },
  { format: 'shopify-orders-csv', fixture: 'shopify-orders-csv/orders.csv', name: 'orders.csv', text: 'Julie Martin' },
  { format: 'shopify-products-csv', fixture: 'shopify-products-csv/products.csv', name: 'products.csv', text: 'Tasse en grès' },
  { format: 'articles-folder', fixture: 'help-center/returns-en.md', name: 'returns-en.md', text: 'You have 30 days after delivery to return an item.' },
  // What `pull` writes of a help center and its macros.
  { format: 'zendesk-articles', fixture: 'zendesk-articles/articles-000001.json', name: 'articles-000001.json', text: 'Shipping times' },
  { format: 'zendesk-macros', fixture: 'zendesk-macros/macros-000001.json', name: 'macros-000001.json', text: 'your order shipped' },
  { format: 'gorgias-help-center', fixture: 'gorgias-help-center/articles-3_en-US-001.json', name: 'articles-3_en-US-001.json', text: 'to return an item.' },
  // Public datasets, in their layouts.
  { format: 'abcd-conversations', content: '[{"user": "where is my order please", "assistant": "Your order shipped today and arrives on Friday."}]\n', name: 'train.jsonl', text: 'where is my order please' },
  { format: 'abcd-knowledge', content: ABCD_GUIDELINES, name: 'guidelines.json', text: 'Ask the customer for the order number' },
  { format: 'bitext-csv', content: 'flags,instruction,category,intent,response\nB,where is my order please,ORDER,track_order,It ships today.\n', name: 'bitext.csv', text: 'where is my order please' },
  {
    format: 'multilingual-tickets-csv',
    content: 'subject,body,answer,type,queue,priority,language,version,tag_1\nParcel,where is my order please,It ships today.,Incident,Support,low,en,51,Shipping\n',
    name: 'tickets.csv',
    text: 'where is my order please',
  },
  { format: 'ibm-twitter-json', content: IBM_TWITTER, name: 'dev.json', text: 'where is my order please' },
];


export async function sampleContent(sample: Sample): Promise<string> {
  return sample.content ?? readFile(fixture(sample.fixture!), 'utf8');
}

/** Writes an input where the reader expects it; returns the path to read. */
export async function writeInput(dir: string, sample: Sample, content: Buffer | string): Promise<string> {
  if (sample.format !== 'articles-folder') {
    const path = join(dir, sample.name);
    await writeFile(path, content);
    return path;
  }
  const folder = join(dir, 'articles');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, sample.name), content);
  return folder;
}

/** A readable excerpt of the input for a failure message. */
export function preview(content: Buffer | string): string {
  const text = content.toString();
  const shown = JSON.stringify(text.slice(0, 600));
  return text.length > 600 ? `${shown}… (${text.length} characters)` : shown;
}

export type Outcome = { items: ReadItem[] } | { refused: ShadowdeskError };

/** Reads everything; a ShadowdeskError is an allowed refusal, but only before the first item. */
export async function readAll(sample: Sample, path: string, content: Buffer | string): Promise<Outcome> {
  const items: ReadItem[] = [];
  try {
    for await (const item of readerFor(sample.format).read(path, { mapping: sample.mapping, maxMessageChars: 100_000 })) items.push(item);
  } catch (error) {
    if (!(error instanceof ShadowdeskError)) throw error;
    expect(items, `ShadowdeskError ${error.code} after ${items.length} item(s) for ${preview(content)}`).toHaveLength(0);
    return { refused: error };
  }
  return { items };
}

/** Only the head of a string can show in an excerpt: a fuzzed 200,000-character line is not copied whole. */
const EXCERPT_CHARS = 400;
const headOnly = (_key: string, value: unknown) => (typeof value === 'string' && value.length > EXCERPT_CHARS ? value.slice(0, EXCERPT_CHARS) : value);

/** One item per input record, each saying where it came from, of a kind the reader declares. */
export function expectAccounted(sample: Sample, items: ReadItem[], content: Buffer | string): void {
  const kinds: readonly string[] = readerFor(sample.format).kinds;
  // Once per input, not per item: decoding a long fuzzed input for every item was most of the fuzzing's CPU.
  const shown = preview(content);
  items.forEach((item, index) => {
    const where = `item ${index} of ${shown}: ${JSON.stringify(item, headOnly).slice(0, EXCERPT_CHARS)}`;
    expect(item.at.file, where).toEqual(expect.any(String));
    expect(item.at.file.length, where).toBeGreaterThan(0);
    if (item.at.line !== undefined) expect(Number.isInteger(item.at.line) && item.at.line >= 1, where).toBe(true);
    // One item per input record, in order: the n-th item is the n-th record.
    if (item.at.record !== undefined) expect(item.at.record, where).toBe(index + 1);
    if (item.type === 'skip') {
      expect(item.reason, where).toEqual(expect.any(String));
      expect(item.reason.trim().length, where).toBeGreaterThan(0);
      expect(item.at.line !== undefined || item.at.record !== undefined, `${where}: a skip must say where`).toBe(true);
      return;
    }
    // A ticket waiting for its messages, or messages waiting for their ticket, are joined by the importer.
    if (item.type === 'shell' || item.type === 'thread') {
      expect(kinds, where).toContain('ticket');
      return;
    }
    expect(kinds, where).toContain(item.kind);
    expect(item.record, where).toEqual(expect.any(Object));
    if (item.warnings !== undefined) {
      expect(item.warnings.length, where).toBeGreaterThan(0);
      for (const warning of item.warnings) expect(warning.trim().length, where).toBeGreaterThan(0);
    }
  });
}
