import type { Message, Ticket } from '../../datasets/records.ts';
import { compileConditions, eventText, type ConditionPredicate, type RuleEvent } from './conditions.ts';
import type { Priority, Rule, RuleActions, RuleTrigger } from './schema.ts';

/**
 * The rules engine: replays a ticket's history event by event, as a helpdesk runs its rules.
 *
 * - Events are the ticket's public customer messages in time order. The first one is the ticket's
 *   creation: rules with either trigger run on it, in file order, so a `ticket-created` rule below
 *   a `customer-message` rule runs after it. Each later customer message runs the
 *   `customer-message` rules again (an auto-reply rule then replies to each message).
 * - Rules run in file order and see what earlier rules did: tags they added, the assignee and
 *   priority they set. A ticket starts with no tags and no assignee: the tags and assignee in the
 *   export are what agents set later (they are what the metrics compare with, never an input).
 * - Closing a ticket does not stop later events: a customer writing again reopens it.
 *
 * The result per ticket (`TicketOutcome`) is plain data, reused by the metrics and, later, by
 * `simulate` (rules fire first) and the report.
 */

/** What one rule did when it fired. */
export type RuleAction =
  | { kind: 'addTags'; tags: string[] }
  | { kind: 'priority'; priority: Priority }
  | { kind: 'assign'; agent?: string; team?: string }
  | { kind: 'autoReply' }
  | { kind: 'close' };

export interface RuleFiring {
  rule: string;
  /** The event's time (ISO). */
  at: string;
  /** `ticket-created` for the ticket's first customer message, else `customer-message`. */
  event: RuleTrigger;
  /** Index in `ticket.messages` of the customer message that triggered it. */
  messageIndex: number;
  actions: RuleAction[];
}

/** A ticket after its rules ran: the state they left, and every firing in order. */
export interface TicketOutcome {
  ticketId: string;
  createdAt: string;
  firings: RuleFiring[];
  /** Tags the rules added, as the rules spell them, in order. */
  tags: string[];
  priority?: { priority: Priority; rule: string };
  assignee?: { agent?: string; team?: string; rule: string };
  /** Auto-replies sent, one per firing of a rule with `autoReply`. */
  autoReplies: Array<{ rule: string; at: string; messageIndex: number }>;
  closed?: { rule: string; at: string };
}

/** Rules compiled once, to run on many tickets. */
export interface CompiledRule {
  rule: Rule;
  matches: ConditionPredicate;
}

/** Compiles the enabled rules, in file order. */
export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.filter((rule) => rule.enabled).map((rule) => ({ rule, matches: compileConditions(rule.conditions) }));
}

/** A ticket's public customer messages with their index, in time order. */
export function customerMessages(ticket: Ticket): Array<{ message: Message; index: number }> {
  return ticket.messages
    .map((message, index) => ({ message, index, time: Date.parse(message.sentAt) }))
    .filter(({ message }) => message.role === 'customer' && !message.internal)
    .sort((a, b) => a.time - b.time || a.index - b.index);
}

/** Tickets in creation order, ties by id (plain comparisons: `localeCompare` costs a collation each). */
export function inCreationOrder<T extends Pick<Ticket, 'id' | 'createdAt'>>(tickets: readonly T[]): T[] {
  return tickets
    .map((ticket) => ({ ticket, time: Date.parse(ticket.createdAt) }))
    .sort((a, b) => a.time - b.time || (a.ticket.id < b.ticket.id ? -1 : a.ticket.id > b.ticket.id ? 1 : 0))
    .map(({ ticket }) => ticket);
}

/** Runs the rules over one ticket's history. */
export function runRules(ticket: Ticket, rules: readonly CompiledRule[]): TicketOutcome {
  const outcome: TicketOutcome = { ticketId: ticket.id, createdAt: ticket.createdAt, firings: [], tags: [], autoReplies: [] };
  const tags = new Set<string>();
  const subject = eventText(ticket.subject);
  const messages = customerMessages(ticket);
  messages.forEach(({ message, index }, position) => {
    const created = position === 0;
    // The ticket is created by its first message: that instant, not the export's own timestamp.
    const event: RuleEvent = { ticket, at: created ? _earliest(ticket.createdAt, message.sentAt) : message.sentAt, subject, body: eventText(message.text), tags };
    for (const { rule, matches } of rules) {
      if (!created && rule.trigger === 'ticket-created') continue;
      if (!matches(event)) continue;
      const actions = _apply(rule.name, rule.actions, event.at, index, outcome, tags);
      outcome.firings.push({ rule: rule.name, at: event.at, event: created ? 'ticket-created' : 'customer-message', messageIndex: index, actions });
    }
  });
  return outcome;
}

// --- internal ---

function _earliest(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function _apply(rule: string, actions: RuleActions, at: string, messageIndex: number, outcome: TicketOutcome, tags: Set<string>): RuleAction[] {
  const done: RuleAction[] = [];
  if (actions.setTags) {
    // The ticket's tags become exactly these: those earlier rules added are taken off.
    tags.clear();
    outcome.tags.length = 0;
    for (const tag of actions.setTags) {
      if (!tags.has(tag.toLowerCase())) outcome.tags.push(tag);
      tags.add(tag.toLowerCase());
    }
    done.push({ kind: 'addTags', tags: actions.setTags });
  }
  if (actions.addTags) {
    for (const tag of actions.addTags) {
      if (!tags.has(tag.toLowerCase())) outcome.tags.push(tag);
      tags.add(tag.toLowerCase());
    }
    done.push({ kind: 'addTags', tags: actions.addTags });
  }
  if (actions.priority) {
    outcome.priority = { priority: actions.priority, rule };
    done.push({ kind: 'priority', priority: actions.priority });
  }
  if (actions.assign) {
    outcome.assignee = { ...actions.assign, rule };
    done.push({ kind: 'assign', ...actions.assign });
  }
  if (actions.autoReply) {
    outcome.autoReplies.push({ rule, at, messageIndex });
    done.push({ kind: 'autoReply' });
  }
  if (actions.close) {
    outcome.closed = { rule, at };
    done.push({ kind: 'close' });
  }
  return done;
}
