import { isObject, messageBody, str, toIsoDate } from '../normalize.ts';
import type { ReadItem, ReadOptions, Reader, SourceLocation } from '../reader.ts';
import type { Message } from '../records.ts';
import { jsonItems } from './_json-records.ts';
import { objectsIn, optionalDate, ticketItem } from './_tickets.ts';

/**
 * IBM's Twitter customer-care threads (Conversational Document Prediction, Ganhotra et al. 2020,
 * Apache-2.0): a JSON array of conversations between customers and a brand's support account.
 * Each is one ticket: the tweets of `dialogContent`, then the brand's final reply (`agentURL`),
 * which links a help article. The screen names are real people's: PII, like any customer's.
 */

type Fields = Record<string, unknown>;

/** Twitter ids since late 2010 are "snowflakes": the top bits are milliseconds since this epoch. */
const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;
const SNOWFLAKE_ID = /^\d{15,19}$/;

/** When a tweet was sent, read from its id; undefined for an id that is not a snowflake. */
export function tweetTime(id: unknown): string | undefined {
  const text = str(id);
  if (!text || !SNOWFLAKE_ID.test(text)) return undefined;
  return toIsoDate(Number((BigInt(text) >> 22n) + SNOWFLAKE_EPOCH_MS));
}

/** `HH:MM:SS.s` after `start`; the set also has negative and day-prefixed durations, which are not read. */
function afterDuration(start: string, duration: unknown): string | undefined {
  const parts = /^(\d{1,3}):([0-5]\d):([0-5]\d)(?:\.\d{0,6})?$/.exec(str(duration) ?? '');
  if (!parts) return undefined;
  const [, hours, minutes, seconds] = parts.map(Number);
  return new Date(Date.parse(start) + ((hours! * 60 + minutes!) * 60 + seconds!) * 1000).toISOString();
}

/**
 * The final reply has no date. Its tweet id holds the exact time; the header's `duration` after the
 * start is a fallback only, since the set's durations drop whole days (147 of 1,025 in dev+test).
 */
function replyTime(reply: Fields, start: string, duration: unknown, lastTweet: string, warnings: string[]): string {
  const fromId = tweetTime(reply.tweet_ID);
  if (fromId && fromId >= lastTweet) return fromId;
  const fromDuration = afterDuration(start, duration);
  if (fromDuration && fromDuration >= lastTweet) {
    warnings.push("the final reply's tweet_ID gives no time: it is dated at the conversation start plus its duration");
    return fromDuration;
  }
  warnings.push("neither the final reply's tweet_ID nor the duration dates it after the last tweet: it is dated at the last tweet");
  return lastTweet;
}

/** The screen name as a tweet writes it: `@name`. */
const handle = (screenName: string) => `@${screenName.replace(/^@/, '')}`;
const sameHandle = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The accounts a tweet is addressed to: the @names it opens with. */
function addressees(text: string): string[] {
  const opening = /^\s{0,10}(?:@\w{1,50}\s{0,10})+/.exec(text)?.[0] ?? '';
  return opening.match(/@\w{1,50}/g) ?? [];
}

const LINK = /https?:\/\/[^\s]{1,2000}/g;

/**
 * What in a tweet is this thread's own: the @handles it opens with (whom it answers) and its links
 * (often a DM link or a shortened URL made for this customer). Marked, not removed: the text stays
 * as it was sent, and candidates must not reuse these parts for someone else.
 */
function personalParts(text: unknown, article?: string): { personal?: string[] } {
  const raw = typeof text === 'string' ? text : '';
  // The help article the brand's final reply cites is knowledge, not this thread's own.
  const links = (raw.match(LINK) ?? []).filter((link) => link !== article);
  const parts = [...new Set([...addressees(raw), ...links])];
  return parts.length > 0 ? { personal: parts } : {};
}

/**
 * A turn is `{client | client1 | agent: screen name, datetime, message, tweet_ID}`. The brand's handle
 * is the agent side; anyone else is the customer side, even a turn the export files under `agent`
 * (another brand's support account joining the thread).
 */
function toMessage(turn: Fields, index: number, brand: string, options: ReadOptions, warnings: string[]): Message[] {
  const key = Object.keys(turn).find((name) => name === 'agent' || /^client\d{0,3}$/.test(name));
  const screenName = key && str(turn[key]);
  if (!screenName) {
    warnings.push(`tweet ${index + 1} has no author (no client or agent field) and was left out`);
    return [];
  }
  const sentAt = toIsoDate(turn.datetime) ?? tweetTime(turn.tweet_ID);
  if (!sentAt) {
    warnings.push(`tweet ${index + 1} has no readable datetime or tweet_ID and was left out`);
    return [];
  }
  const author = handle(screenName);
  const fromBrand = sameHandle(author, brand);
  if (key === 'agent' && !fromBrand) warnings.push(`tweet ${index + 1} is filed under agent but is not from ${brand}: it is read as a customer-side tweet`);
  const body = messageBody({ text: turn.message }, options.maxMessageChars, warnings);
  return [{ id: str(turn.tweet_ID), role: fromBrand ? 'agent' : 'customer', author, sentAt, ...body, ...personalParts(turn.message) }];
}

/** Whom the brand's reply addresses among the thread's other speakers, else the last of them to tweet. */
function customerOf(reply: string, customerTweets: Message[], warnings: string[]): string {
  const speakers = customerTweets.map((message) => message.author!);
  const addressed = addressees(reply).map((name) => speakers.find((speaker) => sameHandle(speaker, name))).find(Boolean);
  if (addressed) return addressed;
  warnings.push('the final reply addresses none of the accounts in the thread: the customer is the last one to tweet before it');
  return speakers.at(-1)!;
}

function toItem(value: unknown, at: SourceLocation, options: ReadOptions): ReadItem {
  if (!isObject(value)) return { type: 'skip', at, reason: 'expected a conversation object' };
  const header = isObject(value.dialogHeader) ? value.dialogHeader : {};
  const reply = isObject(value.agentURL) ? value.agentURL : {};
  const id = str(header.sessionID) ?? str(reply.tweet_ID);
  if (!id) return { type: 'skip', at, reason: 'missing conversation id (dialogHeader.sessionID, or agentURL.tweet_ID)' };
  const located = { ...at, id: `twitter-${id}` };
  const company = str(header.company);
  if (!company) return { type: 'skip', at: located, reason: "missing the brand's handle (dialogHeader.company): agent and customer cannot be told apart" };
  const brand = handle(company);
  const replyText = str(reply.url_utterance);
  if (!replyText) return { type: 'skip', at: located, reason: "missing the brand's final reply (agentURL.url_utterance)" };
  if (!Array.isArray(value.dialogContent)) return { type: 'skip', at: located, reason: 'missing the tweets (dialogContent)' };

  const warnings: string[] = [];
  const messages = objectsIn<Fields>(value.dialogContent, 'tweet', warnings).flatMap(({ value: turn, index }) => toMessage(turn, index, brand, options, warnings));
  const times = messages.map((message) => message.sentAt).sort();
  const customerTweets = messages.filter((message) => message.role === 'customer').sort((a, b) => a.sentAt.localeCompare(b.sentAt));
  if (customerTweets.length === 0) return { type: 'skip', at: located, reason: `no tweet from anyone but ${brand}: there is no customer question` };
  const speakers = new Set(customerTweets.map((message) => message.author!.toLowerCase())).size;
  if (speakers > 1) warnings.push(`${speakers} accounts besides the brand tweet in the thread: all their tweets are customer messages`);

  const createdAt = optionalDate(header.conversationDateTime, 'dialogHeader.conversationDateTime', warnings) ?? times[0]!;
  const closedAt = replyTime(reply, createdAt, header.duration, times.at(-1)!, warnings);
  const final: Message = {
    id: str(reply.tweet_ID),
    role: 'agent',
    author: brand,
    sentAt: closedAt,
    ...messageBody({ text: replyText }, options.maxMessageChars, warnings),
    ...personalParts(replyText, str(reply.url)),
  };
  return ticketItem(
    {
      id: located.id,
      source: 'ibm-twitter',
      createdAt,
      closedAt,
      channel: 'twitter',
      language: 'en',
      subject: '',
      customer: { id: customerOf(replyText, customerTweets, warnings) },
      tags: [`brand:${company.replace(/^@/, '')}`],
    },
    [...messages, final],
    located,
    warnings,
  );
}

/** Keys of a conversation, which an array of them shows in its first 64 KiB. */
const CONVERSATION_KEYS = [/"dialogHeader"\s*:\s*\{/, /"dialogContent"\s*:\s*\[/, /"agentURL"\s*:\s*\{/];

export const ibmTwitterReader: Reader = {
  name: 'ibm-twitter-json',
  description:
    "IBM's Twitter customer-care threads (dev.json/test.json, real public tweets, Apache-2.0): one ticket per conversation on the " +
    "twitter channel, the brand's tweets as the agent's and everyone else's as the customer's, ending with the brand's final reply " +
    '(dated by its tweet id). The customer is the account that reply addresses, as customer.id = "@handle" the way a tweet writes it, ' +
    "so an answer's @mentions compare to it directly; there is no customer name. The brand is the tag brand:<handle>",
  kinds: ['ticket'],
  detect(probe) {
    if (probe.isDirectory || probe.ext !== '.json') return 0;
    const head = probe.head.replace(/^\uFEFF/, '').trimStart();
    return head.startsWith('[') && CONVERSATION_KEYS.every((key) => key.test(head)) ? 0.95 : 0;
  },
  read(path, options) {
    return jsonItems(path, options.encoding, [], (value, at) => toItem(value, at, options));
  },
};
