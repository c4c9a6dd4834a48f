import { describe, expect, it } from 'vitest';
import type { ReadItem } from '../../../datasets/reader.ts';
import { READERS } from '../../../datasets/readers/index.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { expectAccounted, readAll, SAMPLES, sampleContent, writeInput, type Sample } from './_samples.ts';

/**
 * What every reader owes, checked for each entry of the map so a new reader is held to it once its
 * samples are in _samples.ts: an empty or hostile input is refused with a ShadowdeskError or read
 * as items that each say where they came from (never a crash), and French and English text
 * arrives as written. Mutated inputs are fuzz.test.ts's.
 */

const FRENCH = 'Où est ma commande ? l’équipe répond à Zoë — déjà expédiée 📦 «merci»';
const ENGLISH = 'Where’s my order? Zoë’s parcel — shipped already 📦 “thanks”';

const EMPTY: Array<[string, string]> = [
  ['an empty file', ''],
  ['a byte-order mark alone', '\uFEFF'],
  ['blank lines', '  \n\r\n\t\n'],
];
const HOSTILE: Array<[string, Buffer | string]> = [
  ['binary bytes', Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0a, 0x00, 0x1b])],
  ['markup', '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">\n'],
  ['a JSON document cut short', '[{"id": "1", "subject": "Où est'],
  ['two JSON documents of the wrong shape', '{"tickets": 42, "data": [null, 7, "x"]}\n[1,2]\n'],
  ['an unclosed CSV quote', 'id,subject,body\n1,"Où est ma commande,Hello\n'],
  ['one 200,000-character line', `${'a'.repeat(200_000)}\n`],
];

const tempDir = useTempDir();

/** Everything the items carry, as text: a record, a ticket waiting for messages, or messages waiting for a ticket. */
function carried(items: ReadItem[]): string {
  return JSON.stringify(items.map((item) => (item.type === 'record' ? item.record : item.type === 'shell' ? item.shell : item.type === 'thread' ? item.thread : null)));
}

async function expectRefusedOrAccounted(sample: Sample, content: Buffer | string): Promise<ReadItem[]> {
  const outcome = await readAll(sample, await writeInput(await tempDir(), sample, content), content);
  if ('refused' in outcome) {
    expect(outcome.refused.message.trim().length).toBeGreaterThan(0);
    return [];
  }
  expectAccounted(sample, outcome.items, content);
  return outcome.items;
}

describe.each(Object.keys(READERS))('the %s reader', (format) => {
  const samples = SAMPLES.filter((sample) => sample.format === format);
  const [first] = samples;
  const withText = samples.filter((sample) => sample.text !== undefined);

  it('has samples in _samples.ts, one with free text to swap', () => {
    expect(first, `add a sample of ${format} to tests/datasets/readers/_samples.ts`).toBeDefined();
    expect(withText.length, `give one sample of ${format} the free text it carries (text)`).toBeGreaterThan(0);
  });

  it('reads its samples with every item accounted and at least one record', async () => {
    for (const sample of samples) {
      const items = await expectRefusedOrAccounted(sample, await sampleContent(sample));
      expect(items.filter((item) => item.type !== 'skip').length, sample.name).toBeGreaterThan(0);
    }
  });

  it.each(EMPTY)('reads %s as nothing to import: no record, or a ShadowdeskError', async (_, content) => {
    const items = await expectRefusedOrAccounted(first!, content);
    expect(items.filter((item) => item.type !== 'skip')).toEqual([]);
  });

  it.each(HOSTILE)('reads %s with a ShadowdeskError or items that each say where they came from, never a crash', async (_, content) => {
    await expectRefusedOrAccounted(first!, content);
  });

  it.each([
    ['French', FRENCH],
    ['English', ENGLISH],
  ])('keeps %s text as written', async (_, text) => {
    for (const sample of withText) {
      const original = await sampleContent(sample);
      expect(original, `${sample.name} no longer holds "${sample.text}"`).toContain(sample.text);
      const items = await expectRefusedOrAccounted(sample, original.replaceAll(sample.text!, text));
      expect(carried(items), sample.name).toContain(JSON.stringify(text).slice(1, -1));
    }
  });
});
