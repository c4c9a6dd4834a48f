import { z } from 'zod';
import { defineJudge } from '../../eval/judges/define.ts';
import { JUDGES, judgeMap } from '../../eval/judges/index.ts';

const GREETING = /^(?:bonjour|hello|hi)\b/i;

/** A judge that exists only in tests: one definition here, one entry in a copy of the map. */
export const greets = defineJudge({
  name: 'greets',
  summary: 'the answer opens with a greeting, to prove a new judge needs one file and one map line',
  options: z.strictObject({ strict: z.boolean().default(false) }),
  create: ({ strict }) => (input) => {
    if (input.said.trim() === '') return { judge: 'greets', score: null, reason: 'no answer to read' };
    const greeted = GREETING.test(input.said.trim());
    return { judge: 'greets', score: greeted ? 1 : strict ? 0 : 0.5, reason: greeted ? 'opens with a greeting' : 'opens without a greeting' };
  },
});

export const WITH_GREETS = judgeMap([...Object.values(JUDGES), greets]);
