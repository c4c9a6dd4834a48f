import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { htmlToText, normalizeWhitespace } from '../../pipelines/clean.ts';
import { splitTags, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import { KNOWLEDGE_KINDS, type KnowledgeDoc, type KnowledgeKind } from '../records.ts';

const MARKDOWN = new Set(['.md', '.markdown']);
const HTML = new Set(['.html', '.htm']);
const TEXT = new Set(['.txt']);
const ARTICLE_EXTENSIONS = new Set([...MARKDOWN, ...HTML, ...TEXT]);
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

async function* articleFiles(folder: string): AsyncGenerator<string> {
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* articleFiles(path);
    else if (entry.isFile() && ARTICLE_EXTENSIONS.has(extname(entry.name).toLowerCase())) yield path;
  }
}

type FrontMatter = Record<string, unknown>;

/** Splits YAML front matter from the body; a YAML error names the line in the file. */
function splitFrontMatter(text: string): { data: FrontMatter; body: string } | { error: string; line: number } {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { data: {}, body: text };
  try {
    const data: unknown = parseYaml(match[1]!);
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      return { error: 'front matter is not a set of key: value pairs', line: 2 };
    }
    return { data: (data ?? {}) as FrontMatter, body: text.slice(match[0].length) };
  } catch (error) {
    const line = error instanceof YAMLParseError && error.linePos ? error.linePos[0].line + 1 : 2;
    return { error: `invalid front matter: ${(error as Error).message.split('\n')[0]!.replace(/:\s*$/, '')}`, line };
  }
}

function titleOf(data: FrontMatter, body: string, isHtml: boolean, fallback: string): string {
  const fromMatter = str(data.title);
  if (fromMatter) return fromMatter;
  const fromContent = isHtml
    ? /<title[^>]*>([^<]+)<\/title>/i.exec(body)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(body)?.[1]
    : /^#\s+(.+)$/m.exec(body)?.[1];
  return str(fromContent ? normalizeWhitespace(fromContent.replace(/<[^>]+>/g, '')) : undefined) ?? fallback;
}

function kindOf(value: unknown): KnowledgeKind {
  const kind = str(value)?.toLowerCase();
  return kind && (KNOWLEDGE_KINDS as readonly string[]).includes(kind) ? (kind as KnowledgeKind) : 'article';
}

async function toItem(folder: string, path: string, at: SourceLocation): Promise<ReadItem> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  if (text.trim() === '') return { type: 'skip', at, reason: 'empty file' };
  const split = splitFrontMatter(text);
  if ('error' in split) return { type: 'skip', at: { ...at, line: split.line }, reason: split.error };
  const { data } = split;
  const ext = extname(path).toLowerCase();
  const isHtml = HTML.has(ext);
  const body = normalizeWhitespace(isHtml ? htmlToText(split.body) : split.body);
  const id = str(data.id) ?? relative(folder, path).slice(0, -ext.length).split(sep).join('/');
  const located = { ...at, id };
  if (body === '') return { type: 'skip', at: located, reason: 'the article has no body' };

  const warnings: string[] = [];
  const doc: KnowledgeDoc = { id, kind: kindOf(data.kind), title: titleOf(data, split.body, isHtml, basename(path, ext)), body };
  const url = str(data.url);
  if (url) doc.url = url;
  const locale = str(data.locale) ?? str(data.lang) ?? str(data.language);
  if (locale) doc.locale = locale;
  const rawDate = data.updated ?? data.updatedAt ?? data.updated_at ?? data.date;
  // YAML reads an unquoted date as a Date; either way it becomes an ISO string.
  const updatedAt = rawDate instanceof Date ? rawDate.toISOString() : toIsoDate(rawDate);
  if (updatedAt) doc.updatedAt = updatedAt;
  else if (rawDate !== undefined) warnings.push(`unreadable updated date (${JSON.stringify(rawDate)}) left out`);
  const tags = splitTags(data.tags);
  if (tags.length > 0) doc.tags = tags;
  return recordItem('knowledge', doc, located, warnings);
}

export const articlesFolderReader: Reader = {
  name: 'articles-folder',
  description: 'a folder of Markdown, HTML or text articles; front matter gives id, title, url, locale, updated, kind',
  kinds: ['knowledge'],
  detect(probe) {
    return probe.isDirectory ? 0.9 : 0;
  },
  async *read(folder) {
    let record = 0;
    for await (const path of articleFiles(folder)) {
      record++;
      yield toItem(folder, path, { file: path, line: 1, record });
    }
  },
};
