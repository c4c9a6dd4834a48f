import { constants, readdirSync, type Dirent } from 'node:fs';
import { open, readdir, realpath } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, sep } from 'node:path';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { checkEncoding, decodeHead } from '../io/text.ts';
import { splitTags, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc, KnowledgeKind } from '../records.ts';

const MARKDOWN = new Set(['.md', '.markdown']);
const HTML = new Set(['.html', '.htm']);
const TEXT = new Set(['.txt']);
const ARTICLE_EXTENSIONS = new Set([...MARKDOWN, ...HTML, ...TEXT]);
/** The kinds an article file may declare; macros and products come from their own exports. */
const ARTICLE_KINDS: readonly KnowledgeKind[] = ['article', 'internal', 'policy'];
const FRONT_MATTER_OPEN = /^---[ \t]*\r?\n/;
// YAML allows `...` as well as `---` to end the block (Pandoc writes it).
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

function isArticle(entry: Dirent): boolean {
  return entry.isFile() && ARTICLE_EXTENSIONS.has(extname(entry.name).toLowerCase());
}

/** Code-point order, not locale order, so every machine reads the files in the same order. */
function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function visible(entries: Dirent[]): Dirent[] {
  // Dot files are editor and OS clutter (.DS_Store, .obsidian/), never articles.
  return entries.filter((entry) => !entry.name.startsWith('.')).sort(byName);
}

/** Whether `path` is `root` or below it. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Why a symbolic link is not followed. No link is: one leading out of the folder would import
 * whatever the user can read (~/.ssh, another shop's export), and one staying inside points at a
 * file or folder imported at its own path anyway, so following it would import that twice, or
 * forever for a link to a parent folder. `root` is the folder's real path.
 */
async function linkReason(root: string, path: string): Promise<string> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ELOOP' ? 'symbolic link loop: not followed' : `symbolic link to nothing readable (${code ?? (error as Error).message}): not followed`;
  }
  return isInside(root, target)
    ? `symbolic link to ${relative(root, target) || '.'} in the folder: not followed, the target is imported at its own path`
    : `symbolic link to ${target}, outside the imported folder: not followed`;
}

/** Article files and symbolic links under `folder`, in path order; a link comes with why it is skipped. */
async function* articleFiles(root: string, folder: string): AsyncGenerator<{ path: string; link?: string }> {
  for (const entry of visible(await readdir(folder, { withFileTypes: true }))) {
    const path = join(folder, entry.name);
    if (entry.isSymbolicLink()) yield { path, link: await linkReason(root, path) };
    else if (entry.isDirectory()) yield* articleFiles(root, path);
    else if (isArticle(entry)) yield { path };
  }
}

/** Refuses a file swapped for a link since the folder was listed (O_NOFOLLOW does not exist on Windows). */
async function readNoFollow(path: string): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Detection is synchronous: look a few levels down for one article file, then stop. */
function containsArticles(folder: string, depth = 3): boolean {
  let entries: Dirent[];
  try {
    entries = visible(readdirSync(folder, { withFileTypes: true }));
  } catch {
    return false;
  }
  if (entries.some(isArticle)) return true;
  return depth > 0 && entries.some((entry) => entry.isDirectory() && containsArticles(join(folder, entry.name), depth - 1));
}

type FrontMatter = Record<string, unknown>;
type Split = { data: FrontMatter; body: string } | { error: string; line: number };

/** Splits YAML front matter from the body; a YAML error names the line in the file. */
function splitFrontMatter(text: string): Split {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    return FRONT_MATTER_OPEN.test(text)
      ? { error: 'the front matter opened on line 1 is never closed by a "---" line', line: 1 }
      : { data: {}, body: text };
  }
  try {
    const data: unknown = parseYaml(match[1] ?? '');
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      return { error: 'the front matter is not a list of "key: value" lines', line: 2 };
    }
    return { data: (data ?? {}) as FrontMatter, body: text.slice(match[0].length) };
  } catch (error) {
    // YAML counts lines from the first line after the opening `---`, which is line 2 of the file.
    const line = error instanceof YAMLParseError && error.linePos ? error.linePos[0].line + 1 : 2;
    const message = (error as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
    return { error: `invalid front matter: ${message}`, line };
  }
}

/** The first `# Heading` (or `Heading` underlined with `===`) outside code blocks. */
function markdownTitle(body: string): string | undefined {
  const lines = body.split(/\r?\n/);
  let inCode = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode;
    if (inCode) continue;
    const atx = /^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) return atx[1];
    if (line.trim() !== '' && /^=+[ \t]*$/.test(lines[i + 1] ?? '')) return line;
  }
  return undefined;
}

function htmlTitle(html: string): string | undefined {
  const inner = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  return inner === undefined ? undefined : htmlToText(inner);
}

/** Plain text and Markdown are kept as written: only line endings, trailing spaces and blank runs change. */
function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function articleKind(value: unknown, warnings: string[]): KnowledgeKind {
  const kind = str(value)?.toLowerCase();
  if (kind === undefined) return 'article';
  if ((ARTICLE_KINDS as readonly string[]).includes(kind)) return kind as KnowledgeKind;
  warnings.push(`unknown kind "${kind}" read as "article" (expected ${ARTICLE_KINDS.join(', ')})`);
  return 'article';
}

function updatedAtOf(data: FrontMatter, warnings: string[]): string | undefined {
  const raw = data.updated ?? data.updatedAt ?? data.updated_at ?? data.date;
  const iso = toIsoDate(raw);
  if (!iso && raw !== undefined && raw !== null) warnings.push(`unreadable updated date (${JSON.stringify(raw)}) left out`);
  return iso;
}

async function toItem(folder: string, path: string, at: SourceLocation, encoding: string | undefined): Promise<ReadItem> {
  let text: string;
  try {
    text = decodeHead(await readNoFollow(path), encoding);
  } catch (error) {
    return { type: 'skip', at, reason: `the file could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (text.trim() === '') return { type: 'skip', at, reason: 'empty file' };
  const split = splitFrontMatter(text);
  if ('error' in split) return { type: 'skip', at: { ...at, line: split.line }, reason: split.error };
  const { data } = split;
  const ext = extname(path).toLowerCase();
  const isHtml = HTML.has(ext);
  const id = str(data.id) ?? relative(folder, path).slice(0, -ext.length).split(sep).join('/');
  const located = { ...at, id };
  const body = isHtml ? normalizeWhitespace(htmlToText(split.body)) : tidyText(split.body);
  if (body === '') return { type: 'skip', at: located, reason: 'the article has front matter but no text' };

  const warnings: string[] = [];
  const contentTitle = isHtml ? htmlTitle(split.body) : markdownTitle(split.body);
  const doc: KnowledgeDoc = {
    id,
    kind: articleKind(data.kind, warnings),
    title: str(data.title) ?? str(contentTitle && normalizeWhitespace(contentTitle)) ?? basename(path, extname(path)),
    body,
  };
  const url = str(data.url);
  if (url) doc.url = url;
  const locale = str(data.locale) ?? str(data.lang) ?? str(data.language);
  if (locale) doc.locale = locale;
  const updatedAt = updatedAtOf(data, warnings);
  if (updatedAt) doc.updatedAt = updatedAt;
  const tags = splitTags(data.tags);
  if (tags.length > 0) doc.tags = tags;
  return recordItem('knowledge', doc, located, warnings);
}

export const articlesFolderReader: Reader = {
  name: 'articles-folder',
  description: 'a folder of Markdown, HTML or text articles; front matter gives id, title, url, locale, updated, kind',
  kinds: ['knowledge'],
  detect(probe) {
    return probe.isDirectory && containsArticles(probe.path) ? 0.9 : 0;
  },
  async *read(folder, options) {
    const encoding = options.encoding === undefined ? undefined : checkEncoding(options.encoding);
    const root = await realpath(folder);
    let record = 0;
    for await (const { path, link } of articleFiles(root, folder)) {
      record++;
      yield link === undefined ? toItem(folder, path, { file: path, line: 1, record }, encoding) : { type: 'skip', at: { file: path, record }, reason: link };
    }
  },
};
