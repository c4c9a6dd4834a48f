import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeDoc, Ticket } from '../../datasets/records.ts';
import { fullTextColumn, openSearcher, type Searcher } from '../../pipelines/search-tables.ts';
import { indexedWorkspace } from '../helpers/replay-workspace.ts';

/** Language-aware full text, knowledge in the ticket's language first, and questions widened with the team's past answers. */

const article = (id: string, locale: string, title: string, body: string): KnowledgeDoc => ({ id, kind: 'policy', title, body, locale, url: `https://help.example/${id}` });

const KNOWLEDGE = [
  article('returns-en', 'en-US', 'Returning an item', 'You have 30 days after delivery to return an unused item. The return label is free.'),
  article('returns-fr', 'fr-FR', 'Retourner un article', "Vous disposez de 30 jours après réception pour nous retourner un article non utilisé. Le retour est gratuit."),
  article('tracking-en', 'en-US', 'Tracking my order', 'As soon as your order ships you get an e-mail with your tracking number.'),
  article('tracking-fr', 'fr-FR', 'Suivre ma commande', "Dès l'expédition de votre commande, vous recevez un e-mail avec votre numéro de suivi."),
  article('cancel-en', 'en-US', 'Cancelling an order', 'An order can be cancelled as long as it has not left the workshop.'),
  article('cancel-fr', 'fr-FR', 'Annuler une commande', "Une commande peut être annulée tant qu'elle n'a pas quitté l'atelier."),
];

const at = (day: number, hour = 9) => new Date(Date.UTC(2025, 0, day, hour)).toISOString();

/** A customer asking to send an order back in words no article uses, answered with the article's words. */
function sendBack(id: number, day: number, language: 'fr' | 'en'): Ticket {
  const [question, answer] =
    language === 'fr'
      ? ['Puis-je renvoyer ma commande ? Elle ne me plaît pas.', 'Vous disposez de 30 jours après réception pour nous retourner un article, gratuitement.']
      : ['Can I send back my order? I do not like it.', 'You have 30 days after delivery to return an item, for free.'];
  return {
    id: String(id),
    source: 'test',
    createdAt: at(day),
    closedAt: at(day, 15),
    channel: 'email',
    language,
    subject: '',
    customer: { email: `c${id}@example.com` },
    tags: [],
    messages: [
      { role: 'customer', sentAt: at(day), text: question },
      { role: 'agent', sentAt: at(day, 14), text: answer },
    ],
  };
}

describe('search in the ticket’s language', () => {
  let dir: string;
  let searcher: Searcher;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-search-language-'));
    const tickets = Array.from({ length: 12 }, (_, index) => sendBack(index + 1, 10 + index, index % 2 === 0 ? 'fr' : 'en'));
    searcher = await openSearcher(await indexedWorkspace(dir, [...tickets, ...KNOWLEDGE]));
  }, 60_000);
  afterAll(async () => {
    await searcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ids = (hits: ReadonlyArray<{ id: string }>) => hits.map((hit) => hit.id.split('@')[0]);

  it('finds a word under another form with the language’s stemmer, English when the language is unknown', async () => {
    expect(ids(await searcher.search('returns', { mode: 'fts', language: 'en' }))).toContain('returns-en');
    expect(ids(await searcher.search('returns', { mode: 'fts' }))).toContain('returns-en');
    expect(ids(await searcher.search('retours', { mode: 'fts', language: 'fr' }))).toContain('returns-fr');
  });

  it('searches the stemmed column of the ticket’s language, the language-neutral one for a language without one', () => {
    expect(fullTextColumn('knowledge', 'fr-FR')).toBe('words_fr');
    expect(fullTextColumn('tickets', 'EN')).toBe('words_en');
    expect(fullTextColumn('knowledge', undefined)).toBe('words_en');
    expect(fullTextColumn('knowledge', 'de')).toBe('text');
    expect(fullTextColumn('tickets', 'de')).toBe('question');
  });

  it('puts knowledge in the ticket’s language before knowledge in another, in French and in English', async () => {
    const query = 'commande order 30 jours days';
    for (const language of ['fr', 'en'] as const) {
      const locales = (await searcher.search(query, { language, limit: 6 })).map((hit) => hit.locale!.slice(0, 2));
      expect(locales, language).toEqual([...locales].sort((a, b) => Number(b === language) - Number(a === language)));
      expect(locales[0], language).toBe(language);
    }
  });

  it('widens a customer’s question with the team’s past answers, so the article they quote is found, in French and in English', async () => {
    const asked = { fr: 'Je voudrais renvoyer ma commande, comment faire ?', en: 'How can I send back my order?' } as const;
    for (const language of ['fr', 'en'] as const) {
      const options = { mode: 'fts' as const, asOf: at(28), language, limit: 3 };
      expect(ids(await searcher.search(asked[language], options))[0], language).not.toBe(`returns-${language}`);
      expect(ids(await searcher.search(asked[language], { ...options, pastAnswers: 3 }))[0], language).toBe(`returns-${language}`);
    }
  });

  it('searches a question unlike any past one as written, in French and in English', async () => {
    for (const [language, question] of [['fr', 'Comment annuler une commande ?'], ['en', 'Cancellation possible?']] as const) {
      const options = { asOf: at(28), language, limit: 6 };
      expect(await searcher.search(question, { ...options, pastAnswers: 5 }), language).toEqual(await searcher.search(question, options));
      expect(ids(await searcher.search(question, { ...options, pastAnswers: 5 }))[0], language).toBe(`cancel-${language}`);
    }
  });

  it('never widens with an answer given after the ticket’s date', async () => {
    // On 10 January at 08:00 no ticket had been answered: the widened search is the plain one.
    for (const [language, question] of [['fr', 'Puis-je renvoyer ma commande ?'], ['en', 'Can I send back my order?']] as const) {
      const options = { mode: 'fts' as const, asOf: at(10, 8), language, limit: 6 };
      expect(await searcher.search(question, { ...options, pastAnswers: 5 }), language).toEqual(await searcher.search(question, options));
      expect(ids(await searcher.search(question, { ...options, pastAnswers: 5 }))[0], language).not.toBe(`returns-${language}`);
    }
  });
});
