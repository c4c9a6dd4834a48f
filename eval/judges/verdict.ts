import { z } from 'zod';
import type { JudgeName } from './index.ts';
import type { JudgeScore, Verdict } from './types.ts';

/**
 * How the judges' scores combine into a verdict. Hard failures first (a safety finding, a
 * conflicting fact or entity, another language), then an action claimed but not done, then
 * agreement with what the agent said. "Correct" needs a judge that *checks* — the agent's own
 * facts stated, the agent's wording, the agent's macro or intent, or an LLM rubric — and meaning close to
 * the agent's reply rather than to the replies of similar tickets; without any checking judge the
 * answer is unverified, however close it reads. The thresholds are data so that `label import`
 * can refit them on people's labels.
 */
export interface VerdictRules {
  /** Share of the replies to similar tickets an answer must be further from than from its own ticket's reply. */
  correctSemantic: number;
  /** Below this percentile against replies to random tickets (and without the agent's facts) an answer is off topic: wrong. */
  wrongSemantic: number;
  /** Share of the agent's facts an answer must state to be correct. */
  minFactRecall: number;
  /** Share of the answer's facts its sources must support to be correct. */
  minGrounding: number;
  /** Share of wording shared with the agent's reply from which the answer is the agent's reply. */
  sameWording: number;
}

const share = z.number().min(0).max(1);
/** A rules file as `label import` writes it (verdict-rules.json), checked before a report uses it. */
export const VerdictRulesSchema = z.strictObject({ correctSemantic: share, wrongSemantic: share, minFactRecall: share, minGrounding: share, sameWording: share.default(0.85) });

export const DEFAULT_VERDICT_RULES: VerdictRules = { correctSemantic: 0.8, wrongSemantic: 0.4, minFactRecall: 0.75, minGrounding: 0.75, sameWording: 0.85 };

/** LLM judge scores from which it is taken to agree, or to disagree, with the agent. */
const LLM_AGREES = 0.75;
const LLM_DISAGREES = 0.25;

/** Judges whose 0 makes an answer wrong whatever else agrees. */
const BLOCKING: readonly JudgeName[] = ['safety', 'conflicts', 'entities', 'language'];

export interface VerdictInput {
  judges: readonly JudgeScore[];
  /** The agent's reply exists; without it there is nothing to judge against. */
  hasReference: boolean;
}

/** A judge's score by a name the map holds: a misspelt name does not type-check, rather than reading as "no score". */
function scoreOf(judges: readonly JudgeScore[], name: JudgeName): number | null {
  return judges.find((judge) => judge.judge === name)?.score ?? null;
}

export function verdictOf({ judges, hasReference }: VerdictInput, rules: VerdictRules = DEFAULT_VERDICT_RULES): Verdict {
  if (!hasReference) return 'cannot-judge';
  if (BLOCKING.some((name) => scoreOf(judges, name) === 0)) return 'wrong';
  const facts = scoreOf(judges, 'key-facts');
  const semantic = scoreOf(judges, 'semantic');
  const topic = scoreOf(judges, 'topic');
  const wording = scoreOf(judges, 'wording');
  const macro = scoreOf(judges, 'macro');
  const intent = scoreOf(judges, 'intent');
  const grounding = scoreOf(judges, 'grounding');
  const llm = scoreOf(judges, 'llm');
  if ([facts, semantic, topic, wording, macro, intent, llm].every((score) => score === null)) return 'cannot-judge';
  // A rubric judge that read all three texts and found the answer wrong outweighs closeness of words.
  if (llm !== null && llm <= LLM_DISAGREES) return macro === 1 ? 'partial' : 'wrong';
  const statesFacts = facts !== null && facts >= rules.minFactRecall;
  const onTopic = topic === null || topic >= rules.wrongSemantic;
  if (!onTopic && !statesFacts && macro !== 1) return 'wrong';
  // The agent chose another macro and the meaning does not make up for it: a different answer.
  if (macro === 0 && (semantic === null || semantic < rules.correctSemantic) && (wording === null || wording < rules.sameWording)) return 'wrong';
  // Text alone cannot refund, ship, create a code or attach a label: a human has to do it.
  if (scoreOf(judges, 'actions') === 0) return 'needs-action';
  const checked = statesFacts || (wording !== null && wording >= rules.sameWording) || macro === 1 || intent === 1 || (llm !== null && llm >= LLM_AGREES);
  const close = semantic === null || semantic >= rules.correctSemantic || (wording !== null && wording >= rules.sameWording);
  // Most of the agent's facts do not make up for leaving out the one the customer asked for.
  const complete = (facts === null || facts >= rules.minFactRecall) && scoreOf(judges, 'asked-facts') !== 0;
  const grounded = grounding === null || grounding >= rules.minGrounding;
  // "Contact our support team" where the agent answered hands the customer on: nothing is resolved yet.
  const answers = scoreOf(judges, 'deflection') !== 0;
  if (checked && close && complete && grounded && answers && macro !== 0 && intent !== 0) return 'correct';
  // Nothing could check it either way: closeness of meaning is not a verification.
  if (facts === null && macro === null && intent === null && llm === null && (wording === null || wording < rules.sameWording)) return 'unverified';
  return 'partial';
}
