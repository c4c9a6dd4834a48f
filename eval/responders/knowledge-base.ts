import type { Answer, Responder, TicketContext } from '../types.ts';
import { confidenceFrom, greeting } from './_text.ts';
import { z } from 'zod';
import { candidateId, defineResponder, minConfidence, withId } from './define.ts';

const CUSTOMER_FACING = ['article', 'policy', 'product'] as const;

export interface KnowledgeBaseOptions {
  /** Below this confidence the ticket is escalated. @default 0.35 */
  minConfidence?: number;
}

/** Answers from the closest customer-facing article passage, like a helpdesk's native AI. */
export function createKnowledgeBaseResponder(options: KnowledgeBaseOptions = {}): Responder {
  const minConfidence = options.minConfidence ?? 0.35;
  return {
    id: 'knowledge-base',
    async respond(context: TicketContext): Promise<Answer> {
      const started = performance.now();
      const query = `${context.ticket.subject}\n${context.ticket.question}`;
      // Internal procedures are for agents and macros are templates: neither is quoted to a customer.
      const hits = await context.retrieve(query, { table: 'knowledge', kinds: CUSTOMER_FACING, mode: 'vector', limit: 5 });
      const best = hits[0];
      const latencyMs = () => performance.now() - started;
      if (!best) return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: latencyMs(), reason: 'no article existed at the ticket date' };
      const confidence = confidenceFrom(best.score);
      const passage = best.text.replace(/^#+\s.*\n+/gm, '').trim();
      const answer: Answer = {
        decision: confidence >= minConfidence ? 'reply' : 'escalate',
        text: `${greeting(context)}\n\n${passage}${best.url ? `\n\n${best.url}` : ''}`,
        confidence,
        sources: [{ type: 'knowledge', id: best.id, ...(best.url && { url: best.url }) }],
        latencyMs: latencyMs(),
      };
      if (answer.decision === 'escalate') answer.reason = `the closest article (${best.title}) is not close enough`;
      return answer;
    },
  };
}

export const knowledgeBase = defineResponder({
  name: 'knowledge-base',
  byDefault: true,
  summary: 'the closest customer-facing article passage (internal docs and macros are never quoted), as a helpdesk\'s native AI would',
  options: z.strictObject({ id: candidateId.optional(), minConfidence }),
  create: ({ id, ...options }) => withId(createKnowledgeBaseResponder(options), id),
});
