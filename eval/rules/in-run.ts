import type { RulesResult, TicketRef } from './metrics.ts';

/**
 * Rules and AI candidates in one simulation: the rules fire first, on the same tickets, as a
 * helpdesk runs them before handing a ticket to its AI agent. This is what a run's report holds
 * about them.
 */
export interface RulesInRun {
  /** The rules file the run used. */
  file: string;
  /** Each rule over the run's tickets, against what agents did. */
  result: RulesResult;
  /** Per candidate: tickets where a rule's auto-reply and the candidate's answer would both have reached the customer. */
  bothSent: Record<string, { tickets: number; examples: TicketRef[] }>;
  /**
   * What the rules add to the bill over the whole history (the months pricing projects): tickets
   * billable only because a rule replied (no agent or rule message in the history), and the
   * auto-replies the rules send.
   */
  billing: { addedBillable: number; autoReplies: number; byMonth: Array<{ month: string; addedBillable: number; autoReplies: number }> };
}
