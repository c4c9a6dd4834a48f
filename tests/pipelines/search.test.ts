import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeDoc, Ticket } from '../../datasets/records.ts';
import { importSources } from '../../pipelines/import.ts';
import { buildIndex } from '../../pipelines/search-index.ts';
import * as lancedb from '@lancedb/lancedb';
import { openSearcher, timeTravelFilter } from '../../pipelines/search-tables.ts';
import { passages } from '../../pipelines/passages.ts';
import { readManifest, tablesLocation } from '../../pipelines/index-manifest.ts';
import { writeTemp } from '../helpers/temp.ts';

const TOPICS = [
  ['parcel', 'colis', 'tracking', 'suivi', 'delivery', 'livraison', 'carrier', 'late'],
  ['refund', 'remboursement', 'bank', 'banque', 'money', 'argent', 'account', 'days'],
  ['discount', 'promo', 'code', 'coupon', 'checkout', 'panier', 'invalid', 'refused'],
  ['candle', 'bougie', 'wick', 'meche', 'wax', 'cire', 'burn', 'scent'],
];

function ticket(id: number, day: number, topic: number, answer: string): Ticket {
  const words = TOPICS[topic]!;
  const at = (hours: number) => new Date(Date.UTC(2025, 0, day, hours)).toISOString();
  return {
    id: String(id),
    source: 'test',
    createdAt: at(9),
    closedAt: at(15),
    channel: 'email',
    subject: `${words[0]} question`,
    customer: { email: `c${id}@example.com` },
    tags: [],
    messages: [
      { role: 'customer', sentAt: at(9), text: `hello my ${words[id % 8]} ${words[(id + 3) % 8]} ${words[(id + 5) % 8]} problem` },
      { role: 'agent', sentAt: at(14), text: answer },
    ],
  };
}

const policy = (updatedAt: string, days: number): KnowledgeDoc => ({
  id: 'returns',
  kind: 'policy',
  title: 'Returns policy',
  body: `You can return an item within ${days} days of delivery. Returns are free.`,
  updatedAt,
});

const PLANTED = 'Your parcel PLANTED-ANSWER-777 left our workshop today.';

async function workspaceWithIndex(dir: string): Promise<string> {
  const tickets = Array.from({ length: 120 }, (_, index) => ticket(index + 1, 1 + (index % 28), index % 4, `answer about ${TOPICS[index % 4]!.slice(0, 4).join(' ')}`));
  // The ticket under replay: created on 20 January, its own answer holds a unique phrase.
  tickets.push({ ...ticket(999, 20, 0, PLANTED), subject: 'PLANTED-ANSWER-777 parcel' });
  const docs = [
    policy('2024-11-01T00:00:00.000Z', 14),
    policy('2025-01-15T00:00:00.000Z', 30),
    { id: 'care', kind: 'article', title: 'Candle care', body: 'Trim the wick (mèche) before each burn; the wax should melt to the edges.' } satisfies KnowledgeDoc,
  ];
  const file = await writeTemp(dir, 'records.jsonl', [...tickets, ...docs].map((record) => JSON.stringify(record)).join('\n'));
  const workspace = join(dir, 'ws');
  await importSources([{ path: file }], { workspace });
  return workspace;
}

describe('the search index', () => {
  // One index for the whole suite: building it is the slow part.
  let dir: string;
  let workspace: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-search-'));
    workspace = await workspaceWithIndex(dir);
    const summary = await buildIndex({ workspace });
    expect(summary).toMatchObject({ model: 'builtin', knowledgePassages: 3, tickets: 121, modelFit: { refitted: true } });
    expect(summary.embedded).toBe(summary.texts);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('embeds nothing again for an unchanged corpus, and writes nothing while the import is the same', async () => {
    const built = await readManifest(workspace);
    const again = await buildIndex({ workspace });
    expect(again).toMatchObject({ upToDate: true, embedded: 0, knowledgePassages: 3, tickets: 121, modelFit: { refitted: false } });
    expect(await readManifest(workspace)).toEqual(built);
    // The same records imported again make a new import: the tables are rebuilt, every vector from the cache.
    await importSources([{ path: join(dir, 'records.jsonl') }], { workspace, force: true });
    const rebuilt = await buildIndex({ workspace });
    expect(rebuilt).toMatchObject({ embedded: 0, texts: built.texts, knowledgePassages: 3, tickets: 121, modelFit: { refitted: false } });
    expect(rebuilt.upToDate).toBeUndefined();
    expect((await readManifest(workspace)).tables).not.toBe(built.tables);
  });

  it('embeds only what is new when a few tickets are added', async () => {
    const extra = await writeTemp(dir, 'extra.jsonl', [1001, 1002].map((id) => JSON.stringify({ ...ticket(id, 28, 1, `answer ${id} about refunds`), subject: `refund ${id}` })).join('\n'));
    await importSources([{ path: join(dir, 'records.jsonl') }, { path: extra }], { workspace });
    const after = await buildIndex({ workspace });
    // Two questions and two answers; the built-in model was kept (2 of 124 documents is under the refit threshold).
    expect(after).toMatchObject({ embedded: 4, tickets: 123, modelFit: { refitted: false } });
  });

  it('answers with the knowledge version in force at the date asked', async () => {
    const searcher = await openSearcher(workspace);
    const returnsAt = async (asOf: string) =>
      (await searcher.search('how many days to return an item', { asOf, limit: 5 })).filter((hit) => hit.id.startsWith('returns@')).map((hit) => hit.text);
    expect(await returnsAt('2025-01-10')).toEqual([expect.stringContaining('within 14 days')]);
    // The searcher shares knowledge searches between moments that see the same knowledge: the
    // last millisecond of a version, then the first of the next, must still differ.
    expect(await returnsAt('2025-01-14T23:59:59.999Z')).toEqual([expect.stringContaining('within 14 days')]);
    expect(await returnsAt('2025-01-15T00:00:00.000Z')).toEqual([expect.stringContaining('within 30 days')]);
    expect(await returnsAt('2025-02-01')).toEqual([expect.stringContaining('within 30 days')]);
    expect(await returnsAt('2024-06-01')).toEqual([]);
    await searcher.close();
  });

  it('never lets a replayed ticket retrieve its own answer or anything answered after it', async () => {
    const searcher = await openSearcher(workspace);
    const query = 'PLANTED-ANSWER-777 parcel hello my parcel tracking';
    // Without the filter the planted ticket is the best match: the test would catch a leak.
    const unfiltered = await searcher.search(query, { table: 'tickets', limit: 3 });
    expect(unfiltered[0]!.id).toBe('999');
    // Its own id keeps it out even with no date given, and the results stay full.
    const excluded = await searcher.search(query, { table: 'tickets', limit: 3, excludeTicketId: '999' });
    expect(excluded).toHaveLength(3);
    expect(excluded.map((hit) => hit.id)).not.toContain('999');
    for (const mode of ['hybrid', 'vector', 'fts'] as const) {
      const replayed = await searcher.search(query, { table: 'tickets', asOf: '2025-01-20T09:00:00.000Z', excludeTicketId: '999', limit: 50, mode });
      expect(replayed.length, mode).toBeGreaterThan(0);
      expect(replayed.map((hit) => hit.id), mode).not.toContain('999');
      expect(replayed.every((hit) => !hit.answer!.includes('PLANTED')), mode).toBe(true);
      // Tickets of 20 January and later were not answered yet at 09:00 that day.
      const days = replayed.map((hit) => Number(hit.id) % 28 || 28).filter((day) => day >= 20);
      expect(days.every((day) => day < 20), `${mode}: ${days.join(',')}`).toBe(true);
    }
    await searcher.close();
  });

  it('finds by meaning and by words, and hybrid returns what either finds', async () => {
    const searcher = await openSearcher(workspace);
    const vector = await searcher.search('bougie cire mèche', { table: 'tickets', mode: 'vector', limit: 5 });
    const words = await searcher.search('coupon', { table: 'tickets', mode: 'fts', limit: 5 });
    const hybrid = await searcher.search('coupon checkout', { table: 'tickets', limit: 5 });
    await searcher.close();
    expect(vector.every((hit) => hit.title.startsWith('candle'))).toBe(true);
    expect(words.every((hit) => hit.title.startsWith('discount'))).toBe(true);
    expect(hybrid.every((hit) => hit.title.startsWith('discount'))).toBe(true);
  });

  // file:// goes through LanceDB's object-store layer, as s3://, gs:// and az:// do; no bucket is reachable here.
  it('keeps its tables under a LanceDB URI, searches them there, and drops the previous build on a rebuild', async () => {
    const copy = join(dir, 'uri-ws');
    await cp(workspace, copy, { recursive: true });
    const store = join(dir, 'object-store');
    const local = await openSearcher(workspace);
    const expected = (await local.search('coupon checkout', { table: 'tickets', limit: 5 })).map((hit) => hit.id);
    await local.close();

    await buildIndex({ workspace: copy, tablesUri: `file://${store}` });
    const first = await readManifest(copy);
    expect(first.tablesUri).toBe(`file://${store}`);
    expect((await readdir(join(copy, 'index'))).filter((entry) => entry.startsWith('tables-'))).toEqual([]);
    const remote = await openSearcher(copy);
    expect((await remote.search('coupon checkout', { table: 'tickets', limit: 5 })).map((hit) => hit.id)).toEqual(expected);
    await remote.close();

    // A rebuild (of a new import) without the option stays in the store, and the build it replaces is dropped there.
    await importSources([{ path: join(dir, 'records.jsonl') }], { workspace: copy, force: true });
    await buildIndex({ workspace: copy });
    const second = await readManifest(copy);
    expect(second.tablesUri).toBe(`file://${store}`);
    expect(second.tables).not.toBe(first.tables);
    const tablesIn = async (location: string) => (await lancedb.connect(location)).tableNames();
    expect(await tablesIn(tablesLocation(copy, first))).toEqual([]);
    expect((await tablesIn(tablesLocation(copy, second))).sort()).toEqual(['knowledge', 'tickets']);
    await expect(buildIndex({ workspace: copy, tablesUri: 'bucket/prefix' })).rejects.toThrow('expected a LanceDB URI');
  }, 60_000);

  it('builds its filters from the replay rules', () => {
    expect(timeTravelFilter('knowledge', { asOf: '2025-01-01T00:00:00Z' })).toBe('valid_from <= 1735689600000 AND valid_to > 1735689600000');
    expect(timeTravelFilter('tickets', { asOf: 0, excludeTicketId: '1' })).toBe('known_ms < 0');
    expect(timeTravelFilter('tickets', {})).toBeUndefined();
    expect(() => timeTravelFilter('tickets', { asOf: 'someday' })).toThrow('not a date');
  });

  it('splits long articles into paragraph-aligned passages', () => {
    const body = Array.from({ length: 6 }, (_, index) => `Paragraph ${index} ${'x'.repeat(300)}`).join('\n\n');
    const parts = passages(body);
    expect(parts.length).toBe(3);
    expect(parts.join('\n\n')).toBe(body);
  });
});
