import { describe, expect, it } from 'vitest';
import { detectReader, probePath } from '../../../datasets/readers/index.ts';
import { KnowledgeDocSchema, type KnowledgeDoc } from '../../../datasets/records.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { read, records, skips } from './_read.ts';

const tempDir = useTempDir();

/** A page of GET /api/v2/help_center/articles.json as Zendesk sends it (cursor pagination). */
const ARTICLES_PAGE = JSON.stringify({
  articles: [
    {
      id: 360001, url: 'https://acme.zendesk.com/api/v2/help_center/en-us/articles/360001.json', html_url: 'https://acme.zendesk.com/hc/en-us/articles/360001-Shipping-times',
      author_id: 9, comments_disabled: false, draft: false, promoted: false, position: 0, vote_sum: 2, vote_count: 2, section_id: 77, user_segment_id: null, permission_group_id: 1,
      content_tag_ids: [], label_names: ['shipping', 'delays'], title: 'Shipping times', source_locale: 'en-us', locale: 'en-us', outdated: false, outdated_locales: ['fr'],
      edited_at: '2025-03-01T09:00:00Z', created_at: '2024-01-10T08:00:00Z', updated_at: '2025-06-01T10:00:00Z',
      body: '<h2>How long?</h2><p>We ship within <strong>48&nbsp;hours</strong>.</p><ul><li>Europe: 3 days</li></ul>',
    },
    {
      id: 360002, html_url: 'https://acme.zendesk.com/hc/fr/articles/360002', section_id: 77, title: 'Retours', source_locale: 'fr', locale: 'fr', draft: false,
      label_names: [], created_at: '2024-02-01T08:00:00Z', updated_at: '2024-05-01T08:00:00Z', edited_at: '2024-05-01T08:00:00Z',
      body: '<p>Vous avez <em>30 jours</em> pour retourner un article.</p>',
    },
    { id: 360003, section_id: 77, title: 'Promo de Noël (brouillon)', locale: 'fr', source_locale: 'fr', draft: true, body: '<p>-20 % sur tout</p>', created_at: '2025-11-01T08:00:00Z', updated_at: '2025-11-01T08:00:00Z' },
    { id: 360004, section_id: 77, title: 'Empty', locale: 'en-us', source_locale: 'en-us', draft: false, body: '<p> </p>', created_at: '2025-01-01T08:00:00Z', updated_at: '2025-01-01T08:00:00Z' },
    { section_id: 77, title: 'No id', locale: 'en-us', body: '<p>text</p>' },
  ],
  meta: { has_more: false, after_cursor: null, before_cursor: null },
  links: { first: null, last: null, next: null, prev: null },
}, null, 1);

/** A page of GET /api/v2/help_center/articles/360001/translations.json. */
const TRANSLATIONS_PAGE = JSON.stringify({
  translations: [
    { id: 11, url: 'https://acme.zendesk.com/api/v2/help_center/articles/360001/translations/en-us.json', html_url: 'https://acme.zendesk.com/hc/en-us/articles/360001-Shipping-times', source_id: 360001, source_type: 'Article', locale: 'en-us', title: 'Shipping times', body: '<p>We ship within 48 hours.</p>', outdated: false, draft: false, hidden: false, created_at: '2024-01-10T08:00:00Z', updated_at: '2025-03-01T09:00:00Z', updated_by_id: 9, created_by_id: 9 },
    { id: 12, html_url: 'https://acme.zendesk.com/hc/fr/articles/360001-Delais-de-livraison', source_id: 360001, source_type: 'Article', locale: 'fr', title: 'Délais de livraison', body: '<p>Nous expédions sous 48&nbsp;h.</p>', outdated: true, draft: false, created_at: '2024-01-12T08:00:00Z', updated_at: '2024-02-02T08:00:00Z' },
    { id: 13, source_id: 360001, source_type: 'Article', locale: 'de', title: 'Lieferzeiten', body: '<p>Entwurf</p>', outdated: false, draft: true, created_at: '2025-01-12T08:00:00Z', updated_at: '2025-01-12T08:00:00Z' },
    { id: 14, source_id: 77, source_type: 'Section', locale: 'fr', title: 'Livraison', body: '', created_at: '2024-01-12T08:00:00Z', updated_at: '2024-01-12T08:00:00Z' },
  ],
  meta: { has_more: false, after_cursor: null, before_cursor: null },
  links: { next: null, prev: null },
}, null, 1);

describe('zendesk-articles reader', () => {
  it('makes each published article a document in its locale, dated by its last edit, the HTML as text', async () => {
    const path = await writeTemp(await tempDir(), 'articles-000001.json', ARTICLES_PAGE);
    const items = await read('zendesk-articles', path);
    const docs = records<KnowledgeDoc>(items);
    // English: the text as of its last edit in its own locale (not `updated_at`, which votes and label changes move).
    expect(docs[0]).toEqual({
      id: 'zendesk-article-360001/en-us',
      kind: 'article',
      title: 'Shipping times',
      body: 'How long?\n\nWe ship within 48 hours.\n\n* Europe: 3 days',
      url: 'https://acme.zendesk.com/hc/en-us/articles/360001-Shipping-times',
      locale: 'en-us',
      updatedAt: '2025-03-01T09:00:00.000Z',
      tags: ['shipping', 'delays'],
    });
    // French.
    expect(docs[1]).toMatchObject({ id: 'zendesk-article-360002/fr', locale: 'fr', title: 'Retours', body: 'Vous avez 30 jours pour retourner un article.', updatedAt: '2024-05-01T08:00:00.000Z' });
    expect(docs).toHaveLength(2);
    for (const doc of docs) expect(KnowledgeDocSchema.safeParse(doc).success).toBe(true);
    expect(skips(items).map(([, reason]) => reason)).toEqual([
      'a draft: never published, not knowledge a reply may quote',
      'the article has no text',
      'an article without its id (field "id")',
    ]);
    // Every record in the page is accounted for, with its id where it has one.
    expect(items.map((item) => item.at.id)).toEqual(['zendesk-article-360001/en-us', 'zendesk-article-360002/fr', 'zendesk-article-360003/fr', 'zendesk-article-360004/en-us', undefined]);
  });

  it('makes each translation a document of its own: one id per article and locale, dated by the translation', async () => {
    const path = await writeTemp(await tempDir(), 'translations-360001-001.json', TRANSLATIONS_PAGE);
    const items = await read('zendesk-articles', path);
    const docs = records<KnowledgeDoc>(items);
    expect(docs.map((doc) => [doc.id, doc.locale, doc.title, doc.body, doc.updatedAt, doc.tags])).toEqual([
      ['zendesk-article-360001/en-us', 'en-us', 'Shipping times', 'We ship within 48 hours.', '2025-03-01T09:00:00.000Z', undefined],
      // French, marked outdated: its source text changed after it was translated.
      ['zendesk-article-360001/fr', 'fr', 'Délais de livraison', 'Nous expédions sous 48 h.', '2024-02-02T08:00:00.000Z', ['outdated']],
    ]);
    expect(docs[1]?.url).toBe('https://acme.zendesk.com/hc/fr/articles/360001-Delais-de-livraison');
    expect(skips(items).map(([, reason]) => reason)).toEqual([
      'a draft: never published, not knowledge a reply may quote',
      'a translation of a section, not of an article: section and category names are not knowledge',
    ]);
  });

  it('is detected from the pages pull writes, and tickets pages are not taken for articles', async () => {
    const dir = await tempDir();
    expect(detectReader(await probePath(await writeTemp(dir, 'articles-000001.json', ARTICLES_PAGE))).name).toBe('zendesk-articles');
    expect(detectReader(await probePath(await writeTemp(dir, 'translations-360001-001.json', TRANSLATIONS_PAGE))).name).toBe('zendesk-articles');
    const tickets = JSON.stringify({ tickets: [{ id: 1, requester_id: 2, created_at: '2025-01-01T00:00:00Z', via: { channel: 'email' }, description: 'Hello' }], after_cursor: null, end_of_stream: true });
    expect(detectReader(await probePath(await writeTemp(dir, 'tickets-000001.json', tickets))).name).toBe('zendesk-json');
  });
});
