import { ShadowdeskError } from '../../errors.ts';
import type { Responder } from '../types.ts';
import { createCompositeResponder } from './composite.ts';
import { createKnowledgeBaseResponder } from './knowledge-base.ts';
import { createMacroResponder } from './macro.ts';
import { createOracleResponder } from './oracle.ts';
import { createPastTicketResponder } from './past-ticket.ts';

/** The built-in candidates, by the name a run or config uses. */
export const RESPONDERS = {
  'knowledge-base': () => createKnowledgeBaseResponder(),
  'past-ticket': () => createPastTicketResponder(),
  macro: () => createMacroResponder(),
  composite: () => createCompositeResponder([createPastTicketResponder(), createMacroResponder(), createKnowledgeBaseResponder()], 'composite'),
  /** Sends the agent's own reply: the judge's noise floor, not a candidate to deploy. */
  oracle: () => createOracleResponder(),
} as const satisfies Record<string, () => Responder>;

export function responderFor(name: string): Responder {
  if (!Object.hasOwn(RESPONDERS, name)) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `unknown candidate "${name}"; built-in candidates: ${Object.keys(RESPONDERS).join(', ')}`);
  }
  return RESPONDERS[name as keyof typeof RESPONDERS]();
}
