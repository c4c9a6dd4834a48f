import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../eval/rules/schema.ts';
import { renderTemplate, templateVariables } from '../../../eval/rules/template.ts';
import { evaluateRules } from '../../../eval/rules/simulate.ts';
import { message, ticket } from './_tickets.ts';

const rules = (yaml: string) => parseRules(`rules:\n${yaml}`, 'rules.yaml');

describe('the rules engine on hand-made tickets', () => {
  it('matches French words whatever their accents and case, as whole words', () => {
    const tickets = [
      ticket('1', '2025-01-06T10:00:00Z', 'Je veux être REMBOURSÉ'),
      ticket('2', '2025-01-06T10:01:00Z', 'Pouvez-vous me rembourser ?'),
      ticket('3', '2025-01-06T10:02:00Z', 'Demande de remboursement'),
      ticket('4', '2025-01-06T10:03:00Z', 'Article non remboursable ? irremboursable'),
      ticket('5', '2025-01-06T10:04:00Z', 'Où est mon colis ?'),
    ];
    const { outcomes } = evaluateRules(
      tickets,
      rules(`  - name: prefix
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { addTags: [refund] }
  - name: word
    trigger: ticket-created
    conditions: { text: { any: [remboursement] } }
    actions: { addTags: [refund-word] }
  - name: regex
    trigger: ticket-created
    conditions: { text: { regex: "\\\\brembours[ée]\\\\b", in: body } }
    actions: { addTags: [refund-regex] }
`),
    );
    const tagged = (tag: string) => outcomes.filter((outcome) => outcome.tags.includes(tag)).map((outcome) => outcome.ticketId);
    expect(tagged('refund')).toEqual(['1', '2', '3', '4']);
    expect(tagged('refund-word')).toEqual(['3']);
    expect(tagged('refund-regex')).toEqual(['1']);
  });

  it('runs rules in file order; a rule sees the tags and assignee earlier rules set, not later ones', () => {
    const { outcomes, result } = evaluateRules(
      [ticket('1', '2025-01-06T10:00:00Z', 'remboursement svp', { customer: { email: 'ana@vip.example.com', name: 'Ana Lima' } })],
      rules(`  - name: too early
    trigger: ticket-created
    conditions: { tags: { any: [refund] } }
    actions: { priority: low }
  - name: refunds
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { addTags: [refund], assign: { agent: Hugo Bernard } }
  - name: vip refunds
    trigger: ticket-created
    conditions: { tags: { all: [refund], none: [spam] }, customer: { domain: vip.example.com } }
    actions: { addTags: [vip], priority: urgent }
  - name: not twice
    trigger: ticket-created
    conditions: { tags: { none: [vip] } }
    actions: { close: true }
`),
    );
    const [outcome] = outcomes;
    expect(outcome!.firings.map((firing) => firing.rule)).toEqual(['refunds', 'vip refunds']);
    expect(outcome).toMatchObject({ tags: ['refund', 'vip'], priority: { priority: 'urgent', rule: 'vip refunds' }, assignee: { agent: 'Hugo Bernard', rule: 'refunds' } });
    expect(outcome!.closed).toBeUndefined();
    expect(result.rules.map((rule) => rule.fired.tickets)).toEqual([0, 1, 1, 0]);
  });

  it('fires ticket-created once and customer-message on every customer message', () => {
    const history = ticket('1', '2025-01-06T10:00:00Z', 'Bonjour, remboursement ?', {}, [
      message('agent', '2025-01-06T10:30:00Z', 'Le remboursement est en cours.'),
      message('customer', '2025-01-06T11:00:00Z', 'Toujours pas rembourse'),
      message('customer', '2025-01-06T11:05:00Z', 'Merci', { internal: true }),
      message('customer', '2025-01-07T09:00:00Z', 'Merci !'),
    ]);
    const { outcomes, result } = evaluateRules(
      [history],
      rules(`  - name: on creation
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { addTags: [a] }
  - name: on each message
    trigger: customer-message
    conditions: { text: { any: [rembours*], in: body } }
    actions: { addTags: [b] }
`),
    );
    expect(outcomes[0]!.firings.map((firing) => [firing.rule, firing.event, firing.messageIndex])).toEqual([
      ['on creation', 'ticket-created', 0],
      ['on each message', 'ticket-created', 0],
      ['on each message', 'customer-message', 2],
    ]);
    expect(result.rules[1]!.fired).toMatchObject({ tickets: 1, events: 2, byMonth: { '2025-01': 1 } });
  });

  it('measures auto-replies against the first public agent reply, not notes nor rule replies', () => {
    const at = '2025-01-06T20:00:00Z';
    const later = (minutes: number) => new Date(Date.parse(at) + minutes * 60_000).toISOString();
    const tickets = [
      ticket('fast', at, 'bonjour', {}, [message('agent', later(10), 'Bonjour !')]),
      ticket('note-first', at, 'bonjour', {}, [message('agent', later(2), 'note', { internal: true }), message('system', later(1), 'Auto-reply'), message('agent', later(40), 'Bonjour !')]),
      ticket('never', at, 'bonjour', {}, [message('system', later(1), 'Auto-reply')]),
      ticket('other-channel', at, 'bonjour', { channel: 'chat' }, [message('agent', later(1), 'Bonjour !')]),
    ];
    const config = rules(`  - name: reply
    trigger: ticket-created
    conditions: { channel: email }
    actions: { autoReply: { template: "Bonjour {{ticket.customer.firstname}}, ticket {{ticket.id}}" } }
`);
    const fifteen = evaluateRules(tickets, config).result.rules[0]!.autoReply!;
    expect(fifteen).toMatchObject({ tickets: 3, customers: 3, replies: 3, withinMinutes: 15, answeredWithin: 1, neverAnswered: 1, historyAutoReplied: 2 });
    expect(fifteen.examples.answeredAnyway.map((ref) => ref.id)).toEqual(['fast']);
    const hour = evaluateRules(tickets, config, { replyWithinMinutes: 60 }).result.rules[0]!.autoReply!;
    expect(hour.answeredWithin).toBe(2);
  });

  it('reports conflicts between rules, and overlaps, in file order', () => {
    const tickets = [
      ticket('1', '2025-01-06T10:00:00Z', 'remboursement', { channel: 'chat' }),
      ticket('2', '2025-01-06T11:00:00Z', 'remboursement', { channel: 'email' }),
      ticket('3', '2025-01-06T12:00:00Z', 'bonjour', { channel: 'chat' }),
    ];
    const { result } = evaluateRules(
      tickets,
      rules(`  - name: chat to Hugo
    trigger: ticket-created
    conditions: { channel: chat }
    actions: { assign: { agent: Hugo Bernard }, priority: normal }
  - name: refunds to Nina
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { assign: { agent: Nina Fontaine }, priority: high }
  - name: refunds to hugo too
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { assign: { agent: "hugo  BERNARD" } }
`),
    );
    expect(result.conflicts.map((conflict) => [conflict.kind, ...conflict.rules, conflict.tickets])).toEqual([
      ['assignee', 'refunds to Nina', 'refunds to hugo too', 2],
      ['assignee', 'chat to Hugo', 'refunds to Nina', 1],
      ['priority', 'chat to Hugo', 'refunds to Nina', 1],
    ]);
    expect(result.overlaps.map((overlap) => [...overlap.rules, overlap.tickets])).toEqual([
      ['refunds to Nina', 'refunds to hugo too', 2],
      ['chat to Hugo', 'refunds to Nina', 1],
      ['chat to Hugo', 'refunds to hugo too', 1],
    ]);
  });

  it('scores tags and assignments against the agents, with hit and missed examples', () => {
    const tickets = [
      ticket('1', '2025-01-06T10:00:00Z', 'remboursement', { tags: ['refund'], assignee: 'Hugo Bernard' }),
      ticket('2', '2025-01-06T11:00:00Z', 'rembourser', { tags: ['return'], assignee: 'Nina Fontaine' }),
      ticket('3', '2025-01-06T12:00:00Z', 'money back please', { tags: ['REFUND'], assignee: 'hugo bernard' }),
      ticket('4', '2025-01-06T13:00:00Z', 'bonjour', { tags: [] }),
    ];
    const { result } = evaluateRules(
      tickets,
      rules(`  - name: refunds
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { addTags: [refund], assign: { agent: Hugo Bernard } }
`),
    );
    const rule = result.rules[0]!;
    expect(rule.tags!.precision).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(rule.tags!.recall).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(rule.tags!.byTag[0]!.examples).toEqual({ hit: [{ id: '1', subject: 'Ticket 1' }], missed: [{ id: '3', subject: 'Ticket 3' }], extra: [{ id: '2', subject: 'Ticket 2' }] });
    expect(rule.assignment).toMatchObject({ agent: 'Hugo Bernard', comparable: true, assigned: 2, agentAssigned: 2, agreed: 1 });
    expect(result.tags).toMatchObject([{ tag: 'refund', tagged: 2, agentTagged: 2, agreed: 1 }]);
  });

  it('counts closes an agent still had to answer, and skips disabled rules', () => {
    const tickets = [
      ticket('1', '2025-01-06T10:00:00Z', 'merci', {}, [message('agent', '2025-01-06T11:00:00Z', 'Avec plaisir')]),
      ticket('2', '2025-01-06T10:00:00Z', 'merci beaucoup'),
    ];
    const { result } = evaluateRules(
      tickets,
      rules(`  - name: thanks
    trigger: ticket-created
    conditions: { text: { any: [merci] } }
    actions: { close: true }
  - name: off
    trigger: ticket-created
    enabled: false
    actions: { addTags: [x] }
`),
    );
    expect(result.rules[0]!.close).toEqual({ tickets: 2, agentRepliedAfter: 1 });
    expect(result.rules[1]).toMatchObject({ enabled: false, fired: { tickets: 0 } });
  });

  it('keeps ticket text out of the result: ids and shortened subjects only', () => {
    const secret = 'Mon IBAN est FR7630006000011234567890189';
    const subject = `Remboursement ${'très '.repeat(30)}urgent\u0007`;
    const { result } = evaluateRules(
      [ticket('1', '2025-01-06T10:00:00Z', `remboursement. ${secret}`, { subject })],
      rules(`  - name: refunds
    trigger: ticket-created
    conditions: { text: { any: [rembours*] } }
    actions: { addTags: [refund] }
`),
    );
    const json = JSON.stringify(result);
    expect(json).not.toContain('IBAN');
    expect(result.rules[0]!.examples[0]!.subject).toHaveLength(60);
    expect(result.rules[0]!.examples[0]!.subject).toMatch(/^Remboursement très .*…$/);
    expect(result.schemaVersion).toBe(1);
  });

  it('fills an auto-reply template from the ticket', () => {
    const template = 'Bonjour {{ ticket.customer.firstname }} {{ticket.customer.lastname}}, votre demande {{ticket.id}} ({{ticket.channel}}) : {{ticket.subject|default("")}}';
    expect(templateVariables(template)).toEqual(['ticket.customer.firstname', 'ticket.customer.lastname', 'ticket.id', 'ticket.channel', 'ticket.subject']);
    expect(renderTemplate(template, ticket('42', '2025-01-06T10:00:00Z', 'x', { customer: { name: 'Julie Anne Martin' } }))).toBe('Bonjour Julie Anne Martin, votre demande 42 (email) : Ticket 42');
  });
});
