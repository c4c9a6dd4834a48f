import type { Customer, Order } from '../datasets/records.ts';
import type { ActionKind } from './judges/actions.ts';
import type { AnswerFailure } from './failure-kind.ts';
import type { SearchHit, SearchOptions } from '../pipelines/search-tables.ts';

/** What a candidate AI sees of a ticket: only what existed when the customer first wrote. */
export interface TicketContext {
  ticket: {
    id: string;
    subject: string;
    /** The customer's first message, cleaned. */
    question: string;
    channel: string;
    language?: string;
    customer: Customer;
  };
  /** The moment the ticket was created; nothing after it is visible. */
  asOf: string;
  /** Search bound to `asOf` and blind to this ticket. */
  retrieve(query: string, options?: Pick<SearchOptions, 'table' | 'limit' | 'mode' | 'kinds'>): Promise<SearchHit[]>;
  /** The customer's orders placed before `asOf`, most recent first. */
  orders: Order[];
  /**
   * The agent's real reply to this ticket: the future every candidate must stay blind to. The replay
   * gives it only to a responder that declares `readsAgentReply` (the built-in oracle, which measures
   * the judge rather than answering).
   */
  agentReply?: AgentReply;
}

/** The reply the agent really sent, the one the judges compare every answer with. */
export interface AgentReply {
  text: string;
  /** The macro the agent applied, when the export says so. */
  macro?: string;
}

export interface Source {
  type: 'ticket' | 'knowledge' | 'order';
  id: string;
  url?: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Something a candidate did in another system through a tool (a refund, a replacement, a code…), not just said. */
export interface PerformedAction {
  kind: ActionKind;
  /** The tool that did it, as the candidate named it. */
  tool: string;
  /** The tool reported success: only then does a claim of this kind in the answer stand. */
  ok: boolean;
  /** What the tool reported back (the code it created, the amount refunded): a source for the facts the answer states about it. */
  result?: string;
}

/** What every answer carries, whatever the candidate decided. */
export interface AnswerCommon {
  text: string;
  /** 0..1: how sure the candidate is that the reply is right; the threshold sweep cuts on it. */
  confidence: number;
  sources: Source[];
  usage?: Usage;
  /** Actions done through tools; an answer claiming any other action needs a human to do it. */
  actions?: PerformedAction[];
  /** The reply came from the response cache: this re-run cost nothing. */
  cached?: boolean;
  latencyMs: number;
  /** Why the candidate escalated, in words (on a composite's reply: which parts failed). */
  reason?: string;
}

/**
 * The candidate's own decision: a reply it would send (the only answer that can count as sent or
 * automated), or a hand-over to a human it chose. One interface for both, so a responder can
 * write `decision: sure ? 'reply' : 'escalate'`.
 */
export interface DecidedAnswer extends AnswerCommon {
  decision: 'reply' | 'escalate';
  failure?: undefined;
}

/**
 * The candidate could not answer. It reads as escalated (the ticket goes to a human, so it is
 * never sent), and `failure` tells it from an escalation the candidate chose.
 */
export interface FailedAnswer extends AnswerCommon {
  decision: 'escalate';
  failure: AnswerFailure;
}

/**
 * A candidate's response to one ticket, told apart without reading any text: `decision: 'reply'`
 * narrows to a reply (never a failure), `failure !== undefined` to a failed answer, and the rest
 * escalated by choice. A failure is data, never an exception.
 */
export type Answer = DecidedAnswer | FailedAnswer;

/** A value that survives JSON.stringify unchanged (undefined members are dropped). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

export interface Responder {
  id: string;
  /**
   * Everything that shapes this candidate's answers (model, prompt, thresholds…), part of a run's
   * identity: a run folder holding answers of another config is never resumed. Without it, only
   * the id (and the shadowdesk version, for built-in code) tells two configurations apart.
   */
  config?: JsonValue;
  /** Only the oracle sets it: the replay then adds the agent's real reply to its context (`agentReply`). */
  readsAgentReply?: true;
  /**
   * Answers this candidate can be working on at once when it waits on an endpoint (an LLM's
   * requests in flight). The replay then keeps twice as many tickets open, so the retrieval for the
   * next tickets runs while the endpoint works. Absent for candidates that only compute.
   */
  concurrency?: number;
  respond(context: TicketContext): Promise<Answer>;
}
