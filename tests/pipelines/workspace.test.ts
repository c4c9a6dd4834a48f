import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlWriter, readJsonlPositions } from '../../pipelines/workspace.ts';
import { collect, useTempDir } from '../helpers/temp.ts';

const tempDir = useTempDir();

describe('readJsonlPositions', () => {
  it.each([
    ['English', 'Your parcel left our warehouse.'],
    ['French', 'Votre colis a été expédié ; délai : 2 à 3 jours.'],
  ])('numbers lines as an editor does and gives each its exact byte offset, across read chunks (%s)', async (_, text) => {
    const dir = await tempDir();
    // Long enough lines that multi-byte letters straddle the stream's 64 KiB chunks.
    const lines = Array.from({ length: 12 }, (_, index) => JSON.stringify({ index, text: text.repeat(400) }));
    const content = `${lines.slice(0, 3).join('\n')}\n\n${lines.slice(3).join('\n')}\n`;
    const file = join(dir, 'results.jsonl');
    await writeFile(file, content);
    const read = await collect(readJsonlPositions(file));
    expect(read.map((line) => line.number)).toEqual([1, 2, 3, ...Array.from({ length: 9 }, (_, index) => index + 5)]);
    expect(read.map((line) => line.text)).toEqual(lines);
    const bytes = Buffer.from(content);
    for (const line of read) expect(bytes.subarray(line.offset, line.offset + Buffer.byteLength(line.text)).toString('utf8')).toBe(line.text);
    expect(read.every((line) => line.complete)).toBe(true);
  });

  it.each([
    ['English', 'Your parcel left'],
    ['French', 'Votre colis a été expédi'],
  ])('marks a last line without its newline as cut short, at the byte where it starts (%s)', async (_, text) => {
    const dir = await tempDir();
    const whole = `${JSON.stringify({ text })}\n`;
    // Cut inside a multi-byte letter where there is one.
    const cut = Buffer.from(JSON.stringify({ text: `${text}é` })).subarray(0, -3);
    const file = join(dir, 'results.jsonl');
    await writeFile(file, Buffer.concat([Buffer.from(whole), cut]));
    const read = await collect(readJsonlPositions(file));
    expect(read).toHaveLength(2);
    expect(read[1]).toMatchObject({ number: 2, offset: Buffer.byteLength(whole), complete: false });
  });
});

describe('JsonlWriter', () => {
  const records = [{ id: '1', text: 'Où est mon colis ?' }, { id: '2', text: 'Where is my parcel?' }, { id: '3', text: 'x'.repeat(100) }];

  it('writes the same lines in batches as one by one, a line longer than a batch alone', async () => {
    const dir = await tempDir();
    const single = new JsonlWriter(join(dir, 'single.jsonl'));
    const batched = new JsonlWriter(join(dir, 'batched.jsonl'), 'w', 200);
    for (const record of records) {
      await single.write(record);
      await batched.write(record);
    }
    await Promise.all([single.close(), batched.close()]);

    const written = await readFile(single.path, 'utf8');
    expect(written).toBe(`${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
    expect(await readFile(batched.path, 'utf8')).toBe(written);
    expect(batched.count).toBe(3);
  });
});
