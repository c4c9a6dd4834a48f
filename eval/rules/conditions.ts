import type { Ticket } from '../../datasets/records.ts';
import { foldAccents } from '../../datasets/text/fold.ts';
import type { Condition, TextCondition, TextField } from './schema.ts';
import { compileRuleRegex, compileWordPattern, indexWords, matchesWords, wordsOf, type WordIndex, type WordPattern } from './text-match.ts';
import { compileBusinessHours } from './time-window.ts';

/**
 * Conditions compiled once per rules file into predicates over one trigger event, so replaying
 * thousands of tickets costs a few word comparisons each.
 */

/** A text seen by conditions, folded and cut into words only when a condition asks. */
export interface EventText {
  folded(): string;
  words(): WordIndex;
}

/** What a condition sees when a rule is triggered. */
export interface RuleEvent {
  ticket: Ticket;
  /** When the event happened: the ticket's creation or the customer message's time. */
  at: string;
  subject: EventText;
  /** The customer message that triggered the event. */
  body: EventText;
  /** Tags on the ticket at that moment, lower-cased (those added by earlier rules). */
  tags: ReadonlySet<string>;
}

export type ConditionPredicate = (event: RuleEvent) => boolean;

export function eventText(text: string): EventText {
  let folded: string | undefined;
  let words: WordIndex | undefined;
  return {
    folded: () => (folded ??= foldAccents(text)),
    words: () => (words ??= indexWords(wordsOf(text))),
  };
}

/** All conditions must hold (an empty list always holds). */
export function compileConditions(conditions: readonly Condition[]): ConditionPredicate {
  const predicates = conditions.map(compileCondition);
  return (event) => predicates.every((predicate) => predicate(event));
}

export function compileCondition(condition: Condition): ConditionPredicate {
  const predicates: ConditionPredicate[] = [];
  if (condition.text) predicates.push(_text(condition.text));
  if (condition.channel) {
    const channels = new Set(condition.channel.map((channel) => channel.toLowerCase()));
    predicates.push((event) => channels.has(event.ticket.channel.toLowerCase()));
  }
  if (condition.language) {
    const languages = condition.language.map((language) => language.toLowerCase());
    predicates.push((event) => {
      const language = event.ticket.language?.toLowerCase();
      return language !== undefined && languages.some((wanted) => language === wanted || language.startsWith(`${wanted}-`));
    });
  }
  if (condition.tags) {
    const lower = (tags: string[] | undefined) => tags?.map((tag) => tag.toLowerCase());
    const [any, all, none] = [lower(condition.tags.any), lower(condition.tags.all), lower(condition.tags.none)];
    predicates.push(
      (event) =>
        (!any || any.some((tag) => event.tags.has(tag))) && (!all || all.every((tag) => event.tags.has(tag))) && (!none || !none.some((tag) => event.tags.has(tag))),
    );
  }
  if (condition.customer) predicates.push(_customer(condition.customer));
  if (condition.time) {
    const inside = compileBusinessHours(condition.time);
    const wanted = condition.time.during === 'inside';
    predicates.push((event) => inside(event.at) === wanted);
  }
  if (condition.any) {
    const alternatives = condition.any.map(compileCondition);
    predicates.push((event) => alternatives.some((predicate) => predicate(event)));
  }
  return (event) => predicates.every((predicate) => predicate(event));
}

// --- internal ---

function _text(text: TextCondition): ConditionPredicate {
  const any = text.any?.map(compileWordPattern);
  const all = text.all?.map(compileWordPattern);
  const regex = text.regex === undefined ? undefined : compileRuleRegex(text.regex);
  const fields: TextField[] = text.in;
  const found = (event: RuleEvent, pattern: WordPattern) => fields.some((field) => matchesWords(event[field].words(), pattern));
  return (event) =>
    (!any || any.some((pattern) => found(event, pattern))) &&
    (!all || all.every((pattern) => found(event, pattern))) &&
    (!regex || fields.some((field) => regex.test(event[field].folded())));
}

function _customer(customer: NonNullable<Condition['customer']>): ConditionPredicate {
  const emails = customer.email && new Set(customer.email.map((email) => email.trim().toLowerCase()));
  const domains = customer.domain?.map((domain) => domain.trim().toLowerCase().replace(/^@/, ''));
  const names = customer.name?.map(compileWordPattern);
  return (event) => {
    const email = event.ticket.customer.email?.trim().toLowerCase();
    const domain = email?.slice(email.lastIndexOf('@') + 1);
    if (emails && !(email && emails.has(email))) return false;
    if (domains && !(domain && domains.some((wanted) => domain === wanted || domain.endsWith(`.${wanted}`)))) return false;
    if (names) {
      const words = indexWords(wordsOf(event.ticket.customer.name ?? ''));
      if (!names.some((pattern) => matchesWords(words, pattern))) return false;
    }
    return true;
  };
}
