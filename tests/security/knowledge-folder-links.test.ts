import { mkdir, readdir, readFile, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { articlesFolderReader } from '../../datasets/readers/articles-folder.ts';
import { importSources } from '../../pipelines/import.ts';
import { collect, useTempDir, writeTemp } from '../helpers/temp.ts';

const MARKER = 'TOP-SECRET-7f3a9c';
/** Inside the folder, but in hidden or non-article files: never read either. */
const HIDDEN_MARKER = 'HIDDEN-NOTE-51be02';
const tempDir = useTempDir();

/** Every file under `dir`, recursively, never following links. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * A knowledge folder `kb` next to an `outside` folder holding secrets, linked to from inside in
 * every way: absolute and relative, to files and folders, in a loop, and to places inside.
 */
async function linkedFolder(dir: string) {
  const outside = join(dir, 'outside');
  await mkdir(join(outside, 'private'), { recursive: true });
  await writeTemp(outside, 'secret.md', `# Secret\n\n${MARKER}`);
  await writeTemp(outside, 'private/leak.md', `# Leak\n\n${MARKER}`);
  const kb = join(dir, 'kb');
  await mkdir(join(kb, 'faq'), { recursive: true });
  await mkdir(join(kb, '.hidden'));
  await writeTemp(kb, 'welcome.md', '# Welcome\n\nWe answer within a day.');
  await writeTemp(kb, 'faq/shipping.md', '# Shipping\n\nParcels take 2 to 3 days.');
  await writeTemp(kb, '.draft.md', `# Draft\n\n${HIDDEN_MARKER}`);
  await writeTemp(kb, '.hidden/notes.md', `# Notes\n\n${HIDDEN_MARKER}`);
  // Not .json or .csv: those would make the folder a folder of exports (see the last tests).
  await writeTemp(kb, 'notes.yaml', `note: ${HIDDEN_MARKER}`);
  await symlink(join(outside, 'secret.md'), join(kb, 'secret.md'));
  await symlink(join(outside, 'private'), join(kb, 'private'));
  await symlink('../outside/secret.md', join(kb, 'up.md'));
  await symlink('..', join(kb, 'parent'));
  await symlink('loop-b.md', join(kb, 'loop-a.md'));
  await symlink('loop-a.md', join(kb, 'loop-b.md'));
  await symlink('shipping.md', join(kb, 'faq/alias.md'));
  await symlink('..', join(kb, 'faq/self'));
  return { kb, outside: await realpath(outside), parent: await realpath(dir) };
}

describe('knowledge folder import and symbolic links', () => {
  it('skips every link with a reason, reads no hidden or non-article file, and accounts for each entry', async () => {
    const { kb, outside, parent } = await linkedFolder(await tempDir());
    const items = await collect(articlesFolderReader.read(kb, { maxMessageChars: 100_000 }));
    const outsideReason = (target: string) => `symbolic link to ${target}, outside the imported folder: not followed`;
    expect(items.map((item) => [item.at.file.slice(kb.length + 1), item.at.record, item.type === 'skip' ? item.reason : item.type === 'record' ? item.record.id : item.type])).toEqual([
      ['faq/alias.md', 1, 'symbolic link to faq/shipping.md in the folder: not followed, the target is imported at its own path'],
      ['faq/self', 2, 'symbolic link to . in the folder: not followed, the target is imported at its own path'],
      ['faq/shipping.md', 3, 'faq/shipping'],
      ['loop-a.md', 4, 'symbolic link loop: not followed'],
      ['loop-b.md', 5, 'symbolic link loop: not followed'],
      ['parent', 6, outsideReason(parent)],
      ['private', 7, outsideReason(join(outside, 'private'))],
      ['secret.md', 8, outsideReason(join(outside, 'secret.md'))],
      ['up.md', 9, outsideReason(join(outside, 'secret.md'))],
      ['welcome.md', 10, 'welcome'],
    ]);
    const text = JSON.stringify(items);
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain(HIDDEN_MARKER);
  });

  it('bounds the folder by its real path, so a folder named through a link still reads its own articles', async () => {
    const dir = await tempDir();
    const { kb } = await linkedFolder(dir);
    await symlink(kb, join(dir, 'kb-link'));
    const items = await collect(articlesFolderReader.read(join(dir, 'kb-link'), { maxMessageChars: 100_000 }));
    expect(items.flatMap((item) => (item.type === 'record' ? [item.record.id] : []))).toEqual(['faq/shipping', 'welcome']);
    expect(JSON.stringify(items)).not.toContain(MARKER);
  });

  it('imports into a workspace without the secret in any file written, the skips listed with their reasons', async () => {
    const dir = await tempDir();
    const { kb, outside } = await linkedFolder(dir);
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: kb }], { workspace });

    expect(report.committed).toBe(true);
    expect(report.files).toHaveLength(1);
    const [file] = report.files;
    expect(file).toMatchObject({ format: 'articles-folder', read: 10, imported: 2, skipped: 8, records: { knowledge: 2 } });
    expect(file!.read).toBe(file!.imported + file!.skipped);
    expect(report.totals).toMatchObject({ read: 10, imported: 2, skipped: 8, records: { knowledge: 2 } });
    expect(file!.skips).toContainEqual({ at: { file: join(kb, 'secret.md'), record: 8 }, reason: `symbolic link to ${join(outside, 'secret.md')}, outside the imported folder: not followed` });

    const written = await filesUnder(workspace);
    const issues = written.find((path) => path.endsWith('import-issues.jsonl'));
    expect(issues).toBeDefined();
    const skipped = (await readFile(issues!, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; at: { file: string } });
    expect(skipped.filter((issue) => issue.type === 'skip')).toHaveLength(8);
    expect(written.some((path) => path.endsWith('knowledge.jsonl'))).toBe(true);
    for (const path of written) {
      const content = await readFile(path);
      expect(content.includes(MARKER), path).toBe(false);
      expect(content.includes(HIDDEN_MARKER), path).toBe(false);
    }
  });

  // A linked folder inside a folder of exports was once handed to the articles reader as a root
  // of its own, importing the articles it pointed to outside the folder.
  it('never follows a link out of a folder of exports either', async () => {
    const dir = await tempDir();
    const { outside } = await linkedFolder(dir);
    const exports = join(dir, 'exports');
    await mkdir(join(exports, 'help'), { recursive: true });
    await writeTemp(exports, 'tickets.jsonl', '');
    await writeTemp(exports, 'help/welcome.md', '# Welcome\n\nWe answer within a day.');
    await symlink(join(outside, 'private'), join(exports, 'articles'));
    const workspace = join(dir, 'ws');
    const report = await importSources([{ path: exports }], { workspace });
    expect(report.totals.records.knowledge).toBeGreaterThan(0);
    for (const path of await filesUnder(workspace)) expect((await readFile(path)).includes(MARKER), path).toBe(false);
  });

  // A looping link once aborted the whole import (ELOOP) instead of being passed over.
  it('skips a link loop in a folder of exports instead of aborting the import', async () => {
    const dir = await tempDir();
    await writeTemp(dir, 'tickets.jsonl', '');
    await symlink('loop-b.json', join(dir, 'loop-a.json'));
    await symlink('loop-a.json', join(dir, 'loop-b.json'));
    await expect(importSources([{ path: dir }], { workspace: join(dir, 'ws') })).resolves.toBeDefined();
  });
});
