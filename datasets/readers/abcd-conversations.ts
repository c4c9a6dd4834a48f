import { extname } from 'node:path';
import { readJsonRecords } from '../io/json.ts';
import { isObject, str } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { Customer, Message } from '../records.ts';
import { ticketItem, warnFirstRecord } from './_tickets.ts';

/**
 * ABCD conversations (Action-Based Conversations Dataset, ASAPP, MIT) as tickets of two messages:
 * the customer's request and the agent's first substantive reply, which is what replay compares.
 * Two shapes: the full format (`abcd_v1.1.json` is `{train, dev, test}` of conversations,
 * `abcd_sample.json` a plain array) with `original` turns and a `scenario` holding the intent and
 * the customer; and a processed JSONL, one array of `{user, assistant}` turns a line, without labels.
 */

type Fields = Record<string, unknown>;
type Speaker = 'customer' | 'agent' | 'action';
interface Turn {
  speaker: Speaker;
  text: string;
}

export const ABCD_TIME_WARNING =
  'ABCD has no timestamps: conversations are dated one hour apart in file order, so replay sees every earlier conversation as past history';

/** Conversation n (0-based, in file order) starts at START + n hours; its answer is known half an hour later. */
const START_MS = Date.parse('2024-01-01T00:00:00Z');
const HOUR_MS = 3_600_000;
const ANSWER_DELAY_MS = HOUR_MS / 2;

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** An opening with no request in it ("HEY HO!", "Hello"): the request comes after the agent's greeting. */
const GREETING = /^(hi|hello|hey|hiya|howdy|greetings|good (morning|afternoon|evening))\b/i;
const isGreeting = (text: string) => GREETING.test(text) && words(text) <= 3 && !text.includes('?');

/** The agent asking for the details that pull up an account, not answering yet. */
const IDENTITY = /\b(name|username|user name|e-?mail|order id|account id|phone|zip|address|membership level|member level)\b/i;
/** The agent buying time. */
const HOLDING = /\b(one moment|a moment|a second|a minute|let me (check|look|see|find|pull)|bear with me|please wait|hold on|i will (answer|check|look)|i'll (check|look))\b/i;
const STATEMENT_WORDS = 8;
const IDENTITY_ASK_WORDS = 20;

/**
 * Substantive: the agent tells the customer something. Deterministically, a message with a sentence
 * of at least 8 words not ending in "?", that is not a holding line and, when under 20 words, does not
 * mention an identity detail (a short message naming the email or order id is asking for it).
 * This skips greetings, "may I have your name?", "one moment please" and clarifying questions.
 */
export function isSubstantive(text: string): boolean {
  const statement = text
    .split(/(?<=[.!?])\s+/)
    .some((sentence) => !sentence.trim().endsWith('?') && words(sentence) >= STATEMENT_WORDS);
  if (!statement || HOLDING.test(text)) return false;
  return !(IDENTITY.test(text) && words(text) < IDENTITY_ASK_WORDS);
}

/**
 * The request: the customer's first messages up to the next agent turn, joined; when those are only
 * greetings, the next run of customer messages too. Returns the request and where the search for an
 * answer starts.
 */
function question(turns: Turn[]): { text: string; next: number } | undefined {
  const parts: string[] = [];
  let index = turns.findIndex((turn) => turn.speaker === 'customer');
  if (index < 0) return undefined;
  while (index < turns.length) {
    const run: string[] = [];
    for (; index < turns.length && turns[index]!.speaker !== 'agent'; index++) {
      if (turns[index]!.speaker === 'customer') run.push(turns[index]!.text);
    }
    parts.push(...run);
    if (!parts.every(isGreeting)) break;
    // Past the agent's reply to the greeting, to the customer's next messages.
    while (index < turns.length && turns[index]!.speaker !== 'customer') index++;
  }
  return { text: parts.join('\n'), next: index };
}

function toTicket(turns: Turn[], draft: { id: string; tags: string[]; customer: Customer }, at: SourceLocation, warnings: string[]): ReadItem {
  const located = { ...at, id: draft.id };
  const asked = question(turns);
  if (!asked) return { type: 'skip', at: located, reason: 'the conversation has no customer message' };
  const answer = turns.slice(asked.next).find((turn) => turn.speaker === 'agent' && isSubstantive(turn.text));
  if (!answer) return { type: 'skip', at: located, reason: 'no substantive agent reply (only greetings, questions, holding lines or requests for account details)' };
  const opened = START_MS + ((at.record ?? 1) - 1) * HOUR_MS;
  const createdAt = new Date(opened).toISOString();
  const answeredAt = new Date(opened + ANSWER_DELAY_MS).toISOString();
  const messages: Message[] = [
    { role: 'customer', sentAt: createdAt, text: asked.text },
    { role: 'agent', sentAt: answeredAt, text: answer.text },
  ];
  const ticket = { id: draft.id, source: 'abcd', createdAt, closedAt: answeredAt, channel: 'chat', language: 'en', subject: '', customer: draft.customer, tags: draft.tags };
  return ticketItem(ticket, messages, located, warnings);
}

/** `crystal minh` → `Crystal Minh`: ABCD lower-cases its scenario names. */
const titleCase = (name: string) => name.replace(/\b[a-z]/g, (letter) => letter.toUpperCase());

function fullItem(value: Fields, at: SourceLocation, warnings: string[]): ReadItem {
  const convoId = str(value.convo_id);
  const id = convoId ? `abcd-${convoId}` : `abcd-record-${at.record}`;
  const original = Array.isArray(value.original) ? value.original : [];
  const turns = original.flatMap((turn): Turn[] => {
    if (!Array.isArray(turn)) return [];
    const [speaker, text] = turn as unknown[];
    return (speaker === 'customer' || speaker === 'agent' || speaker === 'action') && str(text) ? [{ speaker, text: str(text)! }] : [];
  });
  if (turns.length === 0) return { type: 'skip', at: { ...at, id }, reason: 'the conversation has no `original` turns' };
  const scenario = isObject(value.scenario) ? value.scenario : {};
  const personal = isObject(scenario.personal) ? scenario.personal : {};
  const name = str(personal.customer_name);
  const customer: Customer = { id: str(personal.username), name: name ? titleCase(name) : undefined, email: str(personal.email) };
  const flow = str(scenario.flow);
  const subflow = str(scenario.subflow);
  const tags = flow && subflow ? [flow, subflow, `intent:${flow}/${subflow}`] : [flow, subflow].filter((tag): tag is string => tag !== undefined);
  return toTicket(turns, { id, tags, customer }, at, warnings);
}

/** ABCD system actions folded into the processed agent text, e.g. `<<account_pulled>>`. */
const ACTION_TOKEN = /<<[a-z_]+>>/g;
const HAS_ACTION = /<<[a-z_]+>>/;

function processedTurns(pairs: unknown[]): Turn[] {
  return pairs.filter(isObject).flatMap((pair) => {
    const customer = (str(pair.user) ?? '').split('\n').map((line): Turn => ({ speaker: 'customer', text: line.trim() }));
    const agent = (str(pair.assistant) ?? '').split('\n').flatMap((line): Turn[] => {
      const text = line.replace(ACTION_TOKEN, '').trim();
      return [...(HAS_ACTION.test(line) ? [{ speaker: 'action' as const, text: line.trim() }] : []), ...(text ? [{ speaker: 'agent' as const, text }] : [])];
    });
    return [...customer, ...agent].filter((turn) => turn.text !== '');
  });
}

async function* readItems(path: string, options: ReadOptions): AsyncGenerator<ReadItem> {
  // A processed file's lines are arrays, which the NDJSON sniffing (objects only) would not see.
  const lines = ['.jsonl', '.ndjson'].includes(extname(path).toLowerCase());
  let record = 0;
  for await (const item of readJsonRecords(path, { recordKeys: ['train', 'dev', 'test'], encoding: options.encoding, lines })) {
    record++;
    const at = { file: path, line: item.line, record };
    yield item.type === 'error' ? { type: 'skip', at, reason: item.reason } : toItem(item.value, at, []);
  }
}

function toItem(value: unknown, at: SourceLocation, warnings: string[]): ReadItem {
  if (isObject(value)) return fullItem(value, at, warnings);
  if (Array.isArray(value) && value.every(isObject)) {
    return toTicket(processedTurns(value), { id: `abcd-processed-${at.record}`, tags: [], customer: {} }, at, warnings);
  }
  return { type: 'skip', at, reason: 'expected an ABCD conversation object or an array of {user, assistant} turns' };
}

/** The full format: a conversation's first keys, in ABCD's order. */
const FULL_HEAD = /"convo_id"\s*:\s*\d+\s*,\s*"scenario"\s*:\s*\{/;
/** The processed format: a line that is an array of `{"user": ..., "assistant": ...}`. */
const PROCESSED_HEAD = /^\s*\[\s*\{\s*"user"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"assistant"\s*:/;

export const abcdConversationsReader: Reader = {
  name: 'abcd-conversations',
  description: 'ABCD conversations (abcd_v1.1.json splits or a conversation array; or processed JSONL of {user, assistant} turns), dated one hour apart',
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || !['.json', '.jsonl', '.ndjson'].includes(probe.ext)) return 0;
    const head = probe.head.replace(/^\uFEFF/, '');
    if (FULL_HEAD.test(head) && /"original"\s*:\s*\[\s*\[\s*"(agent|customer|action)"/.test(head)) return 0.95;
    return PROCESSED_HEAD.test(head) ? 0.8 : 0;
  },
  read(path, options) {
    return warnFirstRecord(readItems(path, options), ABCD_TIME_WARNING);
  },
};
