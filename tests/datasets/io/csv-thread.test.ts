import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseCsvBatches } from '../../../datasets/io/csv.ts';
import { addToBatch, BATCHES_AHEAD, emptyBatch, fieldsOf, itemsOf, parseCsvBatchesOnWorker, rowOf, ROWS_PER_BATCH, type CsvItem, type CsvWorkerData } from '../../../datasets/io/csv-thread.ts';
import { takeRemovedNuls } from '../../../datasets/io/text.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

/** The worker's items one by one, as `readCsv` hands them out. */
async function* onWorker(data: CsvWorkerData): AsyncGenerator<CsvItem> {
  for await (const batch of parseCsvBatchesOnWorker(data)) yield* itemsOf(batch);
}

/** The same items parsed on this thread. */
async function* onThisThread({ path, encoding, delimiter }: CsvWorkerData): AsyncGenerator<CsvItem> {
  for await (const batch of parseCsvBatches(path, encoding, delimiter)) yield* itemsOf(batch);
}

/** The items and NUL count of a file parsed on this thread, then on the worker. */
async function bothWays(content: string | Buffer, encoding?: string, delimiter = ',') {
  const path = await writeTemp(await tempDir(), 'in.csv', content);
  const here = await collect(onThisThread({ path, encoding, delimiter }));
  const hereNuls = takeRemovedNuls(path);
  const worker = await collect(onWorker({ path, encoding, delimiter }));
  return { here, worker, hereNuls, workerNuls: takeRemovedNuls(path) };
}

/** Many rows, with broken ones and blank lines spread among them, past what the worker may parse ahead. */
function longFile(eol: string, body: (id: number) => string): string {
  const lines = ['id,body,created'];
  for (let id = 1; id <= ROWS_PER_BATCH * (BATCHES_AHEAD + 2); id++) {
    if (id % 997 === 0) lines.push(`${id},broken,row,extra`, '');
    lines.push(`${id},"${body(id)}",2025-01-01`);
  }
  return lines.join(eol);
}

describe('parseCsvBatchesOnWorker', () => {
  it.each([
    ['English', 'LF', '\n', (id: number) => `Where is\nparcel ${id}?`],
    ['French', 'LF', '\n', (id: number) => `Où est\nle colis ${id} ?`],
    ['English', 'CRLF', '\r\n', (id: number) => `Where is\r\nparcel ${id}?`],
    ['French', 'CRLF', '\r\n', (id: number) => `Où est\r\nle colis ${id} ?`],
  ])('hands out the rows, errors and lines a read on this thread gives, in order (%s, %s)', async (_language, _ends, eol, body) => {
    const { here, worker } = await bothWays(longFile(eol, body));
    expect(here.filter((item) => item.type === 'error').length).toBeGreaterThan(0);
    expect(worker).toEqual(here);
  });

  it.each([
    ['English', 'id,body\n1,"this quote is never closed\n2,lost\n'],
    ['French', 'id,body\n1,"cette citation ne se ferme pas\n2,perdu\n'],
  ])('reports an unclosed quote where a read on this thread does (%s)', async (_language, content) => {
    const { here, worker } = await bothWays(content);
    expect(here.at(-1)).toMatchObject({ type: 'error', line: 2 });
    expect(worker).toEqual(here);
  });

  it('reads Windows-1252 with ; as French Excel writes it, and header names written twice, as this thread does', async () => {
    const content = iconv.encode('id;sujet;sujet\r\n1;Où est mon colis ?;Retour\r\n2;Déjà reçu;Échange\r\n', 'win1252');
    const { here, worker } = await bothWays(content, 'win1252', ';');
    expect(here[0]).toMatchObject({ type: 'row', row: { id: '1', sujet: 'Retour' } });
    expect(worker).toEqual(here);
  });

  it('strips a BOM and NUL characters, and counts the NULs for the importer, as this thread does', async () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,body\n1,Hello\u0000 there\n2,Bonjour\u0000\u0000 !\n')]);
    const { here, worker, hereNuls, workerNuls } = await bothWays(content);
    expect(hereNuls).toBe(3);
    expect(workerNuls).toBe(hereNuls);
    expect(worker).toEqual(here);
  });

  it('reads nothing from an empty file', async () => {
    const { here, worker } = await bothWays('');
    expect(worker).toEqual(here);
    expect(worker).toEqual([]);
  });

  it.each([
    ['English', (id: number) => `Where is\nparcel ${id}?`],
    ['French', (id: number) => `Où est\nle colis ${id} ?`],
  ])('hands the same items out a batch at a time, none longer than a batch (%s)', async (_language, body) => {
    const path = await writeTemp(await tempDir(), 'in.csv', longFile('\n', body));
    const batches = await collect(parseCsvBatchesOnWorker({ path, encoding: undefined, delimiter: ',' }));
    expect(batches.length).toBeGreaterThan(BATCHES_AHEAD);
    expect(Math.max(...batches.map((batch) => batch.lines.length))).toBeLessThanOrEqual(ROWS_PER_BATCH);
    expect(batches.flatMap((batch) => [...itemsOf(batch)])).toEqual(await collect(onThisThread({ path, encoding: undefined, delimiter: ',' })));
  });

  it('stops the worker when the reader stops early', async () => {
    const path = await writeTemp(await tempDir(), 'in.csv', longFile('\n', (id) => `body ${id}`));
    const first: unknown[] = [];
    for await (const item of onWorker({ path, encoding: undefined, delimiter: ',' })) {
      first.push(item);
      if (first.length === 3) break;
    }
    expect(first).toHaveLength(3);
  });

  it('fails with the file system error of a file that cannot be read', async () => {
    const path = `${await tempDir()}/missing.csv`;
    await expect(collect(onWorker({ path, encoding: undefined, delimiter: ',' }))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('CSV batches', () => {
  it('give back the rows and errors put in them, errors first, last or alone', () => {
    const batch = emptyBatch(['id', 'body']);
    addToBatch(batch, { type: 'error', line: 2, reason: 'a quoted field is never closed' });
    addToBatch(batch, { type: 'row', cells: ['1', 'Où est mon colis ?'], line: 3 });
    addToBatch(batch, { type: 'row', cells: ['2', 'Where is my parcel?'], line: 5 });
    addToBatch(batch, { type: 'error', line: 6, reason: 'Invalid Record Length' });
    expect([...itemsOf(batch)]).toEqual([
      { type: 'error', line: 2, reason: 'a quoted field is never closed' },
      { type: 'row', row: { id: '1', body: 'Où est mon colis ?' }, line: 3 },
      { type: 'row', row: { id: '2', body: 'Where is my parcel?' }, line: 5 },
      { type: 'error', line: 6, reason: 'Invalid Record Length' },
    ]);
    expect([...fieldsOf(batch)]).toEqual([
      { type: 'error', line: 2, reason: 'a quoted field is never closed' },
      { type: 'row', cells: ['1', 'Où est mon colis ?'], line: 3 },
      { type: 'row', cells: ['2', 'Where is my parcel?'], line: 5 },
      { type: 'error', line: 6, reason: 'Invalid Record Length' },
    ]);
  });
});

describe('rowOf', () => {
  it.each([
    ['English', ['subject', 'body', 'subject'], ['Refund', 'Where is my refund?', 'Return']],
    ['French', ['sujet', 'message', 'sujet'], ['Remboursement', 'Où est mon remboursement ?', 'Retour']],
  ])('keeps a name written twice at its first place with its last value, as csv-parse does (%s)', (_language, names, cells) => {
    const row = rowOf(names, ['x', ...cells], 1);
    expect(Object.entries(row)).toEqual([
      [names[0], cells[2]],
      [names[1], cells[1]],
    ]);
  });

  it.each([
    ['English', 'Where is my parcel?'],
    ['French', 'Où est mon colis ?'],
  ])('keeps a column named __proto__ as an ordinary key (%s)', (_language, body) => {
    const row = rowOf(['__proto__', 'body'], ['polluted', body], 0);
    expect(Object.keys(row)).toEqual(['__proto__', 'body']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row.body).toBe(body);
  });
});
