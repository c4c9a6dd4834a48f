import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Order, Ticket } from '../../datasets/records.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex } from '../../pipelines/search-index.ts';
import { builtOnce } from './built-once.ts';

/** A small indexed workspace for replay tests: 24 where-is-my-order tickets with their customers' orders. */

export const at = (day: number, hour = 9) => new Date(Date.UTC(2025, 0, day, hour)).toISOString();

export function order(id: string, email: string, day: number): Order {
  return { id, customerEmail: email, createdAt: at(day), lineItems: [{ name: 'Bougie Figuier', quantity: 1 }], trackingNumber: `6A${String(day).padStart(8, '0')}FR`, trackingUrl: `https://track.example/6A${String(day).padStart(8, '0')}FR` };
}

/** Where-is-my-order tickets answered with the customer's own order; one planted trap per customer. */
function ticket(index: number, signature: string): Ticket {
  const email = `c${index}@example.com`;
  const name = ['Julie', 'Tom', 'Ana', 'Kenji'][index % 4]!;
  const number = `#ML${1000 + index}`;
  const tracking = `6A${String(index + 1).padStart(8, '0')}FR`;
  return {
    id: String(index),
    source: 'test',
    createdAt: at(index + 2),
    closedAt: at(index + 2, 15),
    channel: 'email',
    language: 'en',
    subject: `Where is my order ${number}`,
    customer: { email, name: `${name} Martin` },
    tags: ['where-is-my-order'],
    messages: [
      { role: 'customer', sentAt: at(index + 2), text: `Hello, where is my parcel ${number}? It has not arrived.${signature}` },
      { role: 'agent', sentAt: at(index + 2, 14), text: `Hello ${name},\n\nYour order ${number} has shipped: tracking ${tracking}, https://track.example/${tracking}` },
    ],
  };
}

export interface ReplayWorkspaceOptions {
  /** Appended to ticket i's first message, e.g. personal data for redaction tests. */
  signature?: (index: number) => string;
}

/**
 * Imports and indexes the tickets, their orders, one order placed too late and one article into
 * `dir/ws`. Without a signature, a copy of the one built for the run (built-once.ts): ten files
 * built the same workspace, each its import and index again.
 */
export async function buildReplayWorkspace(dir: string, options: ReplayWorkspaceOptions = {}): Promise<string> {
  if (options.signature) return indexedWorkspace(dir, replayRecords(options));
  const { folder } = await builtOnce('replay-workspace', async (into) => {
    await indexedWorkspace(into, replayRecords(options));
    return null;
  });
  await cp(folder, dir, { recursive: true });
  return join(dir, 'ws');
}

function replayRecords(options: ReplayWorkspaceOptions): object[] {
  return [
    ...Array.from({ length: 24 }, (_, index) => ticket(index, options.signature?.(index) ?? '')),
    ...Array.from({ length: 24 }, (_, index) => order(`#ML${1000 + index}`, `c${index}@example.com`, index + 1)),
    // An order placed after its customer's ticket: the replay must not see it.
    order('#ML9999', 'c5@example.com', 20),
    { id: 'shipping', kind: 'article', title: 'Tracking your order', body: 'Every parcel gets a tracking link by e-mail when it ships; delivery takes 2 to 3 days.' },
  ];
}

/** Writes the records as shadowdesk JSONL in `dir`, imports and indexes them into `dir/ws`. */
export async function indexedWorkspace(dir: string, records: readonly object[]): Promise<string> {
  const file = join(dir, 'records.jsonl');
  await writeFile(file, records.map((record) => JSON.stringify(record)).join('\n'));
  const workspace = join(dir, 'ws');
  await importSources([{ path: file }], { workspace });
  await buildIndex({ workspace });
  return workspace;
}
