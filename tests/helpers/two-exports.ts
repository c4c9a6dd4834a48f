import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ticket } from '../../datasets/records.ts';

/**
 * Two exports of one helpdesk, as a brand re-exports after cleaning up: B drops two tickets of A
 * (an English and a French one, each holding a card number) and adds one A never had. Replayed
 * against A's index, B's tickets would still find the dropped ones.
 */

const at = (day: number, hour = 9) => new Date(Date.UTC(2025, 0, day, hour)).toISOString();

export const CARD_NUMBER = '4970 1012 3456 7890';
/** In A only: deleted from the helpdesk before B was exported. */
export const REMOVED = ['card-en', 'card-fr'];
/** In B only. */
export const ADDED = 'refund-b';

function ticket(id: string, day: number, language: 'en' | 'fr', subject: string, question: string, answer: string): Ticket {
  return {
    id,
    source: 'test',
    createdAt: at(day),
    closedAt: at(day, 15),
    channel: 'email',
    language,
    subject,
    customer: { email: `${id}@example.com`, name: 'Ana Rossi' },
    tags: [],
    messages: [
      { role: 'customer', sentAt: at(day), text: question },
      { role: 'agent', sentAt: at(day, 14), text: answer },
    ],
  };
}

const removed = [
  ticket('card-en', 1, 'en', 'Charged twice', `My card ${CARD_NUMBER} was charged twice for order #ML2001, please refund one.`, 'We refunded the duplicate charge on your card.'),
  ticket('card-fr', 2, 'fr', 'Débitée deux fois', `Ma carte ${CARD_NUMBER} a été débitée deux fois pour la commande #ML2002, merci de rembourser.`, 'Nous avons remboursé le double débit sur votre carte.'),
];

const kept = [
  ticket('parcel-en', 3, 'en', 'Where is my parcel', 'Where is my parcel? It has not arrived yet.', 'Your parcel left our warehouse yesterday.'),
  ticket('parcel-fr', 4, 'fr', 'Où est mon colis', "Où est mon colis ? Il n'est toujours pas arrivé.", 'Votre colis a quitté notre entrepôt hier.'),
  ticket('return-en', 6, 'en', 'Return an item', 'How many days do I have to return an item?', 'You have 30 days to return any item.'),
  ticket('return-fr', 7, 'fr', 'Retourner un article', 'Combien de jours pour retourner un article ?', 'Vous avez 30 jours pour retourner un article.'),
  // Replayed: each asks what a removed ticket asked.
  ticket('ask-en', 20, 'en', 'Charged twice on my card', 'I was charged twice on my card for my order, can you refund the duplicate charge?', 'The duplicate charge is refunded.'),
  ticket('ask-fr', 21, 'fr', 'Carte débitée deux fois', "Ma carte a été débitée deux fois pour ma commande, pouvez-vous rembourser le double débit ?", 'Le double débit est remboursé.'),
];

const added = ticket(ADDED, 5, 'en', 'Double charge refund', 'My card was charged twice, refund the double charge please.', 'The double charge was refunded to your card.');

/** Writes both exports into `dir`; returns their paths. */
export async function writeTwoExports(dir: string): Promise<{ a: string; b: string }> {
  const a = join(dir, 'export-a.jsonl');
  const b = join(dir, 'export-b.jsonl');
  await writeFile(a, [...removed, ...kept].map((record) => JSON.stringify(record)).join('\n'));
  await writeFile(b, [added, ...kept].map((record) => JSON.stringify(record)).join('\n'));
  return { a, b };
}
