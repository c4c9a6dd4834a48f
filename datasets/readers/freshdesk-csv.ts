import { csvHeaderOf } from '../io/csv.ts';
import { readTextHead } from '../io/text.ts';
import type { ReadItem, ReadOptions, Reader } from '../reader.ts';
import { hasColumns } from './_csv-rows.ts';
import { compact } from './_tickets.ts';
import { readMappedCsv, type ColumnMapping } from './generic-csv.ts';

/**
 * Freshdesk's ticket export as a fixed column mapping (its labels are stable across accounts;
 * headers match case-insensitively). Closed time wins over Resolved time: the later of the two
 * is when the ticket was surely over. Its dates carry no offset and are read as UTC unless the
 * user's mapping overrides `timeZone`.
 */
const FRESHDESK_MAPPING: ColumnMapping = {
  ticketId: 'Ticket ID',
  createdAt: 'Created time',
  body: 'Description',
  subject: 'Subject',
  status: 'Status',
  channel: 'Source',
  tags: 'Tags',
  assignee: 'Agent',
  customerId: 'Contact ID',
  customerEmail: 'Email',
  customerName: 'Full name',
  language: 'Language',
  closedAt: ['Closed time', 'Resolved time'],
  satisfaction: 'Survey results',
  dayFirst: false,
  source: 'freshdesk',
};

/** An outbound email ticket starts with the agent's message, not a customer's. */
function withAgentFirst(item: ReadItem): ReadItem {
  if (item.type !== 'shell' || item.shell.ticket.channel !== 'outbound email' || item.shell.messages.length === 0) return item;
  const [first, ...rest] = item.shell.messages;
  return { ...item, shell: { ...item.shell, messages: [compact({ ...first!, role: 'agent', author: item.shell.ticket.assignee }), ...rest] } };
}

/** The CSV holds no replies: each ticket waits for its conversations, exported through the API. */
const EXPORT_CONVERSATIONS =
  "export each ticket's conversations through the API (GET /api/v2/tickets/{id}/conversations) and import them with this file";

async function* readFreshdesk(path: string, options: ReadOptions): AsyncGenerator<ReadItem> {
  // A user mapping only adjusts the fixed one, e.g. {"timeZone": "Europe/Paris"}.
  const mapping = options.mapping === undefined ? FRESHDESK_MAPPING : { ...FRESHDESK_MAPPING, ...(options.mapping as object) };
  const hasDescription = hasColumns(csvHeaderOf(await readTextHead(path, options.encoding), options.delimiter), ['Description']);
  const missing = hasDescription
    ? EXPORT_CONVERSATIONS
    : `the export has no Description column, so no ticket has its first message: add the Description field to the export, or ${EXPORT_CONVERSATIONS}`;
  for await (const item of readMappedCsv(path, options, mapping, { optionalMayBeMissing: true, joinable: { missing } })) yield withAgentFirst(item);
}

export const freshdeskCsvReader: Reader = {
  name: 'freshdesk-csv',
  description:
    "Freshdesk's ticket export CSV; it holds each ticket's first message (the Description column) only, not the replies or notes, " +
    'which are joined from conversations JSON (freshdesk-json) when imported with it; --mapping may adjust the fixed columns, e.g. {"timeZone": "Europe/Paris"}',
  kinds: ['ticket'],
  detect(probe) {
    // Without the Description column it is still Freshdesk's export, read and told what is missing.
    return hasColumns(probe.csvHeader, ['Ticket ID'], ['Subject'], ['Created time']) && hasColumns(probe.csvHeader, ['Description', 'Status', 'Source']) ? 0.9 : 0;
  },
  read(path, options) {
    return readFreshdesk(path, options);
  },
};
