import { z } from 'zod';
import { detectActionClaims } from './actions.ts';
import { defineJudge, type JudgedAnswer } from './define.ts';
import type { JudgeScore } from './types.ts';

/** Text cannot refund, ship or create a code: a claimed action stands only when a tool did it. */
export function judgeActionsDone(answer: JudgedAnswer, language: string | undefined): JudgeScore {
  const claims = detectActionClaims(answer.text, language);
  if (claims.length === 0) return { judge: 'actions', score: null, reason: 'claims no action in another system' };
  const done = new Set((answer.actions ?? []).filter((action) => action.ok).map((action) => action.kind));
  const undone = claims.find((claim) => !done.has(claim.kind));
  if (!undone) return { judge: 'actions', score: 1, reason: `claims ${claims.map((claim) => claim.kind).join(', ')}, each done through a tool` };
  return { judge: 'actions', score: 0, reason: `${undone.form === 'done' ? 'says' : 'promises'} "${undone.excerpt}" (${undone.kind}) but did nothing in another system: a human has to` };
}

export const actions = defineJudge({
  name: 'actions',
  summary: 'a refund, a shipment, a code… the answer claims or promises must have been done through a tool, or a human has to',
  options: z.strictObject({}),
  create: () => (input) => judgeActionsDone(input.answer, input.language),
});
