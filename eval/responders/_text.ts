import type { TicketContext } from '../types.ts';

/** Small text helpers the built-in responders share. */

export function firstName(context: TicketContext): string | undefined {
  return context.ticket.customer.name?.trim().split(/\s+/)[0];
}

export function greeting(context: TicketContext): string {
  const name = firstName(context);
  const hello = context.ticket.language === 'fr' ? 'Bonjour' : 'Hello';
  return name ? `${hello} ${name},` : `${hello},`;
}

/** Cosine similarity (−1..1) mapped to a 0..1 confidence; below `floor` it is 0. */
export function confidenceFrom(similarity: number, floor = 0.3): number {
  return Math.max(0, Math.min(1, (similarity - floor) / (1 - floor)));
}

/** An @handle as a tweet writes it; the `@` of an e-mail address or inside a link is not one. */
export const HANDLE = /(?<![\w@./])@\w{1,50}/g;

/** The @handles a text mentions, as written. */
export function handlesIn(text: string): string[] {
  return text.match(HANDLE) ?? [];
}

/** The customer's @handle, on tickets whose customer id is one (Twitter threads). */
export function customerHandle(context: TicketContext): string | undefined {
  const id = context.ticket.customer.id?.trim();
  return id !== undefined && /^@\w{1,50}$/.test(id) ? id : undefined;
}

/** Whether a personal part (Message.personal) is an @handle; the others are links. */
export const isHandle = (part: string) => part.startsWith('@');

/**
 * The text without another conversation's links (a DM link, a link shortened for that customer),
 * the spaces they leave closed up. Split and joined, not matched: a link is text, not a pattern.
 */
export function withoutLinks(text: string, personal: readonly string[]): string {
  const links = personal.filter((part) => !isHandle(part) && part.length > 0);
  const kept = links.reduce((rest, link) => rest.split(link).join(''), text);
  return kept.replace(/[ \t]{2,}/g, ' ').replace(/[ \t]+$/gm, '').trim();
}
