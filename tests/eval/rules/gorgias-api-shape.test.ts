import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGorgiasRules } from '../../../eval/rules/gorgias.ts';
import { evaluateRules } from '../../../eval/rules/simulate.ts';
import { useTempDir } from '../../helpers/temp.ts';
import { ticket } from './_tickets.ts';

const RULES = fileURLToPath(new URL('../../fixtures/gorgias-rules/rules.json', import.meta.url));
const tempDir = useTempDir();

describe('Gorgias rules as the API returns them', () => {
  it('translates the sender address, tag lists, business hours from the account settings, and setTags', async () => {
    const imported = await loadGorgiasRules(RULES);
    expect(imported.report.map((rule) => [rule.name, rule.status, rule.problems])).toEqual([
      ['VIP senders', 'translated', []],
      ['Urgent VIP refunds', 'translated', []],
      ['Out of hours', 'translated', []],
    ]);
    expect(imported.rules[0]).toMatchObject({ conditions: [{ customer: { domain: ['vip.example', 'maisonlune-pro.fr'] } }], actions: { setTags: ['vip'], assign: { agent: 'Hugo Bernard' } } });
    expect(imported.rules[1]!.conditions).toEqual([{ tags: { all: ['vip'] } }, { text: { any: ['rembours*', 'refund*'], in: ['body'] } }]);
    expect(imported.rules[2]!.conditions).toEqual([{ time: { zone: 'Europe/Paris', hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-18:00'] }, holidays: [], during: 'outside' } }]);
  });

  it('replays them on French and English tickets', async () => {
    const { rules } = await loadGorgiasRules(RULES);
    const { outcomes } = evaluateRules(
      [
        // Saturday 10:00 in Paris, from a VIP domain, in French.
        ticket('fr', '2025-01-11T09:00:00Z', 'Je voudrais être remboursée, svp.', { customer: { email: 'lea@vip.example' } }),
        // Monday 10:00 in Paris, in English, not a VIP.
        ticket('en', '2025-01-13T09:00:00Z', 'I would like a refund please.', { customer: { email: 'sam@example.com' } }),
      ],
      rules,
    );
    expect(outcomes.map((outcome) => [outcome.ticketId, outcome.tags, outcome.assignee?.agent, outcome.priority?.priority, outcome.autoReplies.length])).toEqual([
      ['fr', ['vip', 'refund', 'hors-horaires'], 'Hugo Bernard', 'urgent', 1],
      ['en', [], undefined, undefined, 0],
    ]);
  });

  it('without the account settings, says which file would give the business hours', async () => {
    const dir = await tempDir();
    const alone = join(dir, 'rules.json');
    await copyFile(RULES, alone);
    const imported = await loadGorgiasRules(alone);
    expect(imported.report[2]).toMatchObject({
      status: 'skipped',
      problems: ["line 1: duringBusinessHours() needs the account's business hours: save GET /api/account/settings as account-settings.json next to the rules export"],
    });
  });
});
