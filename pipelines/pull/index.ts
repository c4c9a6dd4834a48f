import { freshdesk } from './freshdesk.ts';
import { gorgias } from './gorgias.ts';
import type { HelpdeskSource } from './source.ts';
import { shopify } from './shopify.ts';
import { zendesk } from './zendesk.ts';

/** Every helpdesk `pull` reads, by the name given on the command line. */
export const HELPDESKS = { gorgias, zendesk, freshdesk, shopify } as const satisfies Record<string, HelpdeskSource>;

export function isHelpdeskName(name: string): name is keyof typeof HELPDESKS {
  return Object.hasOwn(HELPDESKS, name);
}
