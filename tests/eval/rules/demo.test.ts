import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATA_DIR } from '../../../datasets/demo/location.ts';
import { importSources } from '../../../pipelines/import.ts';
import type { RulesResult } from '../../../eval/rules/metrics.ts';
import { parseRules } from '../../../eval/rules/schema.ts';
import { RULES_OUTCOMES_FILE, RULES_RESULT_FILE, simulateRules, writeRulesSimulation, type RulesSimulation } from '../../../eval/rules/simulate.ts';

/**
 * Hand-made rules over the bundled demo (2,400 Gorgias tickets). Every expected number is
 * counted here from the raw Gorgias export, without the engine's code.
 */

interface RawMessage {
  from_agent: boolean;
  public: boolean;
  via: string;
  channel: string;
  created_datetime: string;
}
interface RawTicket {
  id: number;
  channel: string;
  language: string;
  spam: boolean;
  subject: string;
  created_datetime: string;
  customer: { email: string };
  assignee_user: { name: string } | null;
  tags: Array<{ name: string }>;
  messages: RawMessage[];
}

const RULES = `rules:
  - name: chat to Hugo
    trigger: ticket-created
    conditions: { channel: chat }
    actions: { assign: { agent: Hugo Bernard } }
  - name: French to Nina
    trigger: ticket-created
    conditions: { language: fr }
    actions: { assign: { agent: nina fontaine }, priority: normal }
  - name: contact form returns
    trigger: ticket-created
    conditions: { channel: contact_form }
    actions: { addTags: [return] }
  - name: refund subjects
    trigger: ticket-created
    conditions:
      text: { any: [rembours*, refund*], in: subject }
    actions: { addTags: [refund], priority: high }
  - name: out of hours, as the history
    trigger: ticket-created
    conditions:
      - channel: email
      - time:
          zone: UTC
          hours: { mon: 08:00-17:00, tue: 08:00-17:00, wed: 08:00-17:00, thu: 08:00-17:00, fri: 08:00-17:00 }
          during: outside
    actions:
      autoReply: { template: "Bonjour {{ticket.customer.firstname}}, nous revenons vers vous dès l'ouverture." }
  - name: out of hours in Paris
    trigger: ticket-created
    conditions:
      - channel: email
      - time:
          zone: Europe/Paris
          hours: { mon: 09:00-18:00, tue: 09:00-18:00, wed: 09:00-18:00, thu: 09:00-18:00, fri: 09:00-18:00 }
          during: outside
    actions:
      autoReply: { template: "Hello {{ticket.customer.firstname}}" }
`;

let dir: string;
let raw: RawTicket[];
let simulation: RulesSimulation;
let result: RulesResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shadowdesk-rules-'));
  const file = join(DEMO_DATA_DIR, 'gorgias-tickets.json');
  await importSources([{ path: file }], { workspace: join(dir, 'ws') });
  // Spam is not support work: replay and rules leave it out.
  raw = (JSON.parse(await readFile(file, 'utf8')) as RawTicket[]).filter((ticket) => !ticket.spam);
  simulation = await simulateRules({ workspace: join(dir, 'ws'), rules: parseRules(RULES, 'rules.yaml') });
  result = simulation.result;
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rule = (name: string) => result.rules.find((entry) => entry.name === name)!;
const count = (predicate: (ticket: RawTicket) => boolean) => raw.filter(predicate).length;
const isChat = (ticket: RawTicket) => ticket.channel === 'chat';
const isFrench = (ticket: RawTicket) => ticket.language === 'fr';
const assignedTo = (name: string) => (ticket: RawTicket) => ticket.assignee_user?.name === name;
const tagged = (tag: string) => (ticket: RawTicket) => ticket.tags.some((entry) => entry.name === tag);
/** Subject words, accents stripped the old way (NFD and the combining block), for `rembours*` / `refund*`. */
const refundSubject = (ticket: RawTicket) =>
  ticket.subject
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => word.startsWith('rembours') || word.startsWith('refund'));

describe('rules on the demo history', () => {
  it('replays every non-spam ticket, fast', () => {
    expect(result.tickets).toBe(raw.length);
    expect(raw.length).toBe(2372);
    expect(simulation.evaluationMs).toBeLessThan(2_000);
  });

  it('counts tickets fired on, in total and per month', () => {
    expect(rule('chat to Hugo').fired.tickets).toBe(count(isChat));
    expect(rule('French to Nina').fired.tickets).toBe(count(isFrench));
    const months: Record<string, number> = {};
    for (const ticket of raw.filter(isChat)) {
      const month = new Date(ticket.created_datetime).toISOString().slice(0, 7);
      months[month] = (months[month] ?? 0) + 1;
    }
    expect(rule('chat to Hugo').fired.byMonth).toEqual(months);
    expect(Object.keys(months)).toHaveLength(24);
  });

  it('scores assignments against the agents (random in the demo, so precision is low)', () => {
    const hugo = rule('chat to Hugo').assignment!;
    expect(hugo).toMatchObject({
      comparable: true,
      assigned: count(isChat),
      agentAssigned: count(assignedTo('Hugo Bernard')),
      agreed: count((ticket) => isChat(ticket) && assignedTo('Hugo Bernard')(ticket)),
    });
    expect(hugo.precision.value).toBeCloseTo(hugo.agreed / hugo.assigned, 4);
    expect(hugo.precision.value!).toBeLessThan(0.3);
    const nina = rule('French to Nina').assignment!;
    expect(nina.agentAssigned).toBe(count(assignedTo('Nina Fontaine')));
    expect(nina.agreed).toBe(count((ticket) => isFrench(ticket) && assignedTo('Nina Fontaine')(ticket)));
  });

  it('scores tags against the agents, with examples hit and missed', () => {
    const returns = rule('contact form returns').tags!.byTag[0]!;
    expect(returns).toMatchObject({
      tag: 'return',
      tagged: count((ticket) => ticket.channel === 'contact_form'),
      agentTagged: count(tagged('return')),
      agreed: count((ticket) => ticket.channel === 'contact_form' && tagged('return')(ticket)),
    });
    const refunds = rule('refund subjects');
    expect(refunds.fired.tickets).toBe(count(refundSubject));
    expect(refunds.fired.tickets).toBeGreaterThan(20);
    expect(refunds.tags!.byTag[0]).toMatchObject({ agentTagged: count(tagged('refund')), agreed: count((ticket) => refundSubject(ticket) && tagged('refund')(ticket)) });
    const missed = refunds.tags!.byTag[0]!.examples.missed;
    expect(missed.length).toBeGreaterThan(0);
    for (const ref of missed) {
      const ticket = raw.find((entry) => String(entry.id) === ref.id)!;
      expect(tagged('refund')(ticket) && !refundSubject(ticket)).toBe(true);
    }
  });

  it('finds the overlap and the conflicts of two assignment rules and two priorities', () => {
    const both = count((ticket) => isChat(ticket) && isFrench(ticket));
    expect(result.overlaps.find((overlap) => overlap.rules.join() === 'chat to Hugo,French to Nina')?.tickets).toBe(both);
    const conflict = (kind: string, a: string, b: string) => result.conflicts.find((entry) => entry.kind === kind && entry.rules.join() === `${a},${b}`)?.tickets;
    expect(conflict('assignee', 'chat to Hugo', 'French to Nina')).toBe(both);
    expect(conflict('priority', 'French to Nina', 'refund subjects')).toBe(count((ticket) => isFrench(ticket) && refundSubject(ticket)));
  });

  it('an out-of-hours rule written as the demo helpdesk\u2019s own fires exactly where its auto-replies are in the history', () => {
    const historyRule = (ticket: RawTicket) => ticket.messages.some((message) => message.via === 'rule');
    const replies = rule('out of hours, as the history').autoReply!;
    expect(replies.tickets).toBe(count(historyRule));
    expect(replies.historyAutoReplied).toBe(replies.tickets);
    expect(replies.customers).toBe(new Set(raw.filter(historyRule).map((ticket) => ticket.customer.email.toLowerCase())).size);
    // Answered anyway: the first public agent reply (not a note, not the rule's) within 15 minutes.
    const answeredWithin = (ticket: RawTicket, minutes: number) => {
      const asked = Date.parse(ticket.messages.find((message) => !message.from_agent)!.created_datetime);
      const reply = ticket.messages.find((message) => message.from_agent && message.public && message.via !== 'rule' && Date.parse(message.created_datetime) >= asked);
      return reply !== undefined && Date.parse(reply.created_datetime) - asked <= minutes * 60_000;
    };
    expect(replies.answeredWithin).toBe(count((ticket) => historyRule(ticket) && answeredWithin(ticket, 15)));
    expect(replies.neverAnswered).toBe(count((ticket) => historyRule(ticket) && !ticket.messages.some((message) => message.from_agent && message.public && message.via !== 'rule')));
  });

  it('the same hours in Paris time differ from the history by the daylight-saving hour', () => {
    const paris = rule('out of hours in Paris').autoReply!;
    // Paris 09:00–18:00 is 08:00–17:00 UTC in winter only: in summer, 07:00–08:00 UTC is inside, 16:00–17:00 UTC outside.
    const expected = count((ticket) => {
      if (ticket.channel !== 'email') return false;
      const local = new Date(ticket.created_datetime).toLocaleString('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
      const [, weekday, hour] = /^(\w+),? (\d+)$/.exec(local)!;
      return weekday === 'Sat' || weekday === 'Sun' || Number(hour) < 9 || Number(hour) >= 18;
    });
    expect(paris.tickets).toBe(expected);
    expect(paris.tickets).not.toBe(rule('out of hours, as the history').autoReply!.tickets);
  });

  it('writes rules.json with its schema version and the per-ticket outcomes', async () => {
    const out = join(dir, 'out');
    const files = await writeRulesSimulation(simulation, out);
    expect(files.result).toBe(join(out, RULES_RESULT_FILE));
    const written = JSON.parse(await readFile(files.result, 'utf8')) as RulesResult;
    expect(written.schemaVersion).toBe(1);
    expect(written.rules.map((entry) => entry.name)).toHaveLength(6);
    const lines = (await readFile(join(out, RULES_OUTCOMES_FILE), 'utf8')).trim().split('\n');
    expect(lines.length).toBe(simulation.outcomes.filter((outcome) => outcome.firings.length > 0).length);
    // Results name tickets, never quote their bodies.
    expect(await readFile(files.result, 'utf8')).not.toMatch(/Bonjour|Hello,/);
  });
});
