import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ReadItem } from '../../../datasets/reader.ts';
import { gorgiasMacrosReader, macroVariables } from '../../../datasets/readers/gorgias-macros.ts';
import { KnowledgeDocSchema } from '../../../datasets/records.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/gorgias-macros/${name}`, import.meta.url));
const read = (path: string) => collect(gorgiasMacrosReader.read(path, { maxMessageChars: 100_000 }));
const skips = (items: ReadItem[]) => items.flatMap((item) => (item.type === 'skip' ? [[item.at.line, item.reason]] : []));
const tempDir = useTempDir();

describe('gorgias-macros reader', () => {
  it('reads a top-level array: one item per macro, records valid, skips with their lines', async () => {
    const items = await read(fixture('macros-array.json'));
    expect(items.map((item) => [item.type, item.at.line, item.at.record, item.at.id])).toEqual([
      ['record', 2, 1, 'macro-101'],
      ['record', 9, 2, 'macro-102'],
      ['record', 11, 3, 'macro-103'],
      ['skip', 17, 4, undefined],
      ['skip', 18, 5, 'macro-105'],
      ['skip', 19, 6, undefined],
      ['skip', 20, 7, undefined],
    ]);
    expect(skips(items)).toEqual([
      [17, expect.stringMatching(/^invalid JSON: /)],
      [18, 'the macro has no actions'],
      [19, 'the macro "No id" has no id'],
      [20, 'expected a macro object'],
    ]);
    for (const item of items) {
      if (item.type === 'record') expect(KnowledgeDocSchema.safeParse(item.record).success).toBe(true);
    }
  });

  it('keeps the response text with its variables, tags from addTags and the intent', async () => {
    const [item] = await read(fixture('macros-array.json'));
    expect(item).toEqual({
      type: 'record',
      kind: 'knowledge',
      at: { file: fixture('macros-array.json'), line: 2, record: 1, id: 'macro-101' },
      record: {
        id: 'macro-101',
        kind: 'macro',
        title: 'EN - Where is my order',
        body:
          'Hi {{ ticket.customer.firstname|title }},\n\n' +
          'Your order {{ticket.customer.integrations.shopify.orders[0].name}} is on its way: ' +
          '{{ticket.customer.integrations.shopify.orders[0].fulfillments[0].tracking_url}}\n\n' +
          'Thanks {{ticket.customer.firstname}}!\n{{ current_user.firstname }}',
        variables: [
          'ticket.customer.firstname',
          'ticket.customer.integrations.shopify.orders[0].name',
          'ticket.customer.integrations.shopify.orders[0].fulfillments[0].tracking_url',
          'current_user.firstname',
        ],
        locale: 'en',
        updatedAt: '2025-01-15T10:30:00.123Z',
        tags: ['wismo', 'shipping', 'shipping/status'],
      },
    });
  });

  it('converts an HTML-only response, dates an unedited macro by its creation and tags archived ones', async () => {
    const records = (await read(fixture('macros-array.json'))).flatMap((item) => (item.type === 'record' ? [item.record] : []));
    expect(records[1]).toEqual({
      id: 'macro-102',
      kind: 'macro',
      title: 'FR - Remerciements',
      body: "Merci {{ticket.customer.firstname}} !\n\nVoir l'aide [https://help.example/fr].",
      variables: ['ticket.customer.firstname'],
      locale: 'fr',
      updatedAt: '2024-10-01T12:00:00.000Z',
      tags: ['archived'],
    });
  });

  it('describes the actions of a macro that writes no reply', async () => {
    const records = (await read(fixture('macros-array.json'))).flatMap((item) => (item.type === 'record' ? [item.record] : []));
    expect(records[2]).toEqual({
      id: 'macro-103',
      kind: 'macro',
      title: 'Refund and close',
      body: 'Adds tags: refund\nSets status: closed\nShopify full refund last order',
      variables: [],
      tags: ['refund'],
    });
  });

  it('reads the {data, meta} shape with macro tags, archived_datetime, an internal note and an empty reply', async () => {
    const items = await read(fixture('macros-data.json'));
    expect(items).toHaveLength(4);
    expect(items.flatMap((item) => (item.type === 'record' ? [item.record] : []))).toEqual([
      {
        id: 'macro-201',
        kind: 'macro',
        title: 'VIP greeting',
        body: 'Dear {{ticket.customer.name}}, {{ticket.assignee_user.name}} here.',
        variables: ['ticket.customer.name', 'ticket.assignee_user.name'],
        locale: 'en',
        updatedAt: '2025-04-01T06:00:00.000Z',
        tags: ['vip', 'greeting', 'archived'],
      },
      {
        id: 'macro-202',
        kind: 'macro',
        title: 'Check customer',
        body: 'Add internal note: Check {{ ticket.customer.email }} in Shopify',
        variables: ['ticket.customer.email'],
      },
    ]);
    expect(skips(items)).toEqual([
      [7, expect.stringMatching(/^invalid JSON: /)],
      [8, 'the macro writes no text and does nothing else'],
    ]);
  });

  it('reads the {macros: [...]} shape', async () => {
    const path = await writeTemp(
      await tempDir(),
      'macros.json',
      '{"macros": [\n{"id": "m1", "name": "Hello", "actions": [{"name": "setResponseText", "arguments": {"body_text": "Hello {{ticket.customer.firstname}}"}}]}\n]}\n',
    );
    expect(await read(path)).toEqual([
      {
        type: 'record',
        kind: 'knowledge',
        at: { file: path, line: 2, record: 1, id: 'macro-m1' },
        record: { id: 'macro-m1', kind: 'macro', title: 'Hello', body: 'Hello {{ticket.customer.firstname}}', variables: ['ticket.customer.firstname'] },
      },
    ]);
  });

  it('extracts variable paths in order of first use, without filters or spaces', () => {
    expect(
      macroVariables('{{ b.c|title }} {{a}} {{b.c}} {{ d[-1].e | datetime_format("MMM Do YY") }} {{ }} {{x y}}'),
    ).toEqual(['b.c', 'a', 'd[-1].e']);
  });

  it('is detected from Gorgias action names, and not for a ticket export', async () => {
    const probe = (head: string) => ({ path: 'x.json', isDirectory: false, ext: '.json', head });
    expect(gorgiasMacrosReader.detect(probe('[{"id": 1, "actions": [{"name": "addTags"}]}]'))).toBe(0.9);
    expect(gorgiasMacrosReader.detect(probe('[{"id": 1, "actions": [{"name": "sendEmail"}]}]'))).toBe(0);
    expect(gorgiasMacrosReader.detect(probe('[{"id": 1, "messages": [{"actions": [{"name": "setResponseText"}]}]}]'))).toBe(0);
    const { detectReader, probePath } = await import('../../../datasets/readers/index.ts');
    for (const name of ['macros-array.json', 'macros-data.json']) {
      expect(detectReader(await probePath(fixture(name))).name).toBe('gorgias-macros');
    }
  });
});
