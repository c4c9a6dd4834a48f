import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Reader } from '../../../datasets/reader.ts';
import { ABCD_TIME_WARNING, abcdConversationsReader, isSubstantive } from '../../../datasets/readers/abcd-conversations.ts';
import { abcdKnowledgeReader } from '../../../datasets/readers/abcd-knowledge.ts';
import { probePath } from '../../../datasets/readers/index.ts';
import type { KnowledgeDoc, Ticket } from '../../../datasets/records.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';
import { expectAccounted } from './_ticket-items.ts';
import { fixture, records } from './_read.ts';

// The ABCD files are shared read-only data, never copied into the repository.
const ABCD = fileURLToPath(new URL('../../../../shared/datasets/abcd/', import.meta.url));
const file = (name: string) => `${ABCD}${name}`;
const present = existsSync(file('abcd_sample.json'));
const read = (reader: Reader, name: string) => collect(reader.read(file(name), { maxMessageChars: 100_000 }));
const json = (name: string): unknown => JSON.parse(readFileSync(file(name), 'utf8'));
const detect = async (reader: Reader, path: string) => reader.detect(await probePath(path));
const tempDir = useTempDir();

if (!present) console.warn(`skipping the ABCD reader tests: ${ABCD} is absent`);

describe.skipIf(!present)('abcd-conversations reader (shared ABCD files)', () => {
  it('accounts for every conversation of the full-format sample, with its question, answer and intent', async () => {
    const items = await read(abcdConversationsReader, 'abcd_sample.json');
    expectAccounted(items, (json('abcd_sample.json') as unknown[]).length);
    const tickets = records<Ticket>(items);
    expect(tickets.map((ticket) => ticket.id)).toEqual(['abcd-3592', 'abcd-9489', 'abcd-3695']);
    const [first] = tickets;
    expect(first!.messages).toEqual([
      { role: 'customer', sentAt: '2024-01-01T00:00:00.000Z', text: 'Hi! I need to return an item, can you help me with that?' },
      {
        role: 'agent',
        sentAt: '2024-01-01T00:30:00.000Z',
        text: 'ok, unfortunately because it has been more than 90 days we cannot accept the return. Would there be anything else I can help you with?',
      },
    ]);
    expect(first!.tags).toEqual(['product_defect', 'return_size', 'intent:product_defect/return_size']);
    expect(first!).toMatchObject({ source: 'abcd', channel: 'chat', language: 'en', customer: { id: 'cminh730', name: 'Crystal Minh', email: 'cminh730@email.com' } });
    // A bare "HEY HO!" opening is followed by the real request; the promise to answer is not the answer.
    expect(tickets[2]!.messages.map((message) => message.text)).toEqual([
      "HEY HO!\nI've got a promo code and I want to know when they expire.\nI'd like to use it to buy some hats for my cat.",
      'Ok, all promo codes expire after 7 days without fail.',
    ]);
  });

  it('reads abcd_v1.1.json\'s {train, dev, test} splits in file order', async () => {
    const [a, b, c] = json('abcd_sample.json') as unknown[];
    const splits = await writeTemp(await tempDir(), 'abcd_v1.1.json', JSON.stringify({ train: [a, b], dev: [c], test: [] }));
    const items = await collect(abcdConversationsReader.read(splits, { maxMessageChars: 100_000 }));
    expectAccounted(items, 3);
    expect(records<Ticket>(items).map((ticket) => ticket.id)).toEqual(['abcd-3592', 'abcd-9489', 'abcd-3695']);
  });

  it('dates conversations one hour apart, each answered before the next starts, and warns once', async () => {
    const items = await read(abcdConversationsReader, 'abcd_sample.json');
    const tickets = records<Ticket>(items);
    expect(tickets.map((ticket) => ticket.createdAt)).toEqual(['2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.000Z', '2024-01-01T02:00:00.000Z']);
    tickets.slice(1).forEach((ticket, index) => expect(tickets[index]!.closedAt! < ticket.createdAt).toBe(true));
    expect(items.flatMap((item) => (item.type === 'record' ? (item.warnings ?? []) : []))).toEqual([ABCD_TIME_WARNING]);
    expect(items[0]!.type === 'record' && items[0]!.warnings).toEqual([ABCD_TIME_WARNING]);
  });

  it('reads the processed JSONL: one item per line, the same mapping without an intent', async () => {
    const items = await read(abcdConversationsReader, 'abcd_processed_sample_20.jsonl');
    const lines = readFileSync(file('abcd_processed_sample_20.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
    expectAccounted(items, lines.length);
    const tickets = records<Ticket>(items);
    expect(tickets).toHaveLength(19);
    expect(items.filter((item) => item.type === 'skip')).toEqual([
      expect.objectContaining({ at: expect.objectContaining({ record: 14 }), reason: expect.stringMatching(/^no substantive agent reply/) }),
    ]);
    // The same Crystal Minh conversation as the full sample, its <<account_pulled>> token read as an action.
    expect(tickets[0]!.messages.map((message) => message.text)).toEqual([
      'Hi! I need to return an item, can you help me with that?',
      'ok, unfortunately because it has been more than 90 days we cannot accept the return. Would there be anything else I can help you with?',
    ]);
    expect(tickets.every((ticket) => ticket.tags.length === 0)).toBe(true);
    const dates = tickets.map((ticket) => ticket.createdAt);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    expect(items.filter((item) => item.type === 'record' && item.warnings)).toHaveLength(1);
  });

  it('detects both conversation shapes, not macros or unrelated JSON', async () => {
    expect(await detect(abcdConversationsReader, file('abcd_sample.json'))).toBeGreaterThanOrEqual(0.9);
    expect(await detect(abcdConversationsReader, file('abcd_processed_sample_20.jsonl'))).toBeGreaterThanOrEqual(0.5);
    expect(await detect(abcdConversationsReader, file('guidelines.json'))).toBe(0);
    expect(await detect(abcdConversationsReader, fixture('gorgias-macros/macros-array.json'))).toBe(0);
    const plain = await writeTemp(await tempDir(), 'plain.json', JSON.stringify([{ user: 'ann', age: 3 }, { name: 'convo_id', original: [] }]));
    expect(await detect(abcdConversationsReader, plain)).toBe(0);
  });
});

describe.skipIf(!present)('abcd-knowledge reader (shared ABCD files)', () => {
  it('reads one internal document per guidelines subflow', async () => {
    const guidelines = json('guidelines.json') as Record<string, { subflows: Record<string, unknown> }>;
    const subflows = Object.values(guidelines).reduce((sum, flow) => sum + Object.keys(flow.subflows).length, 0);
    const items = await read(abcdKnowledgeReader, 'guidelines.json');
    expectAccounted(items, subflows);
    const docs = records<KnowledgeDoc>(items);
    expect(docs).toHaveLength(subflows);
    expect(new Set(docs.map((doc) => doc.id)).size).toBe(subflows);
    const size = docs.find((doc) => doc.id === 'abcd:product_defect/return_due_to_size');
    expect(size).toMatchObject({ kind: 'internal', title: 'Product Defect: Return Due to Size', tags: ['product_defect', 'return_due_to_size'] });
    expect(size!.body).toContain('[Pull up Account]');
  });

  it('reads kb.json as each subflow id\'s required actions', async () => {
    const kb = json('kb.json') as Record<string, string[]>;
    const items = await read(abcdKnowledgeReader, 'kb.json');
    expectAccounted(items, Object.keys(kb).length);
    expect(records<KnowledgeDoc>(items)[0]).toEqual({
      id: 'abcd:kb/recover_username',
      kind: 'internal',
      title: 'Required actions: Recover username',
      body: 'Actions the agent performs, in order:\n1. Pull up account\n2. Verify identity',
      locale: 'en',
      tags: ['recover_username'],
    });
  });

  it('detects guidelines and kb by their structure, not macros, conversations or unrelated JSON', async () => {
    expect(await detect(abcdKnowledgeReader, file('guidelines.json'))).toBeGreaterThanOrEqual(0.5);
    expect(await detect(abcdKnowledgeReader, file('kb.json'))).toBeGreaterThanOrEqual(0.5);
    expect(await detect(abcdKnowledgeReader, file('ontology.json'))).toBe(0);
    expect(await detect(abcdKnowledgeReader, file('abcd_sample.json'))).toBe(0);
    expect(await detect(abcdKnowledgeReader, fixture('gorgias-macros/macros-array.json'))).toBe(0);
    const dir = await tempDir();
    const renamed = await writeTemp(dir, 'guidelines.json', JSON.stringify([{ description: 'x', subflows: {} }]));
    expect(await detect(abcdKnowledgeReader, renamed)).toBe(0);
  });
});

describe('isSubstantive', () => {
  it('skips greetings, requests for details, holding lines and questions; keeps statements', () => {
    expect(isSubstantive('How can I help you?')).toBe(false);
    expect(isSubstantive('sure, would you give me your full name or account ID')).toBe(false);
    expect(isSubstantive('Ok, sorry for the doubt and I will answer your question.')).toBe(false);
    expect(isSubstantive('ok, was the purchase made in the last 90 days?')).toBe(false);
    expect(isSubstantive('Ok, all promo codes expire after 7 days without fail.')).toBe(true);
  });
});
