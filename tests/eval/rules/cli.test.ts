import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importSources } from '../../../pipelines/import.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';
import { message, ticket } from './_tickets.ts';
import { runCli } from '../../helpers/cli.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/gorgias-rules.json', import.meta.url));
/** Gorgias's own rules and account settings, as the API returns them. */
const API_SHAPE = fileURLToPath(new URL('../../fixtures/gorgias-rules/', import.meta.url));
const tempDir = useTempDir();

const run = (args: string[]) => runCli(args);

async function workspace(dir: string): Promise<string> {
  const tickets = [
    ticket('1', '2025-01-06T21:00:00Z', 'Je veux être remboursé', { tags: ['refund'], assignee: 'Hugo Bernard' }, [message('agent', '2025-01-07T09:00:00Z', 'Bonjour')]),
    ticket('2', '2025-01-07T10:00:00Z', 'Où est mon colis ?', { tags: ['where-is-my-order'], channel: 'chat' }, [message('agent', '2025-01-07T10:05:00Z', 'Bonjour')]),
  ];
  const file = await writeTemp(dir, 'tickets.jsonl', tickets.map((entry) => JSON.stringify(entry)).join('\n'));
  await importSources([{ path: file }], { workspace: join(dir, 'ws') });
  return join(dir, 'ws');
}

const RULES = `rules:
  - name: refunds
    trigger: customer-message
    conditions: { text: { any: [rembours*] } }
    actions: { addTags: [refund], assign: { agent: Hugo Bernard } }
  - name: night
    trigger: ticket-created
    conditions:
      time: { zone: Europe/Paris, hours: { mon: 09:00-18:00, tue: 09:00-18:00 }, during: outside }
    actions:
      autoReply: { template: "Bonjour {{ticket.customer.firstname}}" }
`;

describe('shadowdesk rules', () => {
  it('prints a table per rule and writes rules.json', async () => {
    const dir = await tempDir();
    const ws = await workspace(dir);
    const rules = await writeTemp(dir, 'rules.yaml', RULES);
    const { code, stdout, stderr } = await run(['rules', rules, '--workspace', ws, '--out', join(dir, 'out')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replayed 2 rules over 2 tickets in \d+ ms\.\n/);
    expect(stdout).toMatch(/refunds\s+1\s+100%\s+100%\s+100%\s+100%/);
    expect(stdout).toMatch(/night\s+1\s+1\s+0 in 15 min/);
    const written = JSON.parse(await readFile(join(dir, 'out', 'rules.json'), 'utf8'));
    expect(written).toMatchObject({ schemaVersion: 1, tickets: 2, replyWithinMinutes: 15 });
    expect((await readFile(join(dir, 'out', 'rules-tickets.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('translates a Gorgias export, reports what it could not, and prints JSON on request', async () => {
    const dir = await tempDir();
    const ws = await workspace(dir);
    const { code, stdout } = await run(['rules', '--gorgias-rules', FIXTURE, '--workspace', ws, '--json', '--reply-within', '30']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.replyWithinMinutes).toBe(30);
    expect(result.rules.map((rule: { name: string }) => rule.name)).toEqual(['Refund tagging', 'Returns to Hugo', 'Chat greeting']);
    expect(result.gorgias.filter((rule: { status: string }) => rule.status === 'skipped')).toHaveLength(3);
    const written = JSON.parse(await readFile(join(ws, 'runs', 'rules', 'rules.json'), 'utf8'));
    expect(written.gorgias).toEqual(result.gorgias);
  });

  it('reads the business hours from --gorgias-settings, wherever that file is', async () => {
    const dir = await tempDir();
    const ws = await workspace(dir);
    const rules = join(dir, 'exports', 'rules.json');
    const settings = join(dir, 'settings', 'acme-settings.json');
    await mkdir(dirname(rules), { recursive: true });
    await mkdir(dirname(settings), { recursive: true });
    await copyFile(join(API_SHAPE, 'rules.json'), rules);
    await copyFile(join(API_SHAPE, 'account-settings.json'), settings);
    const statusOf = (stdout: string) => (JSON.parse(stdout) as { gorgias: Array<{ name: string; status: string }> }).gorgias.find((rule) => rule.name === 'Out of hours')?.status;

    const without = await run(['rules', '--gorgias-rules', rules, '--workspace', ws, '--json']);
    expect(without.code, without.stderr).toBe(0);
    expect(statusOf(without.stdout)).toBe('skipped');
    const withSettings = await run(['rules', '--gorgias-rules', rules, '--gorgias-settings', settings, '--workspace', ws, '--json']);
    expect(withSettings.code, withSettings.stderr).toBe(0);
    expect(statusOf(withSettings.stdout)).toBe('translated');

    const missing = await run(['rules', '--gorgias-rules', rules, '--gorgias-settings', join(dir, 'nope.json'), '--workspace', ws]);
    expect(missing).toMatchObject({ code: 2, stderr: `shadowdesk: --gorgias-settings ${join(dir, 'nope.json')}: no such file; save GET /api/account/settings there\n` });
    const alone = await run(['rules', 'x.yaml', '--gorgias-settings', settings, '--workspace', ws]);
    expect(alone).toMatchObject({ code: 2, stderr: 'shadowdesk: --gorgias-settings gives the business hours of Gorgias rules: use it with --gorgias-rules\n' });
    expect((await run(['rules', '--help'])).stdout).toContain('--gorgias-settings');
  });

  it('says where a rules file is wrong, without a stack trace', async () => {
    const dir = await tempDir();
    const rules = await writeTemp(dir, 'rules.yaml', 'rules:\n  - name: x\n    trigger: ticket-created\n    conditions: { text: { regex: "(" } }\n    actions: { close: true }\n');
    const { code, stderr } = await run(['rules', rules, '--workspace', join(dir, 'ws')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^shadowdesk: invalid rules file:\\n  ${rules.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: rules\\[0\\]\\.conditions\\.text\\.regex: invalid regular expression: Unterminated group\\n$`));
    expect(stderr).not.toContain('    at ');
  });

  it('explains itself with examples, and asks for rules', async () => {
    const help = await run(['rules', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('shadowdesk rules');
    expect(help.stdout).toMatch(/Examples?:/);
    const none = await run(['rules']);
    expect(none).toMatchObject({ code: 2, stderr: 'shadowdesk: give a rules file, --gorgias-rules export.json, or both\n' });
  });
});
