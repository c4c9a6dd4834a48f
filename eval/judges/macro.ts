import { z } from 'zod';
import { defineJudge } from './define.ts';
import type { JudgeScore } from './types.ts';

/** `FR - return request` and `EN - return request` are one intent in two languages. */
function intentOf(macro: string): string {
  return macro.replace(/^[a-z]{2}(?:-[a-z]{2})?\s*[-–:|]\s*/i, '').trim().toLowerCase();
}

/** Did the answer use the macro the agent used? Only where the export records the agent's macro. */
export function judgeMacro(agentMacro: string | undefined, answerMacro: string | undefined): JudgeScore {
  if (!agentMacro) return { judge: 'macro', score: null, reason: 'the export does not say which macro the agent used' };
  if (!answerMacro) return { judge: 'macro', score: null, reason: `the agent used "${agentMacro}"; the answer came from no macro` };
  const same = intentOf(agentMacro) === intentOf(answerMacro);
  return { judge: 'macro', score: same ? 1 : 0, reason: same ? `same macro as the agent ("${agentMacro}")` : `the agent used "${agentMacro}", the answer "${answerMacro}"` };
}

/**
 * Did the answer come from a past ticket of the customer's intent? Where the export labels each
 * ticket's intent (a contact-reason field, an `intent:` tag), a reply reused from a ticket of the
 * same intent is the answer an agent gives to that request.
 */
export function judgeIntent(ticketIntent: string | undefined, answerIntent: string | undefined): JudgeScore {
  if (!ticketIntent) return { judge: 'intent', score: null, reason: "the export gives no intent for this ticket" };
  if (!answerIntent) return { judge: 'intent', score: null, reason: `the ticket's intent is "${ticketIntent}"; the answer came from no ticket with one` };
  const same = ticketIntent === answerIntent;
  return { judge: 'intent', score: same ? 1 : 0, reason: same ? `reused from a ticket of the same intent ("${ticketIntent}")` : `the ticket's intent is "${ticketIntent}", the reused reply's "${answerIntent}"` };
}

export const macro = defineJudge({
  name: 'macro',
  summary: 'the macro the agent applied, where the export records it',
  options: z.strictObject({}),
  create: () => (input) => judgeMacro(input.agentMacro, input.answerMacro),
});

export const intent = defineJudge({
  name: 'intent',
  summary: 'the intent the export labelled the ticket with',
  options: z.strictObject({}),
  create: () => (input) => judgeIntent(input.ticketIntent, input.answerIntent),
});
