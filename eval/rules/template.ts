import type { Ticket } from '../../datasets/records.ts';

/**
 * Auto-reply templates use the helpdesk's variables (`{{ticket.customer.firstname}}`). Only the
 * variables below exist; any other is an error when the rules file is loaded, not an empty gap in
 * a reply sent to a customer.
 */

const TEMPLATE_VALUES = {
  'ticket.id': (ticket) => ticket.id,
  'ticket.subject': (ticket) => ticket.subject,
  'ticket.channel': (ticket) => ticket.channel,
  'ticket.customer.name': (ticket) => ticket.customer.name ?? '',
  'ticket.customer.firstname': (ticket) => _nameParts(ticket).first,
  'ticket.customer.lastname': (ticket) => _nameParts(ticket).last,
  'ticket.customer.email': (ticket) => ticket.customer.email ?? '',
} satisfies Record<string, (ticket: Ticket) => string>;

export type TemplateVariable = keyof typeof TEMPLATE_VALUES;
export const TEMPLATE_VARIABLES = Object.keys(TEMPLATE_VALUES) as TemplateVariable[];

/** `{{ name }}`, with an optional Gorgias-style filter after `|` (ignored). */
const VARIABLE = /\{\{\s*([^\s|}]+)\s*(?:\|[^}]*)?\}\}/g;

/** The variables a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((match) => match[1]!))];
}

export function unknownTemplateVariables(template: string): string[] {
  return templateVariables(template).filter((name) => !(name in TEMPLATE_VALUES));
}

/** The reply a customer would have received. */
export function renderTemplate(template: string, ticket: Ticket): string {
  return template.replace(VARIABLE, (whole, name: string) => (name in TEMPLATE_VALUES ? TEMPLATE_VALUES[name as TemplateVariable](ticket) : whole));
}

// --- internal ---

function _nameParts(ticket: Ticket): { first: string; last: string } {
  const [first = '', ...rest] = (ticket.customer.name ?? '').trim().split(/\s+/);
  return { first, last: rest.join(' ') };
}
