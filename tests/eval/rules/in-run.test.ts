import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { DEMO_DATA_DIR } from '../../../datasets/demo/location.ts';
import { loadSimulationConfig } from '../../../eval/config/config.ts';
import { readResults, replayable, type TicketResult } from '../../../eval/replay/replay.ts';
import { responderFor } from '../../../eval/responders/index.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { simulate } from '../../../eval/simulate.ts';
import { importSources } from '../../../pipelines/import.ts';
import { readRecords } from '../../../pipelines/workspace.ts';

/**
 * Rules and a candidate in one simulation over the demo, plus two unanswered night-time tickets:
 * the rules' counts, the "auto-reply and AI answer both sent" tickets and the billing additions
 * are recounted here from the tickets, with Intl for Paris time, not with the engine's code.
 */

const RULES = `rules:
  - name: night auto-reply
    trigger: ticket-created
    conditions:
      - channel: email
      - time:
          zone: Europe/Paris
          hours: { mon: 09:00-18:00, tue: 09:00-18:00, wed: 09:00-18:00, thu: 09:00-18:00, fri: 09:00-18:00 }
          during: outside
    actions:
      autoReply: { template: "Bonjour {{ticket.customer.firstname}}, nous revenons vers vous dès l'ouverture." }
`;

const parisClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function outOfHoursInParis(iso: string): boolean {
  const parts = Object.fromEntries(parisClock.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  return parts.weekday === 'Sat' || parts.weekday === 'Sun' || minutes < 9 * 60 || minutes >= 18 * 60;
}
const firstCustomerAt = (ticket: Ticket) => ticket.messages.filter((message) => message.role === 'customer' && !message.internal).map((message) => message.sentAt).sort()[0]!;
const answered = (ticket: Ticket) => ticket.messages.some((message) => !message.internal && (message.role === 'agent' || message.role === 'system'));
const nightEmail = (ticket: Ticket) => ticket.channel === 'email' && outOfHoursInParis([ticket.createdAt, firstCustomerAt(ticket)].sort()[0]!);

/** Two e-mails on a Saturday night of October 2026 that nobody answered. */
function unanswered(index: number): Ticket {
  const at = `2026-10-24T23:1${index}:00.000Z`;
  return { id: `unanswered-${index}`, source: 'test', createdAt: at, channel: 'email', language: 'fr', subject: 'Question', customer: { email: `u${index}@example.com`, name: 'Lou Martin' }, tags: [], messages: [{ role: 'customer', sentAt: at, text: 'Bonjour, une question sur ma commande.' }] };
}

describe('rules and a candidate in one simulation', () => {
  let dir: string;
  let workspace: string;
  let history: Ticket[];
  let withRules: RunReport;
  let withoutRules: RunReport;
  let results: TicketResult[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-rules-run-'));
    workspace = join(dir, 'ws');
    const extra = join(dir, 'unanswered.jsonl');
    await writeFile(extra, [unanswered(1), unanswered(2)].map((ticket) => JSON.stringify(ticket)).join('\n'));
    await importSources([{ path: DEMO_DATA_DIR }, { path: extra }], { workspace });
    await writeFile(join(dir, 'rules.yaml'), RULES);
    await writeFile(join(dir, 'shadowdesk.yaml'), 'candidates: [{ type: past-ticket }]\nrules: rules.yaml\n');
    const config = await loadSimulationConfig(join(dir, 'shadowdesk.yaml'));
    const common = { workspace, candidates: [responderFor('past-ticket')], selection: { holdoutDays: 21 } };
    withRules = (await simulate({ ...common, runDir: join(dir, 'with'), rulesFile: config.rules! })).report;
    withoutRules = (await simulate({ ...common, runDir: join(dir, 'without') })).report;
    results = await readResults(join(dir, 'with'));
    history = [];
    for await (const ticket of readRecords(workspace, 'ticket')) if (replayable(ticket)) history.push(ticket);
  }, 240_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('measures the rules on the tickets the candidate answered', () => {
    const rules = withRules.rules!;
    // The config names it relative to itself; the report, relative to where the simulation ran (no machine's absolute path).
    expect(isAbsolute(rules.file)).toBe(false);
    expect(resolve(rules.file)).toBe(join(dir, 'rules.yaml'));
    const replayed = new Set(results.map((result) => result.ticketId));
    expect(rules.result.tickets).toBe(replayed.size);
    const expected = history.filter((ticket) => replayed.has(ticket.id) && nightEmail(ticket)).length;
    expect(expected).toBeGreaterThan(0);
    expect(rules.result.rules[0]!.fired.tickets).toBe(expected);
    expect(withoutRules.rules).toBeUndefined();
  });

  it('counts the tickets where the auto-reply and the candidate’s answer both go out', () => {
    const night = new Set(history.filter(nightEmail).map((ticket) => ticket.id));
    const both = results.filter((result) => night.has(result.ticketId) && result.answer.decision === 'reply').length;
    expect(both).toBeGreaterThan(0);
    expect(withRules.rules!.bothSent['past-ticket']!.tickets).toBe(both);
  });

  it('adds to the bill the tickets only the rules answered, over the whole history', () => {
    const { billing } = withRules.rules!;
    expect(billing.autoReplies).toBe(history.filter(nightEmail).length);
    expect(billing.addedBillable).toBe(history.filter((ticket) => nightEmail(ticket) && !answered(ticket)).length);
    expect(billing.addedBillable).toBe(2);
    for (const [candidate, projection] of Object.entries(withRules.pricing.byCandidate)) {
      const base = withoutRules.pricing.byCandidate[candidate]!;
      projection.models.forEach((model, index) => {
        const added = model.months.map((month, at) => month.billableTickets - base.models[index]!.months[at]!.billableTickets);
        expect(added).toEqual(model.months.map((month) => (month.month === '2026-10' ? 2 : 0)));
        expect(model.allHumanMonths.at(-1)!.billableTickets - base.models[index]!.allHumanMonths.at(-1)!.billableTickets).toBe(2);
      });
    }
  });
});
