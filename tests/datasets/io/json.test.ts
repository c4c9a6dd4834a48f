import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeNdjson, readJsonRecords, scanJson } from '../../../datasets/io/json.ts';
import { takeRemovedNuls } from '../../../datasets/io/text.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

async function records(content: string, recordKeys = ['data', 'tickets']) {
  const path = await writeTemp(await tempDir(), 'in.json', content);
  return collect(readJsonRecords(path, { recordKeys }));
}

describe('readJsonRecords', () => {
  it('reads a top-level array, with brackets and quotes inside strings', async () => {
    const items = await records('[\n {"id":1,"s":"a]}\\"{"},\n {"id":2,"n":[1,{"a":[2]}]}\n]');
    expect(items).toEqual([
      { type: 'value', value: { id: 1, s: 'a]}"{' }, line: 2 },
      { type: 'value', value: { id: 2, n: [1, { a: [2] }] }, line: 3 },
    ]);
  });

  it('reads the array under a wrapper key, page after page, ignoring other keys', async () => {
    const items = await records('{"meta":{"next":[1]},"data":[\n{"id":1},\n{"id":2}],"users":[{"id":9}]}\n{"data":[{"id":3}]}');
    expect(items.map((item) => item.type === 'value' && item.value)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(items.map((item) => item.line)).toEqual([2, 3, 4]);
  });

  it('treats a top-level object without a wrapper key as a record', async () => {
    const items = await records('{"id": 5, "messages": [{"body": "x"}]}');
    expect(items).toEqual([{ type: 'value', value: { id: 5, messages: [{ body: 'x' }] }, line: 1 }]);
  });

  it('reports a broken record with its line and reads the next one', async () => {
    const items = await records('[\n{"id":1},\n{"id":2, oops},\n{"id":3}\n]');
    expect(items.map((item) => item.type)).toEqual(['value', 'error', 'value']);
    expect(items[1]).toMatchObject({ line: 3, reason: expect.stringMatching(/^invalid JSON/) });
  });

  it('reports a truncated file at the record that is cut', async () => {
    const items = await records('[{"id":1},\n{"id":2, "body": "cut');
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ type: 'error', line: 2, reason: expect.stringContaining('unexpected end of file') });
  });

  it('reads NDJSON line by line so one bad line costs one record', async () => {
    const items = await records('{"id":1}\n{"id":2 broken\n\n{"id":3}\n');
    expect(items.map((item) => [item.type, item.line])).toEqual([
      ['value', 1],
      ['error', 2],
      ['value', 4],
    ]);
  });

  it('rejects a file that is neither an array nor an object', async () => {
    const items = await records('"just a string"');
    expect(items).toEqual([{ type: 'error', line: 1, reason: expect.stringContaining('expected an array or an object') }]);
  });

  it('reads nothing from an empty file', async () => {
    expect(await records('')).toEqual([]);
  });

  it('reads a file smaller than its head from the head as it streams a larger one: BOM, NULs, Windows-1252, NDJSON', async () => {
    const dir = await tempDir();
    // The same records, then (in the larger file) a last one whose padding takes it past the 64 KiB head.
    const padded = (body: string) => body.replace(/\]$/, `,{"pad":"${'p'.repeat(70 * 1024)}"}]`);
    const cases: Array<[string, string | Buffer, string?]> = [
      ['bom-nuls.json', `\uFEFF[{"id":1,"s":"a\u0000b"},\n{"id":2,"s":"\u0000"}]`],
      ['win1252.json', Buffer.from('[{"id":1,"s":"d\xe9j\xe0 r\xe9gl\xe9"}]', 'latin1'), 'win1252'],
    ];
    for (const [name, body, encoding] of cases) {
      const small = join(dir, `small-${name}`);
      const large = join(dir, `large-${name}`);
      await writeFile(small, body);
      await writeFile(large, typeof body === 'string' ? padded(body) : Buffer.concat([body.subarray(0, -1), Buffer.from(`,{"pad":"${'p'.repeat(70 * 1024)}"}]`)]));
      const fromHead = await collect(readJsonRecords(small, { recordKeys: [], encoding }));
      const streamed = await collect(readJsonRecords(large, { recordKeys: [], encoding }));
      expect(fromHead, name).toEqual(streamed.slice(0, -1));
      expect(takeRemovedNuls(small), name).toBe(takeRemovedNuls(large));
    }
    expect(await records('\uFEFF[{"id":1,"s":"a\u0000b"}]')).toEqual([{ type: 'value', value: { id: 1, s: 'ab' }, line: 1 }]);
    const lines = await records('{"id":1}\n{"id":2}\n');
    expect(lines.map((item) => item.type === 'value' && item.value)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('keeps a 10 MB string whole', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const items = await records(`[{"id":1,"body":"${big}"},{"id":2}]`);
    expect(items).toHaveLength(2);
    expect((items[0] as { value: { body: string } }).value.body).toHaveLength(big.length);
  });
});

describe('scanJson', () => {
  async function* inChunks(text: string, size: number): AsyncGenerator<string> {
    for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
  }
  const scan = (text: string, size: number) => collect(scanJson(inChunks(text, size), new Set(['data'])));

  it.each([
    ['English', 'He said \\"hi\\" \\\\ then left', 'Where is it?'],
    ['French', 'Il a dit \\"bonjour\\" \\\\ puis « au revoir »', 'Où est-il ?'],
  ])('reads the same records wherever the chunks are cut: in an escape, a quote, a key (%s)', async (_language, escaped, plain) => {
    const text = `{"meta":{"note":"a \\" ] }"},\n"data":[\n{"id":1,"body":"${escaped}"},\n{"id":2,"body":"${plain}\\\\"},\n{"id":3,"body":"${plain}"}]}`;
    const whole = await scan(text, text.length);
    expect(whole).toEqual([
      { type: 'value', value: { id: 1, body: JSON.parse(`"${escaped}"`) }, line: 3 },
      { type: 'value', value: { id: 2, body: `${plain}\\` }, line: 4 },
      { type: 'value', value: { id: 3, body: plain }, line: 5 },
    ]);
    for (let size = 1; size <= 12; size++) expect(await scan(text, size), `chunks of ${size}`).toEqual(whole);
  });

  it.each([
    ['English', 'first line\nsecond line'],
    ['French', 'première ligne\ndeuxième ligne'],
  ])('counts a raw line break inside a string, so the records after it keep their lines (%s)', async (_language, body) => {
    const text = `[\n{"id":1,"body":"${body}"},\n{"id":2}\n]`;
    for (const size of [1, 5, text.length]) {
      const items = await scan(text, size);
      expect(items.map((item) => [item.type, item.line])).toEqual([
        ['error', 2],
        ['value', 4],
      ]);
    }
  });
});

describe('looksLikeNdjson', () => {
  it('needs a whole value on the first line and another object after it', () => {
    expect(looksLikeNdjson('{"a":1}\n{"a":2}\n')).toBe(true);
    expect(looksLikeNdjson('{\n"a":1\n}')).toBe(false);
    expect(looksLikeNdjson('[{"a":1},\n{"a":2}]')).toBe(false);
  });
});
