import { z } from 'zod';
import { failedAnswer, failureOf } from '../answer-failure.ts';
import { describeFailure } from '../failure-kind.ts';
import type { Answer, FailedAnswer, Responder, TicketContext, Usage } from '../types.ts';
import { candidateId, defineResponder } from './define.ts';

interface PartAnswer<A extends Answer = Answer> {
  part: string;
  answer: A;
}

/** A part that throws becomes a failed answer, so the other parts' answers survive it. */
async function askPart(part: Responder, context: TicketContext): Promise<PartAnswer> {
  const started = performance.now();
  try {
    return { part: part.id, answer: await part.respond(context) };
  } catch (error) {
    return { part: part.id, answer: failedAnswer(failureOf(error), { latencyMs: performance.now() - started }) };
  }
}

/** Every part was called, so every part is billed, the ones whose answer lost included. */
function totalUsage(answers: Answer[]): Usage | undefined {
  const billed = answers.flatMap((answer) => (answer.usage ? [answer.usage] : []));
  if (billed.length === 0) return undefined;
  return billed.reduce((sum, usage) => ({
    promptTokens: sum.promptTokens + usage.promptTokens,
    completionTokens: sum.completionTokens + usage.completionTokens,
    costUsd: sum.costUsd + usage.costUsd,
  }));
}

/** The re-run cost nothing only if every billed part was served from its cache. */
const allFromCache = (answers: Answer[]) => answers.some((answer) => answer.usage) && answers.every((answer) => !answer.usage || answer.cached === true);

const describeFailures = (failed: PartAnswer<FailedAnswer>[]) => failed.map(({ part, answer }) => `part ${part} failed: ${describeFailure(answer.failure)}`).join('; ');

const hasFailed = (asked: PartAnswer): asked is PartAnswer<FailedAnswer> => asked.answer.failure !== undefined;

/**
 * Asks every part and keeps the most confident reply; escalates when none replies. A part that throws
 * or fails is left out of the choice and named, with its failure's kind, in the answer's `reason`; the
 * answer fails only when every part failed, with the first part's kind. Its usage is the sum of all
 * parts', and its actions are the chosen part's.
 */
export function createCompositeResponder(parts: Responder[], id = `composite(${parts.map((part) => part.id).join('+')})`): Responder {
  const waiting = parts.flatMap((part) => part.concurrency ?? []);
  return {
    id,
    // Its parts are asked at once: it waits as long as its most patient part.
    ...(waiting.length > 0 && { concurrency: Math.max(...waiting) }),
    async respond(context) {
      const started = performance.now();
      const asked = await Promise.all(parts.map((part) => askPart(part, context)));
      const answers = asked.map(({ answer }) => answer);
      const failed = asked.filter(hasFailed);
      const usage = totalUsage(answers);
      const billing = { ...(usage && { usage }), ...(allFromCache(answers) && { cached: true }) };
      const latencyMs = performance.now() - started;
      const usable = answers.filter((answer) => answer.failure === undefined);
      const [firstFailed] = failed;
      if (usable.length === 0 && firstFailed) {
        return failedAnswer({ kind: firstFailed.answer.failure.kind, message: `every part failed: ${describeFailures(failed)}` }, { ...billing, latencyMs });
      }
      const replies = usable.filter((answer) => answer.decision === 'reply');
      const pool = replies.length > 0 ? replies : usable;
      const best = pool.reduce((top, answer) => (answer.confidence > top.confidence ? answer : top));
      const { usage: _bestUsage, cached: _bestCached, ...chosen } = best;
      const merged: Answer = { ...chosen, ...billing, latencyMs };
      if (replies.length === 0) merged.decision = 'escalate';
      if (failed.length > 0) merged.reason = [best.reason, describeFailures(failed)].filter(Boolean).join('; ');
      return merged;
    },
  };
}

export const composite = defineResponder({
  name: 'composite',
  byDefault: true,
  summary: 'asks the three and keeps the most confident reply',
  options: z.strictObject({
    id: candidateId.default('composite'),
    /** Other candidates of the same config (by id) or built-in names. */
    parts: z.array(z.string()).min(1).default(['past-ticket', 'macro', 'knowledge-base']),
  }),
  create: ({ id, parts }, build) => createCompositeResponder(parts.map((part, index) => build.candidate(part, `parts[${index}]`)), id),
});
