import { createHash } from 'node:crypto';
import type { Ticket } from '../../datasets/records.ts';
import { startFakeEndpoint, type FakeEndpoint, type RecordedRequest } from './llm-server.ts';
import { indexedWorkspace } from './replay-workspace.ts';

/**
 * A non-deterministic LLM candidate for repeated runs: a real OpenAI-compatible server on
 * 127.0.0.1 that, on each call for a ticket, sends the agent's real reply or, with a seeded
 * chance, a wrong one. The draw depends on the seed, the ticket and how many times that ticket
 * was asked before, so two servers of the same seed answer a run the same, and every try of a
 * ticket is a new draw. It records which replies were real, per ticket, for hand computations.
 */

const at = (day: number, hour = 9) => new Date(Date.UTC(2025, 2, day, hour)).toISOString();

/** Return and delivery questions, half in French, half in English, each closed by the agent's one reply that the article supports. */
const TOPICS = {
  fr: {
    article: { title: 'Retours et livraison', body: 'Vous pouvez retourner un article sous 30 jours depuis votre espace client, rubrique Mes commandes. La livraison en France prend 2 à 3 jours ouvrés.' },
    question: (index: number) => `Bonjour, puis-je encore retourner la bougie commandée il y a ${index + 3} jours ? Comment faire ?`,
    subject: (index: number) => `Retour de ma bougie n°${index}`,
    reply: 'Bonjour,\n\nOui, vous pouvez retourner un article sous 30 jours depuis votre espace client, rubrique Mes commandes.',
    wrong: 'Bonjour,\n\nNous ne reprenons aucun article : les retours sont impossibles.',
    thanks: 'Merci beaucoup !',
  },
  en: {
    article: { title: 'Returns and delivery', body: 'You can return an item within 30 days from your account, under My orders. Delivery in France takes 2 to 3 working days.' },
    question: (index: number) => `Hello, can I still return the candle I ordered ${index + 3} days ago? How do I do it?`,
    subject: (index: number) => `Return of my candle no. ${index}`,
    reply: 'Hello,\n\nYes, you can return an item within 30 days from your account, under My orders.',
    wrong: 'Hello,\n\nWe do not take anything back: returns are not possible.',
    thanks: 'Thanks a lot!',
  },
} as const;

export type Language = keyof typeof TOPICS;

function ticket(index: number, language: Language): Ticket {
  const topic = TOPICS[language];
  return {
    id: `${language}-${String(index).padStart(2, '0')}`,
    source: 'test',
    createdAt: at(index + 2),
    closedAt: at(index + 2, 15),
    channel: 'email',
    language,
    subject: topic.subject(index),
    customer: { email: `r${index}@example.com`, name: 'Camille Durand' },
    tags: ['return'],
    messages: [
      { role: 'customer', sentAt: at(index + 2), text: topic.question(index) },
      { role: 'agent', sentAt: at(index + 2, 14), text: topic.reply },
    ],
  };
}

/** Imports and indexes `count` tickets (alternately French and English) and the article in each language into `dir/ws`. */
export async function buildRepeatWorkspace(dir: string, count: number): Promise<string> {
  const records = [
    ...Array.from({ length: count }, (_, index) => ticket(index, index % 2 === 0 ? 'fr' : 'en')),
    ...(['fr', 'en'] as const).map((language) => ({ id: `returns-${language}`, kind: 'article', ...TOPICS[language].article })),
  ];
  return indexedWorkspace(dir, records);
}

export interface StochasticEndpoint extends FakeEndpoint {
  /** Per ticket subject, each call's reply in order: true when it was the agent's real reply. */
  real: Map<string, boolean[]>;
}

function subjectOf(request: RecordedRequest): string {
  return /^Subject: (.*)$/m.exec(request.body.messages[1]!.content)?.[1] ?? '';
}

/** A seeded uniform draw in [0, 1) for the n-th call of a ticket. */
function draw(seed: number, subject: string, call: number): number {
  return createHash('sha256').update(`${seed}\u0000${subject}\u0000${call}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Starts the server: each call sends the agent's reply, or a wrong one with probability `wrongShare`. */
export async function startStochasticEndpoint(seed: number, wrongShare: number): Promise<StochasticEndpoint> {
  const real = new Map<string, boolean[]>();
  const endpoint = await startFakeEndpoint((request) => {
    const subject = subjectOf(request);
    const language: Language = subject.startsWith('Retour') ? 'fr' : 'en';
    const calls = real.get(subject) ?? [];
    const isReal = draw(seed, subject, calls.length) >= wrongShare;
    real.set(subject, [...calls, isReal]);
    const answer = isReal ? TOPICS[language].reply : TOPICS[language].wrong;
    return { reply: JSON.stringify({ decision: 'reply', confidence: 0.9, answer, sources: ['K1'] }) };
  });
  return Object.assign(endpoint, { real });
}
