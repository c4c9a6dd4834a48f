import { htmlToText, normalizeWhitespace } from '../text/clean.ts';
import { isObject, str, toIsoDate } from '../normalize.ts';
import { recordItem, type ReadItem, type Reader, type SourceLocation } from '../reader.ts';
import type { KnowledgeDoc } from '../records.ts';
import { jsonItems } from './_json-records.ts';

/**
 * Field names from the Gorgias Help Center API's article list
 * (`GET /api/help-center/help-centers/{help_center_id}/articles?locale=…`): each article comes
 * with its translation in the locale asked for.
 */
interface GorgiasArticleTranslation {
  locale?: unknown;
  title?: unknown;
  excerpt?: unknown;
  content?: unknown;
  slug?: unknown;
  created_datetime?: unknown;
  updated_datetime?: unknown;
  deleted_datetime?: unknown;
}

interface GorgiasArticle {
  id?: unknown;
  help_center_id?: unknown;
  created_datetime?: unknown;
  updated_datetime?: unknown;
  translation?: GorgiasArticleTranslation | null;
}

/** One document per article and locale, as for Zendesk: two languages of an article are not two versions of one text. */
export const gorgiasArticleId = (articleId: string, locale: string | undefined) => `gorgias-article-${articleId}${locale ? `/${locale}` : ''}`;

function toItem(value: unknown, at: SourceLocation): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected an article object' };
  const raw = value as GorgiasArticle;
  const articleId = str(raw.id);
  if (!articleId) return { type: 'skip', at, reason: 'an article without its id (field "id")' };
  const translation = isObject(raw.translation) ? (raw.translation as GorgiasArticleTranslation) : undefined;
  const locale = str(translation?.locale);
  const id = gorgiasArticleId(articleId, locale);
  const located = { ...at, id };
  if (!translation) return { type: 'skip', at: located, reason: 'the article has no translation in the locale listed (field "translation")' };
  if (str(translation.deleted_datetime)) return { type: 'skip', at: located, reason: 'a deleted translation: no longer on the help center' };
  const html = str(translation.content) ?? str(translation.excerpt);
  const body = html ? normalizeWhitespace(htmlToText(html)) : '';
  if (body === '') return { type: 'skip', at: located, reason: 'the article has no text' };

  const warnings: string[] = [];
  const doc: KnowledgeDoc = { id, kind: 'article', title: str(translation.title) ?? id, body };
  if (locale) doc.locale = locale;
  // The translation's own date is when this text took effect; the article's moves with any locale.
  const updatedAt = toIsoDate(translation.updated_datetime) ?? toIsoDate(raw.updated_datetime);
  if (updatedAt) doc.updatedAt = updatedAt;
  else warnings.push('no readable updated date: the replay treats the article as known at every date');
  return recordItem('knowledge', doc, located, warnings);
}

export const gorgiasHelpCenterReader: Reader = {
  name: 'gorgias-help-center',
  description: 'Gorgias Help Center articles ({data: [...]} pages, each article with its translation): one document per article and locale, dated when its text last changed',
  kinds: ['knowledge'],
  detect(probe) {
    if (probe.isDirectory || probe.ext !== '.json') return 0;
    const head = probe.head;
    return /"data"\s*:\s*\[/.test(head) && head.includes('"help_center_id"') && /"translation"\s*:\s*[{n]/.test(head) ? 0.95 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, ['data'], toItem);
  },
};
