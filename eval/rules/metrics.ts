import type { Ticket } from '../../datasets/records.ts';
import { inCreationOrder, type TicketOutcome } from './engine.ts';
import type { Priority, Rule, RuleTrigger } from './schema.ts';
import { wordsOf } from './text-match.ts';

/**
 * What each rule would have done over the history, measured against what agents did: the tags
 * and assignee in the export are the agents' (and the current helpdesk rules') final choices.
 * Pure and deterministic: the same tickets, rules and outcomes give the same JSON. Ticket text is
 * untrusted and personal: results name tickets by id and a shortened subject, never a body.
 */

export const RULES_RESULT_VERSION = 1;

/** A proportion; `value` is null when the denominator is 0. */
export interface Ratio {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** A ticket named in results: its id and the start of its subject. */
export interface TicketRef {
  id: string;
  subject: string;
}

/** How a tag the rule adds agrees with the tag agents put on tickets. */
export interface TagScore {
  tag: string;
  /** Tickets the rule(s) tagged. */
  tagged: number;
  /** Tickets agents tagged. */
  agentTagged: number;
  /** Tickets both tagged. */
  agreed: number;
  /** agreed / tagged. */
  precision: Ratio;
  /** agreed / agentTagged. */
  recall: Ratio;
  examples: {
    /** Tagged by the rule and by agents. */
    hit: TicketRef[];
    /** Tagged by agents, not by the rule. */
    missed: TicketRef[];
    /** Tagged by the rule, not by agents. */
    extra: TicketRef[];
  };
}

/**
 * How the rule's assignment agrees with the assignee in the export. It scores what the rule set,
 * even when a later rule overrode it (the conflicts say where); names compare case-, accent- and
 * spacing-insensitively, so a rule naming an agent by e-mail matches only exports that do too.
 */
export interface AssignmentScore {
  agent?: string;
  team?: string;
  /** False for a team: exports name the assignee, not the team, so there is nothing to compare with. */
  comparable: boolean;
  /** Tickets the rule assigned. */
  assigned: number;
  /** Tickets agents' history shows assigned to that agent. */
  agentAssigned: number;
  agreed: number;
  precision: Ratio;
  recall: Ratio;
  examples: { hit: TicketRef[]; missed: TicketRef[]; extra: TicketRef[] };
}

export interface AutoReplyScore {
  /** Tickets whose customer would have received at least one auto-reply. */
  tickets: number;
  /** Distinct customers (by e-mail; a ticket without one counts alone) who would have received one. */
  customers: number;
  /** Auto-replies sent (one per firing). */
  replies: number;
  /** The N in `answeredWithin`, in minutes. */
  withinMinutes: number;
  /** Of those tickets, how many an agent answered publicly within N minutes of the first auto-reply anyway. */
  answeredWithin: number;
  /** Of those tickets, how many no agent ever answered after the first auto-reply. */
  neverAnswered: number;
  /** Of those tickets, how many already got an auto-reply from the helpdesk's own rules in the history. */
  historyAutoReplied: number;
  examples: { answeredAnyway: TicketRef[]; notAnswered: TicketRef[] };
}

export interface RuleResult {
  name: string;
  trigger: RuleTrigger;
  /** A disabled rule is listed, not simulated: its counts are 0. */
  enabled: boolean;
  fired: {
    tickets: number;
    /** Firings: a `customer-message` rule can fire on several messages of a ticket. */
    events: number;
    /** tickets / selected tickets. */
    share: Ratio;
    /** Tickets fired on per month of ticket creation (`YYYY-MM`, UTC). */
    byMonth: Record<string, number>;
  };
  /** Tags the rule adds against agents' tags, summed over its tags and per tag; null without `addTags`. */
  tags: { precision: Ratio; recall: Ratio; byTag: TagScore[] } | null;
  assignment: AssignmentScore | null;
  priority: { priority: Priority; tickets: number } | null;
  autoReply: AutoReplyScore | null;
  /** Tickets the rule closed, and of those how many an agent still answered after the close. */
  close: { tickets: number; agentRepliedAfter: number } | null;
  /** A few tickets it fired on. */
  examples: TicketRef[];
}

/** Two rules firing on the same tickets. */
export interface RuleOverlap {
  rules: [string, string];
  tickets: number;
  examples: TicketRef[];
}

/** Two rules setting different assignees, or different priorities, on the same ticket. */
export interface RuleConflict {
  kind: 'assignee' | 'priority';
  rules: [string, string];
  tickets: number;
  examples: TicketRef[];
}

export interface RulesResult {
  schemaVersion: typeof RULES_RESULT_VERSION;
  /** Tickets the rules were replayed on. */
  tickets: number;
  period: { from: string; to: string } | null;
  replyWithinMinutes: number;
  rules: RuleResult[];
  overlaps: RuleOverlap[];
  conflicts: RuleConflict[];
  /** Every tag the rules add, all rules together, against agents' tags. */
  tags: TagScore[];
}

export interface RulesMetricsOptions {
  /** An auto-replied ticket an agent answered within this many minutes was "answered anyway". @default 15 */
  replyWithinMinutes?: number;
  /** Example tickets per list. @default 5 */
  examples?: number;
}

export function computeRulesResult(tickets: readonly Ticket[], rules: readonly Rule[], outcomes: readonly TicketOutcome[], options: RulesMetricsOptions = {}): RulesResult {
  const within = options.replyWithinMinutes ?? 15;
  const context = _context(tickets, outcomes, options.examples ?? 5);
  const sorted = inCreationOrder(tickets);
  return {
    schemaVersion: RULES_RESULT_VERSION,
    tickets: tickets.length,
    period: sorted.length > 0 ? { from: sorted[0]!.createdAt, to: sorted.at(-1)!.createdAt } : null,
    replyWithinMinutes: within,
    rules: rules.map((rule) => _ruleResult(rule, context, within)),
    overlaps: _overlaps(rules, context),
    conflicts: _conflicts(rules, context),
    tags: _combinedTags(context),
  };
}

/** A subject cut short, control characters removed: enough to recognise a ticket, never its text. */
export function ticketRef(ticket: Pick<Ticket, 'id' | 'subject'>, length = 60): TicketRef {
  const subject = ticket.subject.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return { id: ticket.id, subject: subject.length > length ? `${subject.slice(0, length - 1)}…` : subject };
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { value: denominator > 0 ? Math.round((numerator / denominator) * 10_000) / 10_000 : null, numerator, denominator };
}

/** Names compared as the engine compares words: case, accents and spacing ignored. */
export function sameAgent(a: string, b: string): boolean {
  return wordsOf(a).join(' ') === wordsOf(b).join(' ');
}

// --- internal ---

interface _Context {
  /** Tickets in creation order. */
  tickets: Ticket[];
  outcomes: Map<string, TicketOutcome>;
  /** Ticket ids per agents' tag (lower-cased). */
  agentTags: Map<string, Set<string>>;
  refs: (ids: Iterable<string>) => TicketRef[];
}

function _context(tickets: readonly Ticket[], outcomes: readonly TicketOutcome[], examples: number): _Context {
  const ordered = inCreationOrder(tickets);
  const byId = new Map(ordered.map((ticket) => [ticket.id, ticket]));
  const position = new Map(ordered.map((ticket, index) => [ticket.id, index]));
  const agentTags = new Map<string, Set<string>>();
  for (const ticket of ordered) {
    for (const tag of ticket.tags) {
      const key = tag.toLowerCase();
      agentTags.set(key, (agentTags.get(key) ?? new Set()).add(ticket.id));
    }
  }
  return {
    tickets: ordered,
    outcomes: new Map(outcomes.map((outcome) => [outcome.ticketId, outcome])),
    agentTags,
    refs: (ids) =>
      [...ids]
        .sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0))
        .slice(0, examples)
        .flatMap((id) => {
          const ticket = byId.get(id);
          return ticket ? [ticketRef(ticket)] : [];
        }),
  };
}

function _score(tag: string, tagged: Set<string>, agentTagged: Set<string>, context: _Context): TagScore {
  const hit = [...tagged].filter((id) => agentTagged.has(id));
  return {
    tag,
    tagged: tagged.size,
    agentTagged: agentTagged.size,
    agreed: hit.length,
    precision: ratio(hit.length, tagged.size),
    recall: ratio(hit.length, agentTagged.size),
    examples: {
      hit: context.refs(hit),
      missed: context.refs([...agentTagged].filter((id) => !tagged.has(id))),
      extra: context.refs([...tagged].filter((id) => !agentTagged.has(id))),
    },
  };
}

function _ruleResult(rule: Rule, context: _Context, within: number): RuleResult {
  const fired = new Set<string>();
  const byMonth: Record<string, number> = {};
  let events = 0;
  const assigned = new Set<string>();
  const tagged = new Map<string, Set<string>>();
  const autoReplied: Array<{ ticket: Ticket; at: string }> = [];
  let replies = 0;
  let closed = 0;
  let repliedAfterClose = 0;
  let prioritised = 0;
  for (const ticket of context.tickets) {
    const outcome = context.outcomes.get(ticket.id);
    const firings = outcome?.firings.filter((firing) => firing.rule === rule.name) ?? [];
    if (firings.length === 0) continue;
    fired.add(ticket.id);
    events += firings.length;
    const month = ticket.createdAt.slice(0, 7);
    byMonth[month] = (byMonth[month] ?? 0) + 1;
    const actions = firings.flatMap((firing) => firing.actions);
    for (const action of actions) {
      if (action.kind === 'addTags') for (const tag of action.tags) tagged.set(tag, (tagged.get(tag) ?? new Set()).add(ticket.id));
    }
    if (actions.some((action) => action.kind === 'assign')) assigned.add(ticket.id);
    if (actions.some((action) => action.kind === 'priority')) prioritised++;
    const replyFirings = firings.filter((firing) => firing.actions.some((action) => action.kind === 'autoReply'));
    if (replyFirings.length > 0) {
      autoReplied.push({ ticket, at: replyFirings[0]!.at });
      replies += replyFirings.length;
    }
    const closing = firings.filter((firing) => firing.actions.some((action) => action.kind === 'close')).at(-1);
    if (closing) {
      closed++;
      if (_firstAgentReply(ticket, closing.at) !== undefined) repliedAfterClose++;
    }
  }
  const { actions } = rule;
  return {
    name: rule.name,
    trigger: rule.trigger,
    enabled: rule.enabled,
    fired: { tickets: fired.size, events, share: ratio(fired.size, context.tickets.length), byMonth },
    tags: actions.addTags || actions.setTags ? _ruleTags([...(actions.setTags ?? []), ...(actions.addTags ?? [])], tagged, context) : null,
    assignment: actions.assign ? _assignment(actions.assign, assigned, context) : null,
    priority: actions.priority ? { priority: actions.priority, tickets: prioritised } : null,
    autoReply: actions.autoReply ? _autoReply(autoReplied, replies, within, context) : null,
    close: actions.close ? { tickets: closed, agentRepliedAfter: repliedAfterClose } : null,
    examples: context.refs(fired),
  };
}

function _ruleTags(tags: string[], tagged: Map<string, Set<string>>, context: _Context): NonNullable<RuleResult['tags']> {
  const byTag = tags.map((tag) => _score(tag, tagged.get(tag) ?? new Set(), context.agentTags.get(tag.toLowerCase()) ?? new Set(), context));
  const sum = (key: 'agreed' | 'tagged' | 'agentTagged') => byTag.reduce((total, score) => total + score[key], 0);
  return { precision: ratio(sum('agreed'), sum('tagged')), recall: ratio(sum('agreed'), sum('agentTagged')), byTag };
}

function _assignment(assign: { agent?: string; team?: string }, assigned: Set<string>, context: _Context): AssignmentScore {
  const agent = assign.agent;
  const agentAssigned = new Set(agent === undefined ? [] : context.tickets.filter((ticket) => ticket.assignee !== undefined && sameAgent(ticket.assignee, agent)).map((ticket) => ticket.id));
  const hit = [...assigned].filter((id) => agentAssigned.has(id));
  const comparable = agent !== undefined;
  return {
    ...assign,
    comparable,
    assigned: assigned.size,
    agentAssigned: agentAssigned.size,
    agreed: hit.length,
    precision: comparable ? ratio(hit.length, assigned.size) : ratio(0, 0),
    recall: comparable ? ratio(hit.length, agentAssigned.size) : ratio(0, 0),
    examples: {
      hit: context.refs(hit),
      missed: context.refs([...agentAssigned].filter((id) => !assigned.has(id))),
      extra: comparable ? context.refs([...assigned].filter((id) => !agentAssigned.has(id))) : [],
    },
  };
}

/** The first public agent reply at or after `at` (not an internal note, not a rule's auto-reply). */
function _firstAgentReply(ticket: Ticket, at: string): number | undefined {
  const from = Date.parse(at);
  let first: number | undefined;
  for (const message of ticket.messages) {
    if (message.role !== 'agent' || message.internal) continue;
    const sent = Date.parse(message.sentAt);
    if (sent >= from && (first === undefined || sent < first)) first = sent;
  }
  return first;
}

function _autoReply(autoReplied: Array<{ ticket: Ticket; at: string }>, replies: number, within: number, context: _Context): AutoReplyScore {
  const answered: string[] = [];
  const notAnswered: string[] = [];
  let never = 0;
  let history = 0;
  const customers = new Set<string>();
  for (const { ticket, at } of autoReplied) {
    customers.add(ticket.customer.email?.trim().toLowerCase() || `\u0000${ticket.id}`);
    const reply = _firstAgentReply(ticket, at);
    if (reply === undefined) never++;
    if (reply !== undefined && reply - Date.parse(at) <= within * 60_000) answered.push(ticket.id);
    else notAnswered.push(ticket.id);
    if (ticket.messages.some((message) => message.role === 'system' && !message.internal)) history++;
  }
  return {
    tickets: autoReplied.length,
    customers: customers.size,
    replies,
    withinMinutes: within,
    answeredWithin: answered.length,
    neverAnswered: never,
    historyAutoReplied: history,
    examples: { answeredAnyway: context.refs(answered), notAnswered: context.refs(notAnswered) },
  };
}

function _overlaps(rules: readonly Rule[], context: _Context): RuleOverlap[] {
  const pairs = new Map<string, { rules: [string, string]; ids: string[] }>();
  const order = new Map(rules.map((rule, index) => [rule.name, index]));
  for (const outcome of context.outcomes.values()) {
    const names = [...new Set(outcome.firings.map((firing) => firing.rule))].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const key = `${names[i]}\u0000${names[j]}`;
        const pair = pairs.get(key) ?? { rules: [names[i]!, names[j]!] as [string, string], ids: [] };
        pair.ids.push(outcome.ticketId);
        pairs.set(key, pair);
      }
    }
  }
  return [...pairs.values()]
    .map((pair) => ({ rules: pair.rules, tickets: pair.ids.length, examples: context.refs(pair.ids) }))
    .sort((a, b) => b.tickets - a.tickets || (order.get(a.rules[0]) ?? 0) - (order.get(b.rules[0]) ?? 0) || (order.get(a.rules[1]) ?? 0) - (order.get(b.rules[1]) ?? 0));
}

function _conflicts(rules: readonly Rule[], context: _Context): RuleConflict[] {
  const order = new Map(rules.map((rule, index) => [rule.name, index]));
  const found = new Map<string, { kind: RuleConflict['kind']; rules: [string, string]; ids: Set<string> }>();
  const note = (kind: RuleConflict['kind'], first: string, second: string, id: string) => {
    // A pair is named in file order, whichever fired first on this ticket.
    const [a, b] = (order.get(first) ?? 0) <= (order.get(second) ?? 0) ? [first, second] : [second, first];
    const key = `${kind}\u0000${a}\u0000${b}`;
    const entry = found.get(key) ?? { kind, rules: [a, b] as [string, string], ids: new Set<string>() };
    entry.ids.add(id);
    found.set(key, entry);
  };
  for (const outcome of context.outcomes.values()) {
    const assigns: Array<{ rule: string; value: string }> = [];
    const priorities: Array<{ rule: string; value: string }> = [];
    for (const firing of outcome.firings) {
      for (const action of firing.actions) {
        if (action.kind === 'assign') assigns.push({ rule: firing.rule, value: action.agent !== undefined ? `agent:${wordsOf(action.agent).join(' ')}` : `team:${wordsOf(action.team ?? '').join(' ')}` });
        if (action.kind === 'priority') priorities.push({ rule: firing.rule, value: action.priority });
      }
    }
    for (const [kind, list] of [['assignee', assigns], ['priority', priorities]] as const) {
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const [a, b] = [list[i]!, list[j]!];
          if (a.rule !== b.rule && a.value !== b.value) note(kind, a.rule, b.rule, outcome.ticketId);
        }
      }
    }
  }
  return [...found.values()].map((entry) => ({ kind: entry.kind, rules: entry.rules, tickets: entry.ids.size, examples: context.refs(entry.ids) })).sort((a, b) => b.tickets - a.tickets);
}

function _combinedTags(context: _Context): TagScore[] {
  const tagged = new Map<string, { tag: string; ids: Set<string> }>();
  for (const outcome of context.outcomes.values()) {
    for (const tag of outcome.tags) {
      const entry = tagged.get(tag.toLowerCase()) ?? { tag, ids: new Set<string>() };
      entry.ids.add(outcome.ticketId);
      tagged.set(tag.toLowerCase(), entry);
    }
  }
  return [...tagged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, entry]) => _score(entry.tag, entry.ids, context.agentTags.get(key) ?? new Set(), context));
}
