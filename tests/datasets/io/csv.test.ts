import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { csvHeaderOf, readCsv, readCsvBatches, sniffDelimiter, type CsvItem } from '../../../datasets/io/csv.ts';
import { fieldsOf } from '../../../datasets/io/csv-thread.ts';
import { takeRemovedNuls } from '../../../datasets/io/text.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

async function rows(content: string | Buffer, options = {}) {
  const path = await writeTemp(await tempDir(), 'in.csv', content);
  return collect(readCsv(path, options));
}

describe('readCsv', () => {
  it('reads quoted multi-line fields and reports the line each row starts on', async () => {
    const items = await rows('id,body\n1,"two\nlines"\n2,"say ""hi"""\n');
    expect(items).toEqual([
      { type: 'row', row: { id: '1', body: 'two\nlines' }, line: 2 },
      { type: 'row', row: { id: '2', body: 'say "hi"' }, line: 4 },
    ]);
  });

  it.each([
    ['English', 'Where is\r\nmy parcel?', 'Thanks\r\n\r\nTom'],
    ['French', 'Où est\r\nmon colis ?', 'Merci\r\n\r\nJulie'],
  ])('numbers the lines of CRLF rows with line breaks inside quotes, and of a last row without one (%s)', async (_language, two, three) => {
    const items = await rows(`id,body\r\n1,"${two}"\r\n2,"${three}"\r\n3,x\r\n4,"${two}"`);
    expect(items.map((item) => [item.type === 'row' && item.row.id, item.line])).toEqual([
      ['1', 2],
      ['2', 4],
      ['3', 7],
      ['4', 8],
    ]);
  });

  it.each([
    ['English', 'LF', '\n', 'Where is\nmy parcel?'],
    ['French', 'LF', '\n', 'Où est\nmon colis ?'],
    ['English', 'CRLF', '\r\n', 'Where is\r\nmy parcel?'],
    ['French', 'CRLF', '\r\n', 'Où est\r\nmon colis ?'],
  ])('numbers rows and broken rows after blank lines as an editor does (%s, %s)', async (_language, _ends, eol, twoLines) => {
    // Lines: 1 header, 2 row 1, 3 blank, 4 row 2, 5–6 blank, 7–8 row 3 (quoted break), 9 blank, 10 broken row, 11 row 4.
    const content = ['id,body', '1,a', '', '2,b', '', '', `3,"${twoLines}"`, '', '5,x,extra', '4,d', ''].join(eol);
    const items = await rows(content);
    expect(items.map((item) => [item.type === 'row' ? item.row.id : item.type, item.line])).toEqual([
      ['1', 2],
      ['2', 4],
      ['3', 7],
      ['error', 10],
      ['4', 11],
    ]);
  });

  it('turns a row with too many fields into an error and keeps reading', async () => {
    const items = await rows('id,body\n1,ok\n2,a,b\n3,fine\n');
    expect(items.map((item) => (item.type === 'row' ? item.row.id : `error@${item.line}`))).toEqual(['1', 'error@3', '3']);
    expect(items[1]).toMatchObject({ reason: expect.stringContaining('unquoted delimiter') });
  });

  it.each([
    ['English, LF', '\n', 'Where is\nmy parcel?', 'Thanks'],
    ['French, CRLF', '\r\n', 'Où est\r\nmon colis ?', 'Merci'],
  ])('numbers the rows after broken rows, one of them on two lines, by the lines they start on (%s)', async (_language, eol, two, one) => {
    const items = await rows(['id,body', `1,${one}`, `2,${one},extra`, `3,"${two}",extra`, `4,"${two}"`, `5,${one}`, ''].join(eol));
    expect(items.map((item) => (item.type === 'row' ? `${item.row.id}@${item.line}` : `error@${item.line}`))).toEqual(['1@2', 'error@3', 'error@4', '4@6', '5@8']);
  });

  it.each([
    ['English', '', 'Where is my\u0000 parcel?', 'Where is my parcel?'],
    ['French, after a byte order mark', '\uFEFF', 'Où est mon\u0000\u0000 colis ?', 'Où est mon colis ?'],
  ])('removes NUL characters from a UTF-8 file and counts them (%s)', async (_language, bom, body, cleaned) => {
    const path = await writeTemp(await tempDir(), 'nul.csv', Buffer.from(`${bom}id,body\n1,"${body}"\n`, 'utf8'));
    expect(await collect(readCsv(path))).toEqual([{ type: 'row', row: { id: '1', body: cleaned }, line: 2 }]);
    expect(takeRemovedNuls(path)).toBe(body.split('\u0000').length - 1);
  });

  it.each([
    ['English', 'utf8', 'parcel'],
    ['French', 'UTF-8', 'colis'],
  ])('reads bytes that are not UTF-8 in a file said to be UTF-8 as replacement characters, whatever follows them (%s)', async (_language, encoding, word) => {
    const bytes = Buffer.concat([
      Buffer.from(`id,body\n1,${word}`),
      Buffer.from([0xc3]),
      Buffer.from('\n2,"'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(`""${word}"""\n3,`),
      Buffer.from([0xf0, 0x9f]),
      Buffer.from('\r\n'),
    ]);
    const items = await rows(bytes, { encoding });
    expect(items.map((item) => item.type === 'row' && item.row.body)).toEqual([`${word}\uFFFD`, `\uFFFD"${word}"`, '\uFFFD\r']);
  });

  it('says where an unclosed quote starts and that the rest of the file is lost', async () => {
    const items = await rows('id,body\n1,ok\n2,"never closed\n3,lost\n');
    expect(items).toHaveLength(2);
    expect(items[1]).toEqual({
      type: 'error',
      line: 3,
      reason: 'a quoted field is never closed: the rest of the file could not be read',
    });
  });

  it('decodes Windows-1252 files with ; delimiters as French Excel writes them', async () => {
    const bytes = iconv.encode('N°;Objet;Message\r\n1;Remboursement;"Je voudrais être remboursée, merci à vous"\r\n', 'win1252');
    expect(bytes.includes(Buffer.from('ê', 'utf8'))).toBe(false);
    const items = await rows(bytes);
    expect(items).toEqual([
      { type: 'row', row: { 'N°': '1', Objet: 'Remboursement', Message: 'Je voudrais être remboursée, merci à vous' }, line: 2 },
    ]);
  });

  it('strips a UTF-8 byte order mark from the first column name', async () => {
    const items = await rows('\uFEFFid,subject\n7,Bonjour\n');
    expect(items).toEqual([{ type: 'row', row: { id: '7', subject: 'Bonjour' }, line: 2 }]);
  });

  it('reads nothing from an empty file', async () => {
    expect(await rows('')).toEqual([]);
  });
});

describe('readCsv errors', () => {
  it.each([
    ['English', 'id,body\n1,Where is my parcel?\n2,Where,is it?\n\n3,"Still\nwaiting",x\n4,Thanks\n'],
    ['French', 'id,body\n1,Où est mon colis ?\n2,Où,est-il ?\n\n3,"Toujours\nrien",x\n4,Merci\n'],
  ])('words a row with too many fields by the length of the header, at the line it starts on (%s)', async (_language, content) => {
    const items = await rows(content);
    const reason = 'Invalid Record Length: columns length is 2, got 3 (an unquoted delimiter or line break in a field?)';
    expect(items.map((item) => (item.type === 'row' ? ['row', item.row.id, item.line] : ['error', item.reason, item.line]))).toEqual([
      ['row', '1', 2],
      ['error', reason, 3],
      ['error', reason, 5],
      ['row', '4', 7],
    ]);
  });
});

describe('readCsvBatches', () => {
  it.each([
    ['English', 'id,body\n1,Where is my parcel?\n2,Where,is it?\n3,Thanks\n'],
    ['French', 'id,body\n1,Où est mon colis ?\n2,Où,est-il ?\n3,Merci\n'],
  ])('hands out the header and each row as its fields, with the lines and errors of readCsv, in order (%s)', async (_language, content) => {
    const path = await writeTemp(await tempDir(), 'in.csv', content);
    const batches = await collect(readCsvBatches(path));
    expect(batches.map((batch) => batch.keys)).toEqual([['id', 'body']]);
    const [parcel, error, thanks] = await collect(readCsv(path));
    expect([...fieldsOf(batches[0]!)]).toEqual([
      { type: 'row', cells: Object.values((parcel as Extract<CsvItem, { type: 'row' }>).row), line: 2 },
      error,
      { type: 'row', cells: Object.values((thanks as Extract<CsvItem, { type: 'row' }>).row), line: 4 },
    ]);
    expect(error).toMatchObject({ type: 'error', line: 3 });
  });
});

describe('delimiter and header sniffing', () => {
  it('prefers the delimiter that splits the header most', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('"x,y";b;c')).toBe(';');
    expect(sniffDelimiter('a,b')).toBe(',');
  });

  it('reads header names without quotes or BOM', () => {
    expect(csvHeaderOf('\uFEFF"Ticket ID" ,Subject\n1,2')).toEqual(['Ticket ID', 'Subject']);
  });
});
