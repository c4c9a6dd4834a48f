import { z } from 'zod';
import type { JudgeScore, Verdict } from './types.ts';

/**
 * How the judges' scores combine into a verdict. Hard failures first (a safety finding, a
 * conflicting fact), then agreement with what the agent said. The thresholds are data so that
 * `label import` can refit them on people's labels.
 */
export interface VerdictRules {
  /** Calibrated semantic score from which an answer without contrary evidence is correct. */
  correctSemantic: number;
  /** Below this semantic score (and without the agent's facts) an answer is wrong. */
  wrongSemantic: number;
  /** Share of the agent's facts an answer must state to be correct. */
  minFactRecall: number;
  /** Share of the answer's facts its sources must support to be correct. */
  minGrounding: number;
}

const share = z.number().min(0).max(1);
/** A rules file as `label import` writes it (verdict-rules.json), checked before a report uses it. */
export const VerdictRulesSchema = z.strictObject({ correctSemantic: share, wrongSemantic: share, minFactRecall: share, minGrounding: share });

export const DEFAULT_VERDICT_RULES: VerdictRules = { correctSemantic: 0.8, wrongSemantic: 0.4, minFactRecall: 0.75, minGrounding: 0.75 };

/** LLM judge scores from which it is taken to agree, or to disagree, with the agent. */
const LLM_AGREES = 0.75;
const LLM_DISAGREES = 0.25;

export interface VerdictInput {
  judges: readonly JudgeScore[];
  /** The agent's reply exists; without it there is nothing to judge against. */
  hasReference: boolean;
}

function scoreOf(judges: readonly JudgeScore[], name: string): number | null {
  return judges.find((judge) => judge.judge === name)?.score ?? null;
}

export function verdictOf({ judges, hasReference }: VerdictInput, rules: VerdictRules = DEFAULT_VERDICT_RULES): Verdict {
  if (!hasReference) return 'cannot-judge';
  if (scoreOf(judges, 'safety') === 0) return 'wrong';
  if (scoreOf(judges, 'conflicts') === 0) return 'wrong';
  const facts = scoreOf(judges, 'key-facts');
  const semantic = scoreOf(judges, 'semantic');
  const macro = scoreOf(judges, 'macro');
  const grounding = scoreOf(judges, 'grounding');
  const llm = scoreOf(judges, 'llm');
  if (semantic === null && facts === null && macro === null && llm === null) return 'cannot-judge';
  const completeFacts = facts === null || facts >= rules.minFactRecall;
  const onTopic = semantic === null || semantic >= rules.wrongSemantic;
  // Agreement is shown by meaning, by the agent's own facts (on topic), or by the agent's own macro.
  const agrees =
    (semantic !== null && semantic >= rules.correctSemantic) || (facts !== null && facts >= rules.minFactRecall && onTopic) || macro === 1 || (llm !== null && llm >= LLM_AGREES);
  // A rubric judge that read all three texts and found the answer wrong outweighs closeness of words.
  if (llm !== null && llm <= LLM_DISAGREES) return macro === 1 ? 'partial' : 'wrong';
  if (agrees && completeFacts && macro !== 0 && (grounding === null || grounding >= rules.minGrounding)) return 'correct';
  if (!onTopic && (facts === null || facts < rules.minFactRecall) && macro !== 1) return 'wrong';
  // The agent chose another macro and the meaning does not make up for it: a different answer.
  if (macro === 0 && (semantic === null || semantic < rules.correctSemantic)) return 'wrong';
  return 'partial';
}
