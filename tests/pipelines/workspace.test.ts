import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { JsonlWriter, readJsonlLineBytes, readJsonlLineSpans, readJsonlLines, readJsonlPositions, readLineSpans } from '../../pipelines/workspace.ts';
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

describe('readJsonlLines', () => {
  /** What readline hands over, the split the reader keeps: \n, \r\n and a lone \r end a line. */
  const readlineLines = async (file: string) =>
    (await collect(createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity }))).filter((line) => line !== '');
  /** readJsonlLineBytes' lines, each decoded before the next read reuses its buffer. */
  const lineBytes = async (file: string) => {
    const lines: string[] = [];
    for await (const read of readJsonlLineBytes(file)) for (const line of read) lines.push(line.toString('utf8'));
    return lines;
  };

  it.each([
    ['English', 'Your parcel left our warehouse.'],
    ['French', 'Votre colis a été expédié ; délai : 2 à 3 jours.'],
  ])('splits lines as readline does, across 1 MiB chunks, CRLF, lone CR and a line longer than a chunk (%s)', async (_, text) => {
    const dir = await tempDir();
    const line = (index: number, repeat: number) => JSON.stringify({ index, text: text.repeat(repeat) });
    // The first line ends one byte before the first 1 MiB chunk does, so its \r\n straddles the
    // boundary; the longer lines put multi-byte letters across the later ones.
    const first = (pad: number) => JSON.stringify({ index: 0, text: `${text.repeat(3)}${'x'.repeat(pad)}` });
    const parts = [first(2 ** 20 - 1 - Buffer.byteLength(first(0))), '\r\n', line(1, 3), '\r', line(2, 1), '\n\n', line(3, 60_000), '\r\n', line(4, 17_321), '\r\n\r\n', line(5, 2), '\r'];
    const file = join(dir, 'tickets.jsonl');
    await writeFile(file, parts.join(''));
    const read = await collect(readJsonlLines(file));
    expect(read).toEqual(await readlineLines(file));
    expect(read.map((entry) => (JSON.parse(entry) as { index: number }).index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await lineBytes(file)).toEqual(read);
  });

  it('reads a last line without its newline, and nothing from an empty file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'results.jsonl');
    await writeFile(file, '{"text":"Où est mon colis ?"}\n{"text":"Where is my parcel?"}');
    expect(await collect(readJsonlLines(file))).toEqual(['{"text":"Où est mon colis ?"}', '{"text":"Where is my parcel?"}']);
    expect(await lineBytes(file)).toEqual(['{"text":"Où est mon colis ?"}', '{"text":"Where is my parcel?"}']);
    await writeFile(file, '');
    expect(await collect(readJsonlLines(file))).toEqual([]);
    expect(await lineBytes(file)).toEqual([]);
  });
});

describe('readJsonlLineSpans and readLineSpans', () => {
  it('read again, alone and in any order, exactly the lines readJsonlLines reads, a lone CR leaving a part without a span', async () => {
    const dir = await tempDir();
    const text = 'Votre colis a été expédié ; délai : 2 à 3 jours. ';
    // Lines far apart (more than the 64 KiB read through) and near each other, reads of more than
    // 4 MiB, multi-byte letters, an empty line, a lone CR, and a last line without its newline.
    const line = (index: number, repeat: number) => JSON.stringify({ index, text: text.repeat(repeat) });
    const parts = [line(0, 3), '\n', line(1, 3_000), '\n\n', line(2, 1), '\n', line(3, 60_000), '\n', line(4, 2), '\r', line(5, 2), '\n', ...Array.from({ length: 40 }, (_, index) => `${line(6 + index, 1 + index * 7)}\n`), line(46, 5)];
    const file = join(dir, 'tickets.jsonl');
    await writeFile(file, parts.join(''));
    const read = await collect(readJsonlLineSpans(file));
    expect(read.map((entry) => entry.text)).toEqual(await collect(readJsonlLines(file)));
    expect(read.filter((entry) => !entry.span).map((entry) => (JSON.parse(entry.text) as { index: number }).index)).toEqual([4, 5]);
    const spanned = read.filter((entry) => entry.span);
    expect(spanned).toHaveLength(45);
    const asked = [...spanned].reverse().filter((_, index) => index % 3 !== 1);
    expect(await readLineSpans(file, asked.map((entry) => entry.span!))).toEqual(asked.map((entry) => entry.text));
    expect(await readLineSpans(file, [])).toEqual([]);
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

  it('keeps every line when it fills again the batches the file has taken (many batches, lines of varied lengths)', async () => {
    const dir = await tempDir();
    const writer = new JsonlWriter(join(dir, 'batched.jsonl'), 'w', 4096);
    const lines = Array.from({ length: 3000 }, (_, index) => ({ index, text: (index % 2 ? 'Où est mon colis ? ' : 'Where is my parcel? ').repeat(index % 17) }));
    for (const line of lines) await writer.write(line);
    await writer.close();
    expect(await readFile(writer.path, 'utf8')).toBe(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  });

  it('takes lines without waiting from a loop that cannot wait, the file holding them once closed', async () => {
    const dir = await tempDir();
    const writer = new JsonlWriter(join(dir, 'judged.jsonl'), 'w', 4096);
    const lines = Array.from({ length: 3000 }, (_, index) => ({ index, text: 'Où est mon colis ? '.repeat(index % 300) }));
    for (const line of lines) writer.add(line);
    await writer.close();
    expect(await readFile(writer.path, 'utf8')).toBe(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  });

  it('says the file could not be written when it closes, and at the next line, rather than ending the process', async () => {
    const missing = join(await tempDir(), 'no-such-folder', 'judged.jsonl');
    const added = new JsonlWriter(missing, 'w', 4096);
    added.add(records[0]);
    await expect(added.close()).rejects.toThrow(/ENOENT/);
    // Lines written before the file failed to open are buffered; the next one after says so.
    const written = new JsonlWriter(missing);
    let failure: unknown;
    for (let tries = 0; failure === undefined && tries < 500; tries++) {
      await written.write(records[0]).catch((error: unknown) => (failure = error));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(String(failure)).toMatch(/ENOENT/);
    await expect(written.close()).rejects.toThrow(/ENOENT/);
  });

  it('lets many writers wait for the disk together without Node warning of a leak, every line kept', async () => {
    const dir = await tempDir();
    const writer = new JsonlWriter(join(dir, 'results.jsonl'), 'a');
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // Like tickets in flight each writing its results: far past the stream's 16 KiB at once.
      const lines = Array.from({ length: 40 }, (_, index) => ({ index, text: (index % 2 ? 'Où est mon colis ? ' : 'Where is my parcel? ').repeat(100) }));
      await Promise.all(lines.map((line) => writer.write(line)));
      await writer.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.name)).toEqual([]);
      expect((await readFile(writer.path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line).index)).toEqual(lines.map((line) => line.index));
    } finally {
      process.off('warning', onWarning);
    }
  });
});
