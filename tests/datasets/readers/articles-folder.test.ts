import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { articlesFolderReader } from '../../../datasets/readers/articles-folder.ts';
import { KnowledgeDocSchema } from '../../../datasets/records.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';

const folder = fileURLToPath(new URL('../../fixtures/articles-folder', import.meta.url));
const read = (path: string, encoding?: string) =>
  collect(articlesFolderReader.read(path, { maxMessageChars: 100_000, ...(encoding && { encoding }) }));
const tempDir = useTempDir();

describe('articles-folder reader', () => {
  it('yields one item per article file, in path order, ignoring other and hidden files', async () => {
    const items = await read(folder);
    expect(items.map((item) => [item.type, item.at.file.slice(folder.length + 1), item.at.record])).toEqual([
      ['skip', 'broken.md', 1],
      ['record', 'candle-care.html', 2],
      ['record', 'contact-us.txt', 3],
      ['skip', 'empty.md', 4],
      ['record', 'faq/delivery.md', 5],
      ['skip', 'front-matter-only.md', 6],
      ['record', 'gift-cards.md', 7],
      ['record', 'policies/returns--2024-11-01.md', 8],
      ['record', 'policies/returns--2025-03-01.md', 9],
      ['skip', 'unclosed.md', 10],
      ['record', 'weird-kind.md', 11],
    ]);
    for (const item of items) {
      if (item.type === 'record') expect(KnowledgeDocSchema.safeParse(item.record).success).toBe(true);
    }
  });

  it('skips broken front matter at the YAML error line, unclosed front matter and empty files', async () => {
    const skips = (await read(folder)).flatMap((item) => (item.type === 'skip' ? [[item.at.file.slice(folder.length + 1), item.at.line, item.reason]] : []));
    expect(skips).toEqual([
      ['broken.md', 4, 'invalid front matter: Map keys must be unique'],
      ['empty.md', 1, 'empty file'],
      ['front-matter-only.md', 1, 'the article has front matter but no text'],
      ['unclosed.md', 1, 'the front matter opened on line 1 is never closed by a "---" line'],
    ]);
  });

  it('reads front matter fields, with lang and updatedAt spellings and a case-insensitive kind', async () => {
    const items = await read(folder);
    expect(items[4]).toEqual({
      type: 'record',
      kind: 'knowledge',
      at: { file: join(folder, 'faq/delivery.md'), line: 1, record: 5, id: 'faq-delivery' },
      record: {
        id: 'faq-delivery',
        kind: 'internal',
        title: 'Delivery times',
        body: '# Délais de livraison\n\nComptez **2 à 4 jours ouvrés** en France métropolitaine.',
        url: 'https://help.example/fr/livraison',
        locale: 'fr-FR',
        updatedAt: '2025-06-01T07:30:00.000Z',
        tags: ['delivery', 'shipping'],
      },
    });
  });

  it('keeps every dated version of one policy as its own record', async () => {
    const versions = (await read(folder)).flatMap((item) => (item.type === 'record' && item.record.id === 'returns' ? [item.record] : []));
    expect(versions).toEqual([
      {
        id: 'returns',
        kind: 'policy',
        title: 'Returns policy',
        body: 'You have 14 days after delivery to return an item.',
        locale: 'en-US',
        updatedAt: '2024-11-01T00:00:00.000Z',
        tags: ['returns', 'policy'],
      },
      {
        id: 'returns',
        kind: 'policy',
        title: 'Returns policy',
        body: 'You have 30 days after delivery to return an item.',
        locale: 'en-US',
        updatedAt: '2025-03-01T00:00:00.000Z',
        tags: ['returns', 'policy'],
      },
    ]);
  });

  it('takes ids from paths and titles from headings, <title> or the file name', async () => {
    const byFile = new Map((await read(folder)).flatMap((item) => (item.type === 'record' ? [[item.at.file.slice(folder.length + 1), item.record]] : [])));
    expect(byFile.get('candle-care.html')).toEqual({
      id: 'candle-care',
      kind: 'article',
      title: 'Candle care & safety',
      body: 'Caring for your candle\n\nTrim the wick to 5 mm before each use.\n\nSee our safety page [https://help.example/en/safety].',
    });
    expect(byFile.get('contact-us.txt')).toEqual({
      id: 'contact-us',
      kind: 'article',
      title: 'contact-us',
      body: 'Write to hello@example.com\nWe answer within 24 hours.',
    });
    // Markdown stays as written (nested list indentation, code block); the title skips the fenced `#`.
    expect(byFile.get('gift-cards.md')).toEqual({
      id: 'gift-cards',
      kind: 'article',
      title: 'Gift cards',
      body: 'Intro line before the heading.\n\n# Gift cards #\n\nGift cards are valid for one year:\n\n- online,\n  - and in our shop.\n\n```\n# not a heading\n```',
    });
  });

  it('warns about an unknown kind and an unreadable date instead of dropping the article', async () => {
    const item = (await read(folder)).at(-1)!;
    expect(item).toMatchObject({
      type: 'record',
      record: { id: 'weird-kind', kind: 'article', title: 'Loyalty programme', body: '# Loyalty programme\nOne point per euro spent.' },
      warnings: ['unknown kind "faq" read as "article" (expected article, internal, policy)', 'unreadable updated date ("someday") left out'],
    });
    expect(item.type === 'record' && 'updatedAt' in item.record).toBe(false);
  });

  it('decodes a Windows-1252 HTML article and reads a setext title and `...`-closed front matter', async () => {
    const dir = await tempDir();
    await writeTemp(dir, 'retours.html', iconv.encode('<h1>Retours &amp; échanges</h1><p>Délai : 30 jours.</p>', 'win1252'));
    await mkdir(join(dir, 'sub'));
    await writeTemp(dir, 'sub/faq.md', '---\nlocale: de\n...\nVersand\n=======\n\nZwei Tage.\n');
    const records = (await read(dir)).map((item) => (item.type === 'record' ? item.record : item));
    expect(records).toEqual([
      { id: 'retours', kind: 'article', title: 'Retours & échanges', body: 'Retours & échanges\n\nDélai : 30 jours.' },
      { id: 'sub/faq', kind: 'article', title: 'Versand', body: 'Versand\n=======\n\nZwei Tage.', locale: 'de' },
    ]);
  });

  it('is detected for a folder holding articles, and not for one without', async () => {
    const empty = await tempDir();
    await writeTemp(empty, 'notes.json', '{}');
    expect(articlesFolderReader.detect({ path: empty, isDirectory: true, ext: '', head: '' })).toBe(0);
    expect(articlesFolderReader.detect({ path: folder, isDirectory: true, ext: '', head: '' })).toBe(0.9);
    // The registry imports every reader, so it loads here rather than with this file.
    const { detectReader, probePath } = await import('../../../datasets/readers/index.ts');
    expect(detectReader(await probePath(folder)).name).toBe('articles-folder');
    expect(() => detectReader({ path: empty, isDirectory: true, ext: '', head: '' })).toThrow(/could not tell/);
  });
});
