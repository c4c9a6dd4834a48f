import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../datasets/io/csv.ts';
import { encodingWarning, garbledText, readHead, sniffEncoding } from '../../../datasets/io/text.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

const HEAD_BYTES = 64 * 1024;

/**
 * A UTF-8 CSV whose accented character `marker` starts `before` bytes ahead of the 64 KiB head's
 * end, after rows of plain ASCII; a last row follows with more accents.
 */
function csvCutAt(marker: string, before: number, lastRow: string): Buffer {
  const header = 'id,body\n';
  const row = (id: number) => `${id},${'x'.repeat(60)}\n`;
  let ascii = header;
  for (let id = 1; Buffer.byteLength(ascii) + 80 < HEAD_BYTES; id++) ascii += row(id);
  const padding = HEAD_BYTES - before - Buffer.byteLength(ascii) - '9999,'.length;
  const bytes = Buffer.from(`${ascii}9999,${'y'.repeat(padding)}${marker}\n${lastRow}\n`, 'utf8');
  expect(bytes.indexOf(Buffer.from(marker, 'utf8'), HEAD_BYTES - 8)).toBe(HEAD_BYTES - before);
  return bytes;
}

describe('sniffEncoding', () => {
  it.each([
    // "é" is 2 bytes, "’" and "€" 3: the head used to drop its last 3 bytes and so cut the character.
    ['French "é" starting 4 bytes before the cut', 'é', 4, '10000,Je voudrais être remboursée'],
    ['French "é" starting 3 bytes before the cut', 'é', 3, '10000,Commande expédiée à Noël'],
    ['English "’" starting 5 bytes before the cut', '’', 5, '10000,I don’t have my order yet'],
    ['English "’" starting 4 bytes before the cut', '’', 4, '10000,It’s been a week — where’s my parcel?'],
    ['"€" cut by the head itself', '€', 1, '10000,Refund of 12 € please'],
  ])('reads a UTF-8 file as UTF-8 when the 64 KiB head ends inside a character: %s', async (_, marker, before, lastRow) => {
    const path = await writeTemp(await tempDir(), 'export.csv', csvCutAt(marker, before, lastRow));
    const head = await readHead(path);
    expect(head.length).toBe(HEAD_BYTES);
    expect(sniffEncoding(head)).toBe('utf8');
    const rows = await collect(readCsv(path));
    expect(rows.at(-1)).toMatchObject({ type: 'row', row: { id: '10000', body: lastRow.slice('10000,'.length) } });
    expect(rows.at(-2)).toMatchObject({ type: 'row', row: { body: expect.stringMatching(new RegExp(`${marker}$`)) } });
  });

  it('still reads a Windows-1252 file as Windows-1252, French and English', () => {
    expect(sniffEncoding(iconv.encode('Je voudrais être remboursée', 'win1252'))).toBe('win1252');
    expect(sniffEncoding(iconv.encode('I don’t have my order', 'win1252'))).toBe('win1252');
  });

  it('refuses a short file that ends inside a character: nothing follows to complete it', () => {
    expect(sniffEncoding(Buffer.from('Remboursé', 'utf8').subarray(0, -1))).toBe('win1252');
  });
});

describe('garbled text', () => {
  it.each([
    ['French read as Windows-1252', 'Je voudrais Ãªtre remboursÃ©e, merci Ã  vous', 'Ãª'],
    ['English read as Windows-1252', 'I donâ€™t have my order â€” where is it?', 'â€™'],
    ['French guillemets read as Windows-1252', 'Le colis Â« perdu Â» est arrivÃ©', 'Â«'],
    ['Windows-1252 read as UTF-8', 'Commande exp\uFFFDdi\uFFFDe', '\uFFFD'],
  ])('finds mojibake: %s', (_, text, sample) => {
    const found = garbledText(text);
    expect(found?.count).toBeGreaterThanOrEqual(2);
    expect(found?.sample).toContain(sample);
  });

  it.each([
    ['French', 'Je voudrais être remboursée. ÂGE : 42 ans. São Paulo, « urgent »'],
    ['English', 'I don’t have my order — where is it? Café déjà vu, 12 €'],
  ])('leaves correctly decoded %s text alone', (_, text) => {
    expect(garbledText(text)).toBeUndefined();
  });

  it('warns about a file whose accents were turned into mojibake, and not about a clean one', async () => {
    const dir = await tempDir();
    const garbled = await writeTemp(dir, 'garbled.csv', 'id,body\n1,Je voudrais Ãªtre remboursÃ©e\n2,I donâ€™t have it\n');
    const warning = await encodingWarning(garbled);
    expect(warning).toContain(garbled);
    expect(warning).toContain('3 places');
    expect(warning).toContain('--encoding');
    const clean = await writeTemp(dir, 'clean.csv', 'id,body\n1,Je voudrais être remboursée\n2,I don’t have it\n');
    expect(await encodingWarning(clean)).toBeUndefined();
  });

  it('warns when a Windows-1252 file is forced to be read as UTF-8', async () => {
    const path = await writeTemp(await tempDir(), 'excel.csv', iconv.encode('N°;Objet\n1;Remboursé déjà\n', 'win1252'));
    expect(await encodingWarning(path)).toBeUndefined();
    expect(await encodingWarning(path, 'utf8')).toMatch(/read as utf8/);
  });
});
