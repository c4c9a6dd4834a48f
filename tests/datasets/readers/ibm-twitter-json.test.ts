import { describe, expect, it } from 'vitest';
import type { ReadItem } from '../../../datasets/reader.ts';
import { ibmTwitterReader, tweetTime } from '../../../datasets/readers/ibm-twitter-json.ts';
import type { Ticket } from '../../../datasets/records.ts';
import { collect, useTempDir, writeTemp } from '../../helpers/temp.ts';
import { detectedFormat, expectAccounted } from './_ticket-items.ts';
import { records } from './_read.ts';

// The IBM set's screen names are real people's: these fixtures are invented, never copied from it.
const tempDir = useTempDir();

/** A tweet id sent at `iso`, laid out as Twitter documents its snowflakes: ms since 2010-11-04T01:42:54.657Z, shifted 22 bits. */
const snowflake = (iso: string, low = 4_321) => String(((BigInt(Date.parse(iso)) - 1_288_834_974_657n) << 22n) + BigInt(low));

const tweet = (who: 'client' | 'client1' | 'agent', name: string, datetime: string, message: string) => ({ [who]: name, datetime, message, tweet_ID: snowflake(datetime) });

function conversation(overrides: { company?: string; reply?: Record<string, unknown>; turns?: unknown[]; duration?: string; sessionID?: string } = {}) {
  return {
    agentURL: overrides.reply ?? {
      doc_id: '7',
      turn: '4',
      tweet_ID: snowflake('2020-03-02T09:40:00.250Z'),
      url: 'https://help.example/reset',
      url_utterance: '@pixel_pal Thanks for waiting. Here is how to reset it: https://help.example/reset',
    },
    dialogContent: overrides.turns ?? [
      tweet('client', 'pixel_pal', '2020-03-02T09:00:00.000Z', '@GameCare my console will not start'),
      tweet('agent', 'GameCare', '2020-03-02T09:10:00.000Z', '@pixel_pal Which model is it?'),
      tweet('client', 'pixel_pal', '2020-03-02T09:20:00.000Z', '@GameCare the slim one'),
    ],
    dialogHeader: {
      company: overrides.company ?? 'GameCare',
      conversationDateTime: '2020-03-02T09:00:00.000Z',
      duration: overrides.duration ?? '00:40:00.0',
      messageCount: '4',
      sessionID: overrides.sessionID ?? 'sessA1',
    },
  };
}

async function readConversations(conversations: unknown[]): Promise<{ path: string; items: ReadItem[] }> {
  const path = await writeTemp(await tempDir(), 'dev.json', JSON.stringify(conversations, null, 4));
  return { path, items: await collect(ibmTwitterReader.read(path, { maxMessageChars: 100_000 })) };
}

describe('ibm-twitter-json reader', () => {
  it('reads a thread as a twitter ticket: the brand is the agent, the customer is "@handle", the final reply closes it', async () => {
    const { items } = await readConversations([conversation()]);
    expectAccounted(items, 1);
    expect(items[0]).not.toHaveProperty('warnings');
    expect(records<Ticket>(items)[0]).toEqual({
      id: 'twitter-sessA1',
      source: 'ibm-twitter',
      createdAt: '2020-03-02T09:00:00.000Z',
      closedAt: '2020-03-02T09:40:00.250Z',
      channel: 'twitter',
      language: 'en',
      subject: '',
      customer: { id: '@pixel_pal' },
      tags: ['brand:GameCare'],
      messages: [
        // Leading @handles stay in the text as sent, marked as this thread's own.
        { id: snowflake('2020-03-02T09:00:00.000Z'), role: 'customer', author: '@pixel_pal', sentAt: '2020-03-02T09:00:00.000Z', text: '@GameCare my console will not start', personal: ['@GameCare'] },
        { id: snowflake('2020-03-02T09:10:00.000Z'), role: 'agent', author: '@GameCare', sentAt: '2020-03-02T09:10:00.000Z', text: '@pixel_pal Which model is it?', personal: ['@pixel_pal'] },
        { id: snowflake('2020-03-02T09:20:00.000Z'), role: 'customer', author: '@pixel_pal', sentAt: '2020-03-02T09:20:00.000Z', text: '@GameCare the slim one', personal: ['@GameCare'] },
        {
          id: snowflake('2020-03-02T09:40:00.250Z'),
          role: 'agent',
          author: '@GameCare',
          sentAt: '2020-03-02T09:40:00.250Z',
          text: '@pixel_pal Thanks for waiting. Here is how to reset it: https://help.example/reset',
          // The cited help article is knowledge, not personal.
          personal: ['@pixel_pal'],
        },
      ],
    });
  });

  it('marks the leading @handles and the links of a tweet as its own, in French and English', async () => {
    const { items } = await readConversations([
      conversation({
        turns: [
          tweet('client', 'julie_m', '2020-03-02T09:00:00.000Z', '@GameCare @SNCF bonjour, ma console ne démarre plus https://t.co/Ab12Cd'),
          tweet('agent', 'GameCare', '2020-03-02T09:10:00.000Z', '@julie_m Sorry! Send us a DM: https://t.co/Dm9Zz and we will help'),
        ],
      }),
    ]);
    const [question, answer] = records<Ticket>(items)[0]!.messages;
    expect(question).toMatchObject({ text: '@GameCare @SNCF bonjour, ma console ne démarre plus https://t.co/Ab12Cd', personal: ['@GameCare', '@SNCF', 'https://t.co/Ab12Cd'] });
    expect(answer).toMatchObject({ text: '@julie_m Sorry! Send us a DM: https://t.co/Dm9Zz and we will help', personal: ['@julie_m', 'https://t.co/Dm9Zz'] });
  });

  it('is detected from a JSON array of conversations, and nothing else', async () => {
    const { path } = await readConversations([conversation()]);
    expect(await detectedFormat(path)).toBe('ibm-twitter-json');
    const head = JSON.stringify([{ dialogHeader: {}, dialogContent: [], agentURL: {} }]);
    expect(ibmTwitterReader.detect({ path, isDirectory: false, ext: '.json', head })).toBeGreaterThanOrEqual(0.9);
    expect(ibmTwitterReader.detect({ path, isDirectory: false, ext: '.json', head: `{"data": ${head}}` })).toBe(0);
    expect(ibmTwitterReader.detect({ path, isDirectory: false, ext: '.json', head: '[{"id": 1, "messages": []}]' })).toBe(0);
  });

  it('dates the final reply by its tweet id, since the duration drops whole days', async () => {
    const late = conversation({
      duration: '01:00:00.0',
      reply: { tweet_ID: snowflake('2020-03-04T10:00:00.000Z'), url_utterance: '@pixel_pal See https://help.example/reset' },
    });
    const ticket = records<Ticket>((await readConversations([late])).items)[0]!;
    expect(ticket.closedAt).toBe('2020-03-04T10:00:00.000Z');
    expect(tweetTime('not-an-id')).toBeUndefined();
    expect(tweetTime(snowflake('2019-07-11T14:38:48.000Z'))).toBe('2019-07-11T14:38:48.000Z');
  });

  it('falls back to start + duration without a tweet id, and to the last tweet when the duration is unusable, saying so', async () => {
    const noId = conversation({ sessionID: 'noId', reply: { url_utterance: '@pixel_pal See https://help.example/reset' } });
    const negative = conversation({ sessionID: 'neg', duration: '-21:36:56.', reply: { url_utterance: '@pixel_pal See https://help.example/reset' } });
    const { items } = await readConversations([noId, negative]);
    expectAccounted(items, 2);
    const [first, second] = records<Ticket>(items);
    expect(first!.closedAt).toBe('2020-03-02T09:40:00.000Z');
    expect(items[0]).toMatchObject({ warnings: ["the final reply's tweet_ID gives no time: it is dated at the conversation start plus its duration"] });
    expect(second!.closedAt).toBe('2020-03-02T09:20:00.000Z');
    expect(second!.messages.at(-1)!.text).toBe('@pixel_pal See https://help.example/reset');
    expect(items[1]).toMatchObject({ warnings: ["neither the final reply's tweet_ID nor the duration dates it after the last tweet: it is dated at the last tweet"] });
  });

  it('takes for the customer the account the reply addresses, and reads other brands and bystanders as customer-side', async () => {
    const thread = conversation({
      reply: { tweet_ID: snowflake('2020-03-02T10:00:00.000Z'), url_utterance: '@late_joiner Here is the merger FAQ: https://help.example/merger' },
      turns: [
        tweet('client', 'NewsBrand', '2020-03-02T09:00:00.000Z', 'Big news: we are merging!'),
        tweet('agent', 'OtherShopHelp', '2020-03-02T09:05:00.000Z', '@late_joiner please ask the phone maker'),
        tweet('client1', 'late_joiner', '2020-03-02T09:30:00.000Z', '@GameCare @NewsBrand what happens to my plan?'),
      ],
    });
    const { items } = await readConversations([thread]);
    const ticket = records<Ticket>(items)[0]!;
    expect(ticket.customer).toEqual({ id: '@late_joiner' });
    expect(ticket.messages.map((message) => `${message.role} ${message.author}`)).toEqual([
      'customer @NewsBrand',
      'customer @OtherShopHelp',
      'customer @late_joiner',
      'agent @GameCare',
    ]);
    expect(items[0]).toMatchObject({
      warnings: [
        'tweet 2 is filed under agent but is not from @GameCare: it is read as a customer-side tweet',
        '3 accounts besides the brand tweet in the thread: all their tweets are customer messages',
      ],
    });
  });

  it('takes the last account to tweet when the reply addresses none of them, matching handles in any case', async () => {
    const renamed = conversation({ reply: { tweet_ID: snowflake('2020-03-02T10:00:00.000Z'), url_utterance: '@renamed_pal See https://help.example/reset' } });
    const cased = conversation({ sessionID: 'cased', company: 'gamecare', reply: { tweet_ID: snowflake('2020-03-02T10:00:00.000Z'), url_utterance: '@PIXEL_PAL See https://help.example/reset' } });
    const { items } = await readConversations([renamed, cased]);
    const [first, second] = records<Ticket>(items);
    expect(first!.customer).toEqual({ id: '@pixel_pal' });
    expect(items[0]).toMatchObject({ warnings: ['the final reply addresses none of the accounts in the thread: the customer is the last one to tweet before it'] });
    expect(second!.customer).toEqual({ id: '@pixel_pal' });
    expect(second!.messages.map((message) => message.role)).toEqual(['customer', 'agent', 'customer', 'agent']);
    expect(second!.tags).toEqual(['brand:gamecare']);
  });

  it('skips each bad record with its file, record number and reason, and reads the good ones around it', async () => {
    const noBrand = conversation({ sessionID: 'noBrand' });
    delete (noBrand.dialogHeader as Partial<typeof noBrand.dialogHeader>).company;
    const brandOnly = conversation({ sessionID: 'brandOnly', turns: [tweet('agent', 'GameCare', '2020-03-02T09:00:00.000Z', 'We are here to help')] });
    const noReply = conversation({ sessionID: 'noReply', reply: { tweet_ID: snowflake('2020-03-02T10:00:00.000Z') } });
    const noTweets = { ...conversation({ sessionID: 'noTweets' }), dialogContent: 'none' };
    const { path, items } = await readConversations([42, noBrand, conversation({ sessionID: 'good1' }), brandOnly, noReply, noTweets, conversation({ sessionID: 'good2' })]);
    expectAccounted(items, 7);
    expect(records<Ticket>(items).map((ticket) => ticket.id)).toEqual(['twitter-good1', 'twitter-good2']);
    const skipped = items.flatMap((item) => (item.type === 'skip' ? [[item.at.file, item.at.record, item.at.id, item.reason]] : []));
    expect(skipped).toEqual([
      [path, 1, undefined, 'expected a conversation object'],
      [path, 2, 'twitter-noBrand', "missing the brand's handle (dialogHeader.company): agent and customer cannot be told apart"],
      [path, 4, 'twitter-brandOnly', 'no tweet from anyone but @GameCare: there is no customer question'],
      [path, 5, 'twitter-noReply', "missing the brand's final reply (agentURL.url_utterance)"],
      [path, 6, 'twitter-noTweets', 'missing the tweets (dialogContent)'],
    ]);
  });

  it('leaves out a tweet without an author or a time, saying which', async () => {
    const turns = [
      tweet('client', 'pixel_pal', '2020-03-02T09:00:00.000Z', '@GameCare help'),
      { datetime: '2020-03-02T09:01:00.000Z', message: 'who am I?', tweet_ID: '1' },
      { client: 'pixel_pal', datetime: 'yesterday', message: 'when am I?', tweet_ID: 'x' },
    ];
    const { items } = await readConversations([conversation({ turns })]);
    expect(records<Ticket>(items)[0]!.messages).toHaveLength(2);
    expect(items[0]).toMatchObject({
      warnings: ['tweet 2 has no author (no client or agent field) and was left out', 'tweet 3 has no readable datetime or tweet_ID and was left out'],
    });
  });
});
