import { basename, dirname } from 'node:path';

/**
 * Comments and conversations lists are fetched per ticket (`/tickets/{id}/comments`) and do not
 * repeat the ticket's id in each record: the file holding one is named after its ticket, as
 * `ticket-8001-comments.json`, `8001-comments-2.json` or `tickets/8001/comments.json`.
 */
const AFTER_TICKET = /tickets?[-_ ]?(\d{1,20})(?!\d)/i;
const FIRST_NUMBER = /(\d{1,20})(?!\d)/;
const ONLY_NUMBER = /^\d{1,20}$/;

/** The ticket id a per-ticket file is named after, or undefined when its name has none. */
export function ticketIdInPath(path: string): string | undefined {
  const name = basename(path);
  const folder = basename(dirname(path));
  return AFTER_TICKET.exec(name)?.[1] ?? FIRST_NUMBER.exec(name)?.[1] ?? (ONLY_NUMBER.test(folder) ? folder : undefined);
}
