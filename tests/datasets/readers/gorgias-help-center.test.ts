import { describe, expect, it } from 'vitest';
import { detectReader, probePath } from '../../../datasets/readers/index.ts';
import { KnowledgeDocSchema, type KnowledgeDoc } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { read, records, skips } from './_read.ts';

const tempDir = useTempDir();

const translation = (locale: string, title: string, content: string, updated: string, extra: Record<string, unknown> = {}) => ({
  article_id: 0, locale, title, excerpt: '', content, slug: 'x', seo_meta: { title: null, description: null }, visibility_status: 'PUBLIC',
  created_datetime: '2024-01-01T00:00:00+00:00', updated_datetime: updated, deleted_datetime: null, ...extra,
});

/** A page of GET /api/help-center/help-centers/3/articles?locale=… as pull writes it. */
const page = (locale: string, articles: unknown[]) =>
  JSON.stringify({ data: articles, object: 'list', meta: { page: 1, per_page: 100, current_page: `/api/help-center/help-centers/3/articles?locale=${locale}`, item_count: articles.length, nb_pages: 1 } }, null, 1);

const article = (id: number, value: unknown) => ({ id, help_center_id: 3, category_id: 12, unlisted_id: 'abc', available_locales: ['en-US', 'fr-FR'], created_datetime: '2024-01-01T00:00:00+00:00', updated_datetime: '2025-09-01T00:00:00+00:00', translation: value });

describe('gorgias-help-center reader', () => {
  it('makes each article in the locale listed a document, dated by its translation, the HTML as text', async () => {
    const dir = await tempDir();
    const english = await writeTemp(dir, 'articles-3_en-US-001.json', page('en-US', [
      article(201, translation('en-US', 'Return policy', '<h2>Returns</h2><p>You have <strong>30 days</strong> to return an item.</p>', '2025-02-01T10:00:00+00:00')),
      article(202, translation('en-US', 'Gone', '<p>old</p>', '2024-02-01T10:00:00+00:00', { deleted_datetime: '2025-01-01T00:00:00+00:00' })),
      article(203, null),
      article(204, translation('en-US', 'Blank', '<p>&nbsp;</p>', '2024-02-01T10:00:00+00:00')),
      { help_center_id: 3, translation: translation('en-US', 'No id', '<p>x</p>', '2024-02-01T10:00:00+00:00') },
    ]));
    const french = await writeTemp(dir, 'articles-3_fr-FR-001.json', page('fr-FR', [
      article(201, translation('fr-FR', 'Politique de retour', '<p>Vous avez <em>30 jours</em> pour retourner un article.</p>', '2025-03-01T10:00:00+02:00')),
    ]));

    const items = await read('gorgias-help-center', english);
    expect(records<KnowledgeDoc>(items)).toEqual([
      { id: 'gorgias-article-201/en-US', kind: 'article', title: 'Return policy', body: 'Returns\n\nYou have 30 days to return an item.', locale: 'en-US', updatedAt: '2025-02-01T10:00:00.000Z' },
    ]);
    expect(skips(items).map(([, reason]) => reason)).toEqual([
      'a deleted translation: no longer on the help center',
      'the article has no translation in the locale listed (field "translation")',
      'the article has no text',
      'an article without its id (field "id")',
    ]);

    // The French translation of the same article is a document of its own, with its own date.
    const [doc] = records<KnowledgeDoc>(await read('gorgias-help-center', french));
    expect(doc).toEqual({ id: 'gorgias-article-201/fr-FR', kind: 'article', title: 'Politique de retour', body: 'Vous avez 30 jours pour retourner un article.', locale: 'fr-FR', updatedAt: '2025-03-01T08:00:00.000Z' });
    expect(KnowledgeDocSchema.safeParse(doc).success).toBe(true);
  });

  it('is detected from the articles pages, and the Gorgias tickets and macros pages are not taken for it', async () => {
    const dir = await tempDir();
    const articles = await writeTemp(dir, 'articles-3_en-US-001.json', page('en-US', [article(201, translation('en-US', 'Return policy', '<p>30 days</p>', '2025-02-01T10:00:00+00:00'))]));
    expect(detectReader(await probePath(articles)).name).toBe('gorgias-help-center');
    const macros = await writeTemp(dir, 'macros-000001.json', JSON.stringify({ data: [{ id: 9, name: 'WISMO', actions: [{ name: 'setResponseText', arguments: { body_text: 'On its way' } }] }], meta: { next_cursor: null } }));
    expect(detectReader(await probePath(macros)).name).toBe('gorgias-macros');
  });
});
