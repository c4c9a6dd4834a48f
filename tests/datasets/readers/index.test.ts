import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Reader } from '../../../datasets/reader.ts';
import { readerMap } from '../../../datasets/readers/define.ts';
import { formatsDocList, formatsTable, isFormatName, READERS } from '../../../datasets/readers/index.ts';

const GUIDE = new URL('../../../docs/guide-support-lead.md', import.meta.url).pathname;
const LIST = /(<!-- formats: [^\n]*-->\n)([\s\S]*?)(\n<!-- end of formats -->)/;

/** A format that exists only in this test: one reader, one entry in a copy of the map. */
const faqLines: Reader = {
  name: 'faq-lines',
  description: 'one help-center answer a line, to prove a new format needs one reader and one map entry',
  kinds: ['knowledge'],
  detect: (probe) => (probe.ext === '.faq' ? 1 : 0),
  read: async function* () {},
};

describe('the readers map', () => {
  it('lists every format with what it gives and reads, for `shadowdesk formats` and the guide', () => {
    const lines = formatsTable().split('\n');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(Object.keys(READERS));
    expect(lines[0]).toMatch(/^gorgias-json +ticket +Gorgias /);
    for (const reader of Object.values(READERS)) expect(formatsDocList()).toContain(`- \`${reader.name}\` — ${reader.kinds.join(', ')} — `);
  });

  it('shows a format registered through the same API in `shadowdesk formats` and the docs list', () => {
    const withFaq = readerMap({ ...READERS, [faqLines.name]: faqLines });
    expect(formatsTable(withFaq).split('\n').at(-1)).toMatch(/^faq-lines +knowledge +one help-center answer a line/);
    expect(formatsDocList(withFaq)).toMatch(/- `faq-lines` — knowledge — one help-center answer a line, [^]*map entry\.$/);
    expect(formatsTable()).not.toContain('faq-lines');
  });

  it('refuses a reader registered under another name than its own, which --format could not find', () => {
    expect(() => readerMap({ ...READERS, 'faq-csv': faqLines })).toThrow('the format "faq-csv" holds the reader named "faq-lines"; register a reader under its own name');
  });

  it('the support lead\'s guide lists the formats as the map does (UPDATE_DOCS=1 rewrites it), and its table names only real ones', async () => {
    const guide = await readFile(GUIDE, 'utf8');
    expect(guide).toMatch(LIST);
    const fresh = guide.replace(LIST, (_, open: string, _list: string, close: string) => `${open}${formatsDocList()}${close}`);
    if (process.env.UPDATE_DOCS) await writeFile(GUIDE, fresh);
    expect(guide, 'the formats list in docs/guide-support-lead.md is stale: run UPDATE_DOCS=1 npx vitest run tests/datasets/readers/index.test.ts').toBe(fresh);
    // The "Export your history" table: its last column names the format of each export.
    const table = guide.slice(guide.indexOf('| what | from | format shadowdesk reads |'), guide.indexOf('<!-- formats:'));
    const named = [...table.matchAll(/^\|[^|\n]*\|[^|\n]*\|([^\n]*)\|$/gm)].flatMap((row) => [...row[1]!.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((match) => match[1]!));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !isFormatName(name))).toEqual([]);
  });
});
