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
