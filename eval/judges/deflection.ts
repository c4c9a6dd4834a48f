import { z } from 'zod';
import { defineJudge } from './define.ts';
import { fold } from './key-facts.ts';
import { textReader } from './recent.ts';
import type { JudgeScore } from './types.ts';
import { matchesOf } from './matches.ts';

/**
 * Deflection judge: an answer whose help is "contact our support team" sends the customer to
 * someone else; it resolves nothing where the agent answered them. Said on a condition ("if you
 * need further help, contact us", "n'hésitez pas à nous contacter") it is a courtesy, not the answer.
 * Patterns run on folded text, start with a literal and use bounded repetitions only: linear time.
 */

const SEND_TO_SUPPORT_RE =
  /(?<![a-z])(?:(?:contact|contacting|reach(?:ing)?\s+out\s+to|get(?:ting)?\s+in\s+touch\s+with|inform|notify|call|calling|speak(?:ing)?\s+(?:to|with)|chat(?:ting)?\s+with)\s+(?:our|the)\s+(?:[a-z-]{1,20}\s+){0,2}(?:support|service|care|helpdesk|help\s+desk|team|representatives?|agents?)|(?:contactez|contacter|joignez|joindre|appelez|appeler|adressez-vous\s+a|vous\s+adresser\s+a|rapprochez-vous\s+d[eu]|vous\s+rapprocher\s+d[eu]|ecrivez\s+a|informez)\s+(?:notre|nos|le|la|l')\s?(?:[a-z-]{1,20}\s+){0,2}(?:service|support|equipe|conseillers?|assistance))(?![a-z])/;

/** A courtesy or a fallback: the contact is offered on a condition, not given as the help. */
const ON_A_CONDITION_RE =
  /(?<![a-z])(?:if|should\s+you|in\s+case|whenever|unless|otherwise|any\s+(?:further|other|additional|more)|further\s+(?:assistance|help|questions?)|additional\s+(?:assistance|help|questions?)|(?:do\s+not|don't|never)\s+hesitate|feel\s+free|si|s'il|s'ils|en\s+cas|sinon|n'hesitez|pour\s+toute\s+(?:autre\s+)?question|besoin\s+d'aide\s+supplementaire|persiste)(?![a-z])/;

/** The customer asks whom to tell or how to reach someone: then "contact our support team" is the answer. */
const ASKS_FOR_CONTACT_RE =
  /(?<![a-z])(?:report|notify|inform|contact|reach|get\s+in\s+touch|speak\s+(?:to|with)|talk\s+(?:to|with)|complain|phone\s+number|signaler|notifier|informer|prevenir|contacter|joindre|parler\s+a|me\s+plaindre|numero\s+de\s+telephone)/;

const SENTENCE_RE = /[^.!?;\n]+/g;

/** The sentences that send the customer to the support team as the help itself. */
export function sendsToSupport(text: string): readonly string[] {
  return recentSends(text, () => sentencesSendingToSupport(text));
}

/** The agent's reply is read once, not once per candidate. */
const recentSends = textReader<readonly string[]>();

function sentencesSendingToSupport(text: string): string[] {
  const folded = fold(text).replaceAll('’', "'");
  return matchesOf(SENTENCE_RE, folded).flatMap((m) => (SEND_TO_SUPPORT_RE.test(m[0]) && !ON_A_CONDITION_RE.test(m[0]) ? [text.slice(m.index, m.index + m[0].length).trim()] : []));
}

/**
 * 0 when the answer sends the customer to the support team and the agent did not, unless that is
 * what the customer asked for; null otherwise (it never makes an answer correct).
 */
export function judgeDeflection(question: string, reference: string, answer: string): JudgeScore {
  const judge = 'deflection';
  const [sent] = sendsToSupport(answer);
  if (sent === undefined) return { judge, score: null, reason: 'does not send the customer elsewhere' };
  if (ASKS_FOR_CONTACT_RE.test(fold(question).replaceAll('’', "'"))) return { judge, score: null, reason: 'the customer asked whom to contact' };
  if (sendsToSupport(reference).length > 0) return { judge, score: null, reason: 'sends the customer to the support team, as the agent did' };
  return { judge, score: 0, reason: `sends the customer to the support team ("${sent}") where the agent answered them` };
}

export const deflection = defineJudge({
  name: 'deflection',
  summary: '“contact our support team” where the agent answered: the customer is handed on',
  options: z.strictObject({}),
  create: () => (input) => judgeDeflection(input.question, input.wanted, input.said),
});
