import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { JUDGES, judgesDocList } from '../../../eval/judges/index.ts';
import { WITH_GREETS } from '../../helpers/greets-judge.ts';

const GUIDE = new URL('../../../docs/guide-support-lead.md', import.meta.url).pathname;
const LIST = /(<!-- judges: [^\n]*-->\n)([\s\S]*?)(\n<!-- end of judges -->)/;

describe('the judges in the docs', () => {
  it('lists every judge of the map, a new one included', () => {
    const list = judgesDocList(WITH_GREETS);
    for (const name of [...Object.keys(JUDGES), 'greets']) expect(list).toContain(`- \`${name}\` — `);
  });

  it('the support lead’s guide lists the judges as the map does (UPDATE_DOCS=1 rewrites it)', async () => {
    const guide = await readFile(GUIDE, 'utf8');
    expect(guide).toMatch(LIST);
    const fresh = guide.replace(LIST, (_, open: string, _list: string, close: string) => `${open}${judgesDocList()}${close}`);
    if (process.env.UPDATE_DOCS) await writeFile(GUIDE, fresh);
    expect(guide, 'the judges list in docs/guide-support-lead.md is stale: run UPDATE_DOCS=1 npx vitest run tests/eval/judges/index.test.ts').toBe(fresh);
  });
});
