import type { Reader } from '../reader.ts';
import type { ColumnMapping } from './generic-csv.ts';
import { readMappedCsv } from './generic-csv.ts';
import { hasColumns } from './_csv-rows.ts';

/** Freshdesk's ticket export, as a fixed column mapping (its labels are stable across accounts). */
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
  dayFirst: false,
  source: 'freshdesk',
};

export const freshdeskCsvReader: Reader = {
  name: 'freshdesk-csv',
  description: "Freshdesk's ticket export CSV; it holds each ticket's first message only, not the replies",
  kinds: ['ticket'],
  detect(probe) {
    return hasColumns(probe.csvHeader, ['Ticket ID'], ['Subject'], ['Description'], ['Created time']) ? 0.9 : 0;
  },
  read(path, options) {
    return readMappedCsv(path, options, FRESHDESK_MAPPING, true);
  },
};
