import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGorgiasRules, translateGorgiasRules } from '../../../eval/rules/gorgias.ts';
import { evaluateRules } from '../../../eval/rules/simulate.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { ticket } from './_tickets.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/gorgias-rules.json', import.meta.url));
const tempDir = useTempDir();

describe('Gorgias rules import', () => {
  it('translates the readable rules and reports, per rule, what it could not', async () => {
    const imported = await loadGorgiasRules(FIXTURE);
    expect(imported.report.map((rule) => [rule.id, rule.status])).toEqual([
      ['11', 'translated'],
      ['12', 'translated'],
      ['13', 'skipped'],
      ['14', 'partial'],
      ['15', 'skipped'],
      ['16', 'skipped'],
    ]);
    const problems = Object.fromEntries(imported.report.map((rule) => [rule.id, rule.problems]));
    expect(problems['13']).toEqual(['line 1: condition containsAny(message.intents.name, ["other/no_reply"]) cannot be replayed']);
    expect(problems['14']).toEqual(["line 3: Action('snoozeTicket') left out: this action cannot be replayed"]);
    expect(problems['15']![0]).toMatch(/^runs on satisfaction-survey-responded: only ticket-created and ticket-message-created/);
    expect(problems['16']).toEqual(['line 1: `else` branches cannot be replayed']);
    expect(imported.rules.map((rule) => rule.name)).toEqual(['Refund tagging', 'Returns to Hugo', 'Chat greeting']);
    expect(imported.rules[0]).toEqual({
      name: 'Refund tagging',
      description: 'Tag refund requests',
      trigger: 'customer-message',
      conditions: [{ text: { any: ['rembours*', 'refund*'], in: ['body'] } }],
      actions: { addTags: ['refund', 'urgent'], priority: 'high' },
      enabled: true,
    });
    expect(imported.rules[1]).toMatchObject({ trigger: 'ticket-created', conditions: [{ any: [{ text: { any: ['retour*', 'return*'], in: ['subject'] } }, { channel: ['contact_form'] }] }], actions: { assign: { agent: 'Hugo Bernard' } } });
    // Deactivated in Gorgias: listed, not simulated.
    expect(imported.rules[2]).toMatchObject({ enabled: false, actions: { autoReply: { template: 'Bonjour {{ticket.customer.firstname}}, merci !' } } });
  });

  it('replays the translated rules', async () => {
    const { rules } = await loadGorgiasRules(FIXTURE);
    const { outcomes, result } = evaluateRules(
      [
        ticket('1', '2025-01-06T10:00:00Z', 'Je souhaite être REMBOURSÉE', { subject: 'Commande' }),
        ticket('2', '2025-01-06T11:00:00Z', 'hello', { subject: 'Retour produit', channel: 'chat' }),
        ticket('3', '2025-01-06T12:00:00Z', 'hello', { channel: 'contact_form' }),
      ],
      rules,
    );
    expect(outcomes.map((outcome) => [outcome.tags, outcome.assignee?.agent])).toEqual([
      [['refund', 'urgent'], undefined],
      [[], 'Hugo Bernard'],
      [[], 'Hugo Bernard'],
    ]);
    expect(result.rules.find((rule) => rule.name === 'Chat greeting')!.fired.tickets).toBe(0);
  });

  it('keeps rule names unique against a rules file, and follows Gorgias priorities', () => {
    const ast = (tags: string) => ({ type: 'Program', body: [{ type: 'ExpressionStatement', expression: { type: 'CallExpression', callee: { type: 'Identifier', name: 'Action' }, arguments: [{ type: 'Literal', value: 'addTags' }, { type: 'ObjectExpression', properties: [{ type: 'Property', key: { type: 'Identifier', name: 'tags' }, value: { type: 'Literal', value: tags } }] }] } }] });
    const imported = translateGorgiasRules(
      [
        { id: 1, name: 'low', event_types: 'ticket-created', code_ast: ast('a'), priority: 0 },
        { id: 2, name: 'mine', event_types: 'ticket-created', code_ast: ast('b'), priority: 9 },
        { id: 3, name: 'no ast', event_types: 'ticket-created', code: "Action('addTags', {tags: 'c'})" },
      ],
      { takenNames: ['mine'] },
    );
    expect(imported.rules.map((rule) => rule.name)).toEqual(['mine (Gorgias 2)', 'low']);
    expect(imported.report[2]).toMatchObject({ id: '3', status: 'skipped', problems: ['the export has no code_ast (the rule as an ESTree syntax tree) to translate'] });
  });

  it('names the line of an export that is not what the API returns', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'rules.json', '{\n  "rules": []\n}\n');
    await expect(loadGorgiasRules(file)).rejects.toThrow(/^invalid Gorgias rules export:\n {2}.*rules\.json:1: \(top level\): expected the rules as `GET \/api\/rules` returns them/);
  });
});
