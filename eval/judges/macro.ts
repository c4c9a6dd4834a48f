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
