import { z } from 'zod';
import { candidateId, defineResponder } from '../../eval/responders/define.ts';
import { RESPONDERS, responderMap } from '../../eval/responders/index.ts';

/** A candidate kind that exists only in tests: one definition here, one entry in a copy of the map. */
export const echo = defineResponder({
  name: 'echo',
  summary: "repeats the customer's question back, to prove a new kind needs one file and one map line",
  options: z.strictObject({ id: candidateId.optional(), prefix: z.string().default('Re: ') }),
  create: ({ id, prefix }) => ({
    id: id ?? 'echo',
    respond: async (context) => {
      const text = context.ticket.question.trim();
      return text === ''
        ? { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 0, reason: 'nothing to repeat' }
        : { decision: 'reply', text: `${prefix}${text}`, confidence: 0.5, sources: [], latencyMs: 0 };
    },
  }),
});

export const WITH_ECHO = responderMap([...Object.values(RESPONDERS), echo]);
