import type { AnswerFailure } from '../failure-kind.ts';

/** What every judge returns and what judging a run produces, per ticket and candidate. */

export interface JudgeScore {
  judge: string;
  /** 0..1; null = cannot judge. */
  score: number | null;
  reason: string;
}

/**
 * - correct: a judge that checks (the agent's own facts, their wording, their macro, an LLM rubric) found the answer says what the agent said;
 * - partial: on the agent's track but missing or unsupported facts;
 * - wrong: contradicts the agent, off topic, in another language, unsafe;
 * - unverified: nothing checkable agrees or disagrees; closeness of meaning alone never makes "correct";
 * - needs-action: claims or promises something done in another system (refund, code, label…) that the candidate did not do;
 * - cannot-judge: no agent reply to judge against, or no answer.
 */
export const VERDICTS = ['correct', 'partial', 'wrong', 'unverified', 'needs-action', 'cannot-judge'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** How the ticket would have gone with the candidate live (DESIGN.md's pricing table). */
export const OUTCOMES = ['agent-only', 'ai-then-agent', 'automated'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One candidate's answer to one ticket, judged against what the agent did and how the ticket ended. */
export interface JudgedTicket {
  candidate: string;
  ticketId: string;
  createdAt: string;
  /** 'YYYY-MM' of createdAt. */
  month: string;
  channel: string;
  language: string;
  tags: string[];
  /** The candidate sent its answer: a reply with text (a failed answer never is). */
  sent: boolean;
  /** The candidate produced an answer text, sent or not: the threshold sweep can still judge it. */
  answered: boolean;
  confidence: number;
  /** The candidate could not answer, and why (its kind groups failures in reports). */
  failure?: AnswerFailure;
  verdict: Verdict;
  judges: JudgeScore[];
  outcome: Outcome;
  /** Automation at three strictness levels; each implies the one before. */
  resolution: {
    /** Sent, and the real ticket needed nothing after its first reply. */
    contained: boolean;
    /** Contained and judged correct. */
    verified: boolean;
    /** Verified and the customer signalled it helped (thanks, a good rating). */
    confirmed: boolean;
  };
  /** In the real history an agent or a rule replied: the ticket was billable without any AI. */
  billable: boolean;
  /** The agent's reply shows they acted in another system (refunded, shipped, created a code…): an action ticket. */
  agentActed: boolean;
  /** The customer's message tries to take over the responder (the words that do), whatever the answer did with it. */
  injectionAttempt?: string;
  /** AI replies the candidate would have sent (interactions), for per-interaction pricing. */
  aiReplies: number;
  costUsd: number;
}
