import { z } from 'zod';
import { defineJudge } from './define.ts';
import { fold } from './key-facts.ts';
import { textReader } from './recent.ts';
import type { JudgeScore } from './types.ts';

/**
 * Wording judge: how much of the agent's reply the answer says in the same words (F1 over word
 * counts, accents and case folded). A near-verbatim copy of what the agent sent is checked
 * evidence that it says the same thing, which a closeness of meaning is not: a reply about a
 * neighbouring product shares the topic, not the words.
 */

/** A text's words with how often each occurs, and how many words it has. */
interface WordCounts {
  counts: ReadonlyMap<string, number>;
  total: number;
}

function wordCounts(text: string): WordCounts {
  return recentCounts(text, () => countWords(text));
}

/** The agent's reply is counted once, not once per candidate. */
const recentCounts = textReader<WordCounts>();

function countWords(text: string): WordCounts {
  const words = fold(text).match(/[a-z0-9]+/g) ?? [];
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return { counts, total: words.length };
}

export function judgeWording(reference: string, answer: string): JudgeScore {
  const wanted = wordCounts(reference);
  const said = wordCounts(answer);
  if (wanted.total === 0 || said.total === 0) return { judge: 'wording', score: null, reason: 'no words to compare' };
  let shared = 0;
  // forEach, not for…of: the loop made a [word, count] array per word (57 MB at 10k tickets).
  said.counts.forEach((count, word) => (shared += Math.min(count, wanted.counts.get(word) ?? 0)));
  const score = (2 * shared) / (wanted.total + said.total);
  return { judge: 'wording', score, reason: `${Math.round(score * 100)}% of the wording is the agent's (${shared} of ${wanted.total} words)` };
}

export const wording = defineJudge({
  name: 'wording',
  summary: 'how much of the agent’s reply the answer says in the same words (a near copy is checked evidence; closeness of meaning is not)',
  options: z.strictObject({}),
  create: () => (input) => judgeWording(input.wanted, input.said),
});
