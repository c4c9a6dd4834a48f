import { z } from 'zod';
import { defineJudge, factOptionsOf } from './define.ts';
import { extractFacts, fold, type FactComparison, type FactOptions, type FactSlot } from './key-facts.ts';
import { textReader } from './recent.ts';
import type { JudgeScore } from './types.ts';

/**
 * The fact the customer asked for. An answer can state most of the agent's facts and still leave
 * out the one that answers the question ("how long to Lyon?" answered with the prices but not the
 * 3 to 5 days): whatever its recall, it has not answered.
 */

/** What a question asks for, FR and EN, on folded text; each pattern starts with a literal word. */
const ASKS: ReadonlyArray<readonly [RegExp, readonly FactSlot[]]> = [
  [/(?<![a-z])(?:combien de (?:temps|jours|semaines)|how long|how many (?:days|weeks)|quand (?:vais|va|est|sera|pourrai|arrive|recevrai)|when (?:will|can|is|does|do|should)|delais?|a quelle date|which date|by when)(?![a-z])/, ['duration', 'date']],
  [/(?<![a-z])(?:combien (?:coute|coutent|ca coute|de frais|je dois)|how much|prix|price|cost|tarifs?|frais|fees?|rembourse combien)(?![a-z])/, ['amount', 'percent']],
  [/(?<![a-z])(?:numero de suivi|suivi de (?:mon|ma)|tracking|track my|where is my (?:order|parcel|package)|ou en est ma commande|ou est (?:mon colis|ma commande))(?![a-z])/, ['tracking']],
];

/**
 * The customer quoted a sum ("a rebate of $1") and the answer speaks only of others ("your rebate of
 * 160 dollars"): a reused reply still about the earlier customer's money, whatever the agent wrote.
 */
function anotherSum(question: string, comparison: FactComparison, options: FactOptions): string | undefined {
  // Most answers speak of no sum: the question is only read for one when the answer does.
  const said = comparison.answer.filter((fact) => fact.slot === 'amount');
  if (said.length === 0) return undefined;
  const theirs = new Set(extractFacts(question, options).filter((fact) => fact.slot === 'amount').map((fact) => fact.value));
  if (theirs.size === 0 || said.some((fact) => theirs.has(fact.value))) return undefined;
  return `the customer wrote ${[...theirs].join(', ')}, the answer speaks of ${said.map((fact) => `"${fact.text}"`).join(', ')}`;
}

/** The kinds of fact the customer asks for, read once per message rather than once per candidate. */
function askedSlots(question: string): ReadonlySet<FactSlot> {
  return recentAsks(question, () => {
    const folded = fold(question);
    return new Set(ASKS.filter(([pattern]) => pattern.test(folded)).flatMap(([, slots]) => slots));
  });
}

const recentAsks = textReader<ReadonlySet<FactSlot>>();

export function judgeAskedFacts(question: string, comparison: FactComparison, options: FactOptions = {}): JudgeScore {
  const other = anotherSum(question, comparison, options);
  if (other) return { judge: 'asked-facts', score: 0, reason: other };
  const asked = askedSlots(question);
  const wanted = comparison.reference.filter((fact) => asked.has(fact.slot));
  if (wanted.length === 0) return { judge: 'asked-facts', score: null, reason: 'the agent stated no fact of the kind the customer asked for' };
  const left = comparison.missing.filter((fact) => asked.has(fact.slot));
  if (left.length > 0) return { judge: 'asked-facts', score: 0, reason: `the customer asked for it and the answer leaves out ${left.map((fact) => `"${fact.text}"`).join(', ')}` };
  return { judge: 'asked-facts', score: 1, reason: `states what the customer asked for (${wanted.map((fact) => fact.text).join(', ')})` };
}

export const askedFacts = defineJudge({
  name: 'asked-facts',
  summary: 'the fact the customer asked for is among those the answer states',
  options: z.strictObject({}),
  create: () => (input) => judgeAskedFacts(input.question, input.facts.comparison, factOptionsOf(input)),
});
