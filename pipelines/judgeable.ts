import type { Ticket } from '../datasets/records.ts';

/**
 * Which tickets the judge can compare an answer on: a customer's question and an agent's public
 * reply after it. Everything else is replayed for nothing, so import and simulate say how many
 * there are, and why the others are not.
 */

export type NotJudgeable = 'spam' | 'no-question' | 'no-reply' | 'reply-before-question' | 'internal-reply-only';

export interface JudgeableCount {
  tickets: number;
  judgeable: number;
  /** Tickets that cannot be judged, by reason. */
  not: Partial<Record<NotJudgeable, number>>;
}

const NOT_JUDGEABLE_WORDS: Record<NotJudgeable, string> = {
  spam: 'marked as spam',
  'no-question': 'no customer message',
  'no-reply': 'no agent reply',
  'reply-before-question': 'the agent wrote first and the customer never asked after',
  'internal-reply-only': 'only internal notes after the question',
};

/** Why a ticket cannot be judged, or undefined when it can. */
export function whyNotJudgeable(ticket: Ticket): NotJudgeable | undefined {
  if (ticket.spam) return 'spam';
  const { messages } = ticket;
  const question = messages.findIndex((message) => message.role === 'customer' && !message.internal);
  if (question < 0) return 'no-question';
  // Walked by index rather than through slices: this runs for every ticket an import writes.
  let internalAfter = false;
  for (let index = question + 1; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role !== 'agent') continue;
    if (!message.internal) return undefined;
    internalAfter = true;
  }
  if (internalAfter) return 'internal-reply-only';
  for (let index = 0; index < question; index++) if (messages[index]!.role === 'agent' && !messages[index]!.internal) return 'reply-before-question';
  return 'no-reply';
}

export function addTicket(count: JudgeableCount, ticket: Ticket): void {
  count.tickets++;
  const why = whyNotJudgeable(ticket);
  if (why === undefined) count.judgeable++;
  else count.not[why] = (count.not[why] ?? 0) + 1;
}

/** What to export so tickets can be judged, by helpdesk, for the reason most tickets fail. */
const EXPORT_REPLIES: Record<string, string> = {
  zendesk: 'Zendesk: export each ticket\'s comments (GET /api/v2/tickets/{id}/comments) or the incremental ticket events with comment events (GET /api/v2/incremental/ticket_events?include=comment_events)',
  gorgias: 'Gorgias: export the messages (GET /api/messages) or the tickets with their messages',
  freshdesk: 'Freshdesk: export each ticket\'s conversations (GET /api/v2/tickets/{id}/conversations); the CSV export holds the first message only',
};

/**
 * One sentence on how many tickets can be judged; when some cannot, the reasons, and when none
 * can, what to export (for the helpdesks the tickets came from).
 */
export function describeJudgeable(count: JudgeableCount, sources: readonly string[] = []): string {
  const reasons = (Object.entries(count.not) as Array<[NotJudgeable, number]>)
    .sort((a, b) => b[1] - a[1])
    .map(([why, n]) => `${n.toLocaleString('en-US')} ${NOT_JUDGEABLE_WORDS[why]}`);
  const head = `${count.judgeable.toLocaleString('en-US')} of ${count.tickets.toLocaleString('en-US')} tickets can be judged (a customer question and an agent reply after it)`;
  if (count.judgeable > 0) return reasons.length > 0 ? `${head}; not the others: ${reasons.join(', ')}.` : `${head}.`;
  const advice = [...new Set(sources)].flatMap((source) => EXPORT_REPLIES[source] ?? []);
  const what = advice.length > 0 ? advice.join('; ') : 'export the tickets with their replies (comments, messages or conversations), not the tickets list alone';
  const why = count.tickets === 0 ? 'there are no tickets' : reasons.join(', ');
  return `${head}: none can, so a replay would measure nothing (${why}). To fix it, ${what}.`;
}
