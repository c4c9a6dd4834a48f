import { z } from 'zod';
import { defineJudge } from './define.ts';
import type { FactComparison } from './key-facts.ts';
import type { JudgeScore } from './types.ts';

/** Kept apart from recall: an answer that omits the agent's figure is incomplete, one that contradicts it is wrong. */
export function judgeConflicts(comparison: FactComparison): JudgeScore {
  if (comparison.reference.length === 0 || comparison.answer.length === 0) return { judge: 'conflicts', score: null, reason: 'no facts on both sides to contradict each other' };
  const [first] = comparison.conflicts;
  if (!first) return { judge: 'conflicts', score: 1, reason: 'no stated fact contradicts the agent' };
  return { judge: 'conflicts', score: 0, reason: `${first.slot}: the agent said ${first.reference.join(', ')}, the answer says ${first.answer.join(', ')}` };
}

export const conflicts = defineJudge({
  name: 'conflicts',
  summary: 'a fact the answer states that contradicts the agent’s (a 14-day return window answered as 30 days) makes it wrong',
  options: z.strictObject({}),
  create: () => (input) => judgeConflicts(input.facts.comparison),
});
