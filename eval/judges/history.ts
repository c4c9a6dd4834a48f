import type { Message, Ticket } from '../../datasets/records.ts';

/** How a real ticket went: the agent's reply a candidate is judged against, and how it ended. */
export interface TicketHistory {
  /** The first customer message: what a candidate answers. */
  question?: Message;
  /** The agent's first public reply after it. */
  reference?: Message;
  /** Nothing but thanks came from the customer after that reply: one answer closed it. */
  oneTouch: boolean;
  /** The customer thanked or rated the support well. */
  customerSignal: boolean;
  /** An agent or a rule sent something: billable on a per-ticket helpdesk plan. */
  billable: boolean;
}

const THANKS = /\b(merci|thanks?|thank you|thx|parfait|perfect|super|génial|great|top|nickel|ok(?:ay)?|d'accord|reçu|received)\b/i;

/** A short message of thanks with no new question, which needs no further answer. */
export function isThanksOnly(text: string): boolean {
  return text.length <= 160 && !text.includes('?') && THANKS.test(text);
}

const GOOD_RATING = 0.75;

export function ticketHistory(ticket: Ticket): TicketHistory {
  const visible = ticket.messages.filter((message) => !message.internal);
  const questionIndex = visible.findIndex((message) => message.role === 'customer');
  const question = visible[questionIndex];
  const replyIndex = visible.findIndex((message, index) => index > questionIndex && message.role === 'agent');
  const reference = replyIndex >= 0 ? visible[replyIndex] : undefined;
  const after = replyIndex >= 0 ? visible.slice(replyIndex + 1).filter((message) => message.role === 'customer') : [];
  const thanked = after.some((message) => isThanksOnly(message.text));
  return {
    ...(question && { question }),
    ...(reference && { reference }),
    oneTouch: reference !== undefined && after.every((message) => isThanksOnly(message.text)),
    customerSignal: thanked || (ticket.satisfaction ?? 0) >= GOOD_RATING,
    billable: visible.some((message) => message.role === 'agent' || message.role === 'system'),
  };
}
