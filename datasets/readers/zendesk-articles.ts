import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { isObject, splitTags, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { jsonItems } from './_json-records.ts';

/** Field names from the Zendesk Help Center (Guide) Articles and Translations APIs. */
interface ZendeskArticle {
  id?: unknown;
  locale?: unknown;
  title?: unknown;
  body?: unknown;
  html_url?: unknown;
  draft?: unknown;
  outdated?: unknown;
  label_names?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
  /** When the article's text was last edited in the locale shown; `updated_at` also moves with votes, labels and moves. */
  edited_at?: unknown;
}

interface ZendeskTranslation extends ZendeskArticle {
  source_id?: unknown;
  source_type?: unknown;
}

/**
 * One document per article and locale: the replay groups versions by id, so two languages of
 * one article must never share an id (the French text would read as the English text's successor).
 */
export const zendeskArticleId = (articleId: string, locale: string | undefined) => `zendesk-article-${articleId}${locale ? `/${locale}` : ''}`;

/**
 * The text as of `since`: the replay treats a document as known from that date on, so it is
 * the date this text took effect (an article's edit in its locale, a translation's last update),
 * never the creation date, which would let a ticket see a text written after it.
 */
function toDoc(raw: ZendeskArticle, articleId: string, since: unknown, at: SourceLocation): ReadItem {
  const locale = str(raw.locale);
  const id = zendeskArticleId(articleId, locale);
  const located = { ...at, id };
  if (raw.draft === true) return { type: 'skip', at: located, reason: 'a draft: never published, not knowledge a reply may quote' };
  const html = str(raw.body);
  const body = html ? normalizeWhitespace(htmlToText(html)) : '';
  if (body === '') return { type: 'skip', at: located, reason: 'the article has no text' };
  const warnings: string[] = [];
  const doc: KnowledgeDoc = { id, kind: 'article', title: str(raw.title) ?? id, body };
  const url = str(raw.html_url);
  if (url) doc.url = url;
  if (locale) doc.locale = locale;
  const updatedAt = toIsoDate(since) ?? toIsoDate(raw.updated_at);
  if (updatedAt) doc.updatedAt = updatedAt;
  else warnings.push('no readable updated date: the replay treats the article as known at every date');
  const tags = [...splitTags(raw.label_names), ...(raw.outdated === true ? ['outdated'] : [])];
  if (tags.length > 0) doc.tags = tags;
  return recordItem('knowledge', doc, located, warnings);
}

function articleItem(raw: ZendeskArticle, at: SourceLocation): ReadItem {
  const id = str(raw.id);
  if (!id) return { type: 'skip', at, reason: 'an article without its id (field "id")' };
  return toDoc(raw, id, raw.edited_at, at);
}

function translationItem(raw: ZendeskTranslation, at: SourceLocation): ReadItem {
  const sourceType = str(raw.source_type)?.toLowerCase();
  if (sourceType && sourceType !== 'article') return { type: 'skip', at, reason: `a translation of a ${sourceType}, not of an article: section and category names are not knowledge` };
  const articleId = str(raw.source_id);
  if (!articleId) return { type: 'skip', at, reason: 'a translation without its article (field "source_id")' };
  return toDoc(raw, articleId, raw.updated_at, at);
}

/** An article or a translation, told apart by the field only a translation has. */
function toItem(value: unknown, at: SourceLocation): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected an article or translation object' };
  return 'source_id' in value ? translationItem(value as ZendeskTranslation, at) : articleItem(value as ZendeskArticle, at);
}

export const zendeskArticlesReader: Reader = {
  name: 'zendesk-articles',
  description:
    'Zendesk Guide help-center articles ({articles: [...]}) and their translations ({translations: [...]}): one document per article and locale, dated when its text last changed',
  kinds: ['knowledge'],
  detect(probe) {
    if (probe.isDirectory || probe.ext !== '.json') return 0;
    const head = probe.head;
    if (/"articles"\s*:\s*\[/.test(head) && (head.includes('"source_locale"') || head.includes('"section_id"'))) return 0.95;
    return /"translations"\s*:\s*\[/.test(head) && head.includes('"source_type"') && head.includes('"source_id"') ? 0.95 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['articles', 'translations'], toItem);
  },
};
