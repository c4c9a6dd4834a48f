import type { Order } from '../../datasets/records.ts';
import type { SearchHit } from '../../pipelines/search-tables.ts';
import type { Answer, Responder, Source, TicketContext } from '../types.ts';
import { confidenceFrom, firstName } from './_text.ts';
import { z } from 'zod';
import { candidateId, defineResponder, minConfidence, withId } from './define.ts';

export interface MacroOptions {
  /** Below this confidence the ticket is escalated. @default 0.35 */
  minConfidence?: number;
  /** Who signs a macro that names the agent (`{{current_user.firstname}}`). @default the team, in the ticket's language */
  agentName?: string;
}

/** Past tickets whose agents' macros vote. */
const NEIGHBOURS = 8;
const VARIABLE = /\{\{\s*([^{}|\s]+)\s*(?:\|[^{}]*)?\}\}/g;

type Filler = (context: TicketContext, order: Order | undefined, agentName: string) => string | undefined;

function formatDate(iso: string, language: string | undefined): string {
  return new Date(iso).toLocaleDateString(language === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function formatMoney(order: Order, language: string | undefined): string | undefined {
  if (order.total === undefined) return undefined;
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  return order.currency ? order.total.toLocaleString(locale, { style: 'currency', currency: order.currency }) : order.total.toFixed(2);
}

/** Helpdesk variables (Gorgias's names; Zendesk's `ticket.requester.*` alike) and what fills them. */
const FILLERS: Record<string, Filler> = {
  'customer.firstname': (context) => firstName(context),
  'customer.first_name': (context) => firstName(context),
  'customer.lastname': (context) => context.ticket.customer.name?.trim().split(/\s+/).slice(1).join(' ') || undefined,
  'customer.last_name': (context) => context.ticket.customer.name?.trim().split(/\s+/).slice(1).join(' ') || undefined,
  'customer.name': (context) => context.ticket.customer.name,
  'customer.email': (context) => context.ticket.customer.email,
  'orders[0].name': (_, order) => order?.id,
  'orders[0].order_number': (_, order) => order?.id.replace(/^#/, ''),
  'orders[0].created_at': (context, order) => order && formatDate(order.createdAt, context.ticket.language),
  'orders[0].total_price': (context, order) => order && formatMoney(order, context.ticket.language),
  'orders[0].financial_status': (_, order) => order?.financialStatus,
  'orders[0].fulfillment_status': (_, order) => order?.fulfillmentStatus,
  'orders[0].fulfillments[0].tracking_number': (_, order) => order?.trackingNumber,
  'orders[0].fulfillments[0].tracking_url': (_, order) => order?.trackingUrl,
  'orders[0].line_items[0].title': (_, order) => order?.lineItems[0]?.name,
  'orders[0].line_items[0].name': (_, order) => order?.lineItems[0]?.name,
  'current_user.firstname': (_, __, agentName) => agentName,
  'current_user.name': (_, __, agentName) => agentName,
};

/** The filler for a variable path, whatever integration prefix the helpdesk puts before it. */
function fillerFor(path: string): Filler | undefined {
  const key = Object.keys(FILLERS).find((suffix) => path === suffix || path.endsWith(`.${suffix}`));
  return key ? FILLERS[key] : undefined;
}

/** A macro's text with every variable filled from the ticket and the customer's latest order, or the first variable that cannot be. */
export function fillMacro(text: string, context: TicketContext, agentName: string): { text: string; usedOrder: boolean } | { missing: string } {
  const order = context.orders[0];
  let missing: string | undefined;
  let usedOrder = false;
  const filled = text.replace(VARIABLE, (whole, path: string) => {
    const value = fillerFor(path)?.(context, order, agentName);
    if (value === undefined || value === '') {
      missing ??= path;
      return whole;
    }
    if (path.includes('orders[')) usedOrder = true;
    return value;
  });
  return missing === undefined ? { text: filled, usedOrder } : { missing };
}

interface Choice {
  hit: SearchHit;
  confidence: number;
  why: string;
}

/**
 * The macro agents used on the most similar past tickets, as a helpdesk's macro suggestion does:
 * a question is far closer to past questions than to a macro's reply. Confidence is the closest
 * ticket's similarity times the vote's share. Without macro history, the closest macro itself.
 */
async function chooseMacro(context: TicketContext, query: string): Promise<Choice | undefined> {
  const neighbours = (await context.retrieve(query, { table: 'tickets', mode: 'vector', limit: NEIGHBOURS })).filter((hit) => hit.score > 0);
  const votes = new Map<string, number>();
  for (const hit of neighbours) if (hit.macro) votes.set(hit.macro, (votes.get(hit.macro) ?? 0) + hit.score);
  const total = neighbours.reduce((sum, hit) => sum + hit.score, 0);
  const ranked = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [name, weight] of ranked) {
    const [hit] = (await context.retrieve(name, { table: 'knowledge', kinds: ['macro'], mode: 'fts', limit: 5 })).filter((candidate) => candidate.title === name);
    if (!hit) continue;
    const share = weight / total;
    const closest = neighbours.find((neighbour) => neighbour.macro === name)!;
    return { hit, confidence: confidenceFrom(closest.score) * share, why: `agents used it on ${Math.round(share * 100)}% of the most similar past tickets` };
  }
  const language = context.ticket.language;
  const hits = await context.retrieve(query, { table: 'knowledge', kinds: ['macro'], mode: 'vector', limit: 5 });
  const hit = hits.find((candidate) => !language || !candidate.locale || candidate.locale === language) ?? hits[0];
  return hit && { hit, confidence: confidenceFrom(hit.score), why: 'the closest macro' };
}

/** Picks the macro agents would have used and fills it; escalates when a variable cannot be filled. */
export function createMacroResponder(options: MacroOptions = {}): Responder {
  const minConfidence = options.minConfidence ?? 0.35;
  return {
    id: 'macro',
    async respond(context: TicketContext): Promise<Answer> {
      const started = performance.now();
      const latencyMs = () => performance.now() - started;
      const choice = await chooseMacro(context, `${context.ticket.subject}\n${context.ticket.question}`);
      if (!choice) return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: latencyMs(), reason: 'no macro was in effect at the ticket date' };
      const { hit, confidence } = choice;
      const sources: Source[] = [{ type: 'knowledge', id: hit.id }];
      // The index prefixes a passage with its title; a macro's reply starts after it.
      const body = hit.text.startsWith(`${hit.title}\n`) ? hit.text.slice(hit.title.length + 1) : hit.text;
      const agentName = options.agentName ?? (context.ticket.language === 'fr' ? 'L’équipe' : 'The team');
      const filled = fillMacro(body, context, agentName);
      if ('missing' in filled) {
        return { decision: 'escalate', text: '', confidence, sources, latencyMs: latencyMs(), reason: `macro "${hit.title}" needs {{${filled.missing}}}, which this customer's data cannot fill` };
      }
      if (filled.usedOrder) sources.push({ type: 'order', id: context.orders[0]!.id });
      const answer: Answer = { decision: confidence >= minConfidence ? 'reply' : 'escalate', text: filled.text.trim(), confidence, sources, latencyMs: latencyMs() };
      if (answer.decision === 'escalate') answer.reason = `macro "${hit.title}" is not a confident match (${choice.why})`;
      return answer;
    },
  };
}

export const macro = defineResponder({
  name: 'macro',
  byDefault: true,
  summary: 'the macro agents used on the most similar past tickets (as a helpdesk\'s macro suggestion does), its variables filled from the customer and their latest order; it escalates naming the variable it cannot fill',
  options: z.strictObject({
    id: candidateId.optional(),
    minConfidence,
    /** Who signs `{{current_user.firstname}}`. */
    agentName: z.string().optional(),
  }),
  create: ({ id, agentName, ...options }) => withId(createMacroResponder({ ...options, ...(agentName && { agentName }) }), id),
});
