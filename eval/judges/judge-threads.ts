import { availableParallelism } from 'node:os';
import { startRequestThread } from '../../threads.ts';
import type { JudgeCase } from './define.ts';
import { createJudges, judgeCase } from './index.ts';
import { judgeKeyFacts } from './key-facts.ts';
import type { JudgeScore } from './types.ts';

/** A case as judging is handed it: its key facts are read where it is judged. */
export type CaseToJudge = Omit<JudgeCase, 'facts'>;

/**
 * From this many answers a second thread judges the tickets of the second half: its start costs
 * 0.3 s of CPU compiled, about 1.5 s from the sources, what judging 300–1,500 answers takes.
 */
export const JUDGED_ON_TWO_THREADS_FROM = 2_000;

/** Each case's scores, judged on the calling thread. */
export function judgeCases(cases: readonly CaseToJudge[]): JudgeScore[][] {
  const judging = createJudges();
  return cases.map((input) => judgeCase(judging, { ...input, facts: judgeKeyFacts(input.wanted, input.said, { products: input.products, ...(input.language && { language: input.language }) }) }));
}

/**
 * Each case's scores, in their order. A large run's tickets are split in two, each ticket's cases
 * on one thread (its candidates share the memos of its agent's reply and question): the first
 * half judged here while a worker thread judges the second. The same scores either way: every
 * judge is a function of its case.
 */
export async function judgeAll(cases: ReadonlyArray<{ ticketId: string; input: CaseToJudge }>, options: { threads?: number } = {}): Promise<JudgeScore[][]> {
  const threads = options.threads ?? (cases.length >= JUDGED_ON_TWO_THREADS_FROM && availableParallelism() > 1 ? 2 : 1);
  if (threads === 1) return judgeCases(cases.map(({ input }) => input));
  const tickets = [...new Set(cases.map(({ ticketId }) => ticketId))];
  const away = new Set(tickets.slice(Math.ceil(tickets.length / 2)));
  const [there, here] = [cases.filter(({ ticketId }) => away.has(ticketId)), cases.filter(({ ticketId }) => !away.has(ticketId))];
  // The worker starts and judges its half while this thread judges the other.
  const started = startRequestThread<CaseToJudge[], JudgeScore[][], null>(new URL('./judge-worker.ts', import.meta.url), undefined, 'judging');
  const asked = started.then(({ thread }) => thread.ask(there.map(({ input }) => input)));
  // Awaited below; a failure here first must not go unhandled meanwhile.
  asked.catch(() => undefined);
  let judgedHere: JudgeScore[][];
  let judgedThere: JudgeScore[][];
  try {
    judgedHere = judgeCases(here.map(({ input }) => input));
    judgedThere = await asked;
  } finally {
    await started.then(({ thread }) => thread.stop(), () => undefined);
  }
  const scores = new Map([...here.map((entry, index) => [entry, judgedHere[index]!] as const), ...there.map((entry, index) => [entry, judgedThere[index]!] as const)]);
  return cases.map((entry) => scores.get(entry)!);
}
