import type { Answer, Responder } from '../types.ts';

/** Asks every part and keeps the most confident reply; escalates when none replies. */
export function createCompositeResponder(parts: Responder[], id = `composite(${parts.map((part) => part.id).join('+')})`): Responder {
  return {
    id,
    async respond(context) {
      const started = performance.now();
      const answers = await Promise.all(parts.map((part) => part.respond(context)));
      const replies = answers.filter((answer) => answer.decision === 'reply' && !answer.error);
      const pool = replies.length > 0 ? replies : answers;
      const best = pool.reduce((top, answer) => (answer.confidence > top.confidence ? answer : top));
      const merged: Answer = { ...best, latencyMs: performance.now() - started };
      if (replies.length === 0) merged.decision = 'escalate';
      return merged;
    },
  };
}
