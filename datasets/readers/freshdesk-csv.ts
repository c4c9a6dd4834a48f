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
  if (item.type !== 'record' || item.kind !== 'ticket' || item.record.channel !== 'outbound email') return item;
  const [first, ...rest] = item.record.messages;
  return { ...item, record: { ...item.record, messages: [compact({ ...first!, role: 'agent', author: item.record.assignee }), ...rest] } };
}

async function* readFreshdesk(path: string, options: ReadOptions): AsyncGenerator<ReadItem> {
  // A user mapping only adjusts the fixed one, e.g. {"timeZone": "Europe/Paris"}.
  const mapping = options.mapping === undefined ? FRESHDESK_MAPPING : { ...FRESHDESK_MAPPING, ...(options.mapping as object) };
  for await (const item of readMappedCsv(path, options, mapping, { optionalMayBeMissing: true })) yield withAgentFirst(item);
}

export const freshdeskCsvReader: Reader = {
  name: 'freshdesk-csv',
  description:
    "Freshdesk's ticket export CSV; it holds each ticket's first message (the description) only, not the replies or notes, " +
    'so each ticket has one message; --mapping may adjust the fixed columns, e.g. {"timeZone": "Europe/Paris"}',
  kinds: ['ticket'],
  detect(probe) {
    return hasColumns(probe.csvHeader, ['Ticket ID'], ['Subject'], ['Description'], ['Created time']) ? 0.9 : 0;
  },
  read(path, options) {
    return readFreshdesk(path, options);
  },
};
