import { Random } from '../../datasets/text/random.ts';
import type { Verdict } from '../../eval/judges/types.ts';
import type { ExplorerTicket, RunReport } from '../../eval/metrics/run-report.ts';

/**
 * Hand-made runs for the gate: one candidate's verdict per ticket, shaped like a committed
 * baseline (verdicts and ids, no text). Only what a comparison reads is filled in; the rest of a
 * RunReport (pricing, gaps…) is left out, hence the cast.
 */

export interface HandTicket {
  ticketId: string;
  verdict: Verdict;
  sent?: boolean;
  language?: 'fr' | 'en';
}

/** Every ticket closed after one reply in history, so a sent correct answer is automated. */
export function handReport(tickets: readonly HandTicket[], candidate = 'bot'): RunReport {
  const explorer: ExplorerTicket[] = tickets.map(({ ticketId, verdict, sent = true, language = 'en' }) => ({
    ticketId,
    createdAt: '2026-06-01T00:00:00.000Z',
    channel: 'email',
    language,
    tags: [],
    subject: '',
    question: '',
    humanReply: '',
    answers: [{ candidate, decision: sent ? 'reply' : 'escalate', sent, text: '', confidence: 0.9, verdict, outcome: !sent ? 'agent-only' : verdict === 'correct' ? 'automated' : 'ai-then-agent', judges: [], sources: [] }],
  }));
  const partial = { schemaVersion: 1, run: { workspace: '', candidates: [candidate] }, metrics: { seed: 42, candidates: [{ candidate }] }, tickets: explorer };
  return partial as unknown as RunReport;
}

/** `count` tickets, alternately French and English, correct with a fixed seeded share, wrong otherwise. */
export function handTickets(count: number, correctShare: number, seed: number): HandTicket[] {
  const random = new Random(seed);
  return Array.from({ length: count }, (_, index) => ({
    ticketId: `t${String(index).padStart(4, '0')}`,
    verdict: random.chance(correctShare) ? 'correct' : 'wrong',
    language: index % 2 === 0 ? 'fr' : 'en',
  }));
}

/** The same tickets with a seeded share turned wrong: an answer that got worse on those tickets. */
export function withWrongShare(tickets: readonly HandTicket[], share: number, seed: number): HandTicket[] {
  const random = new Random(seed);
  return tickets.map((ticket) => (random.chance(share) ? { ...ticket, verdict: 'wrong' } : ticket));
}
