import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

function ticketLine(id: string, text: string): string {
  return JSON.stringify({
    id,
    source: 'test',
    createdAt: '2025-01-01T00:00:00.000Z',
    channel: 'email',
    subject: 'Commande / Order',
    customer: {},
    tags: [],
    messages: [{ role: 'customer', sentAt: '2025-01-01T00:00:00.000Z', text }],
  });
}

const TICKETS = [
  ticketLine('fr-1', 'Bonjour, je voudrais être remboursée de ma commande.'),
  ticketLine('en-1', 'Hi, I don’t have my order yet, where is it?'),
  ticketLine('fr-2', 'Où est mon colis ? Il devait arriver lundi.'),
];

/** A workspace holding three tickets, French and English, from a first import that worked. */
async function importedWorkspace(): Promise<{ dir: string; workspace: string }> {
  const dir = await tempDir();
  const workspace = join(dir, 'ws');
  const file = await writeTemp(dir, 'tickets.jsonl', `${TICKETS.join('\n')}\n`);
  expect((await runCli(['import', file, '--workspace', workspace])).code).toBe(0);
  return { dir, workspace };
}

/** Issue 20, item 4: a failed import printed "Workspace now holds 0 tickets" over a workspace it had left untouched. */
describe('shadowdesk import after a failed import', () => {
  it.each([
    ['a French export that is not JSON', 'export-fr.jsonl', '{"id": "fr-9", "texte": Bonjour\n'],
    ['an English export that is not JSON', 'export-en.jsonl', '{"id": "en-9", "text": Hello\n'],
  ])('says the workspace still holds what it held: %s', async (_, name, content) => {
    const { dir, workspace } = await importedWorkspace();
    const bad = await writeTemp(dir, name, content);
    const { code, stdout } = await runCli(['import', bad, '--format', 'shadowdesk-jsonl', '--workspace', workspace]);
    expect(code).toBe(1);
    expect(stdout).toContain(`the workspace ${workspace} was left unchanged`);
    expect(stdout).toContain('Workspace now holds 3 tickets, 0 knowledge documents and 0 orders.');
    expect(stdout).not.toContain('holds 0 tickets');
  });

  it('gives the real counts in the JSON report too', async () => {
    const { dir, workspace } = await importedWorkspace();
    const bad = await writeTemp(dir, 'bad.jsonl', '{"id": 1, nope\n');
    const { code, stdout } = await runCli(['import', bad, '--format', 'shadowdesk-jsonl', '--json', '--workspace', workspace]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ committed: false, totals: { read: 1, imported: 0, skipped: 1, records: { ticket: 3, knowledge: 0, order: 0 } } });
  });

  it('says a first import that failed leaves an empty workspace', async () => {
    const dir = await tempDir();
    const bad = await writeTemp(dir, 'bad.jsonl', '{"id": 1, nope\n');
    const { code, stdout } = await runCli(['import', bad, '--format', 'shadowdesk-jsonl', '--workspace', join(dir, 'ws')]);
    expect(code).toBe(1);
    expect(stdout).toContain('Workspace now holds 0 tickets, 0 knowledge documents and 0 orders.');
  });
});

/** Issue 20, item 1: accents turned into mojibake were imported without a word. */
describe('shadowdesk import of garbled text', () => {
  it.each([
    ['French', ticketLine('fr-1', 'Bonjour, je voudrais Ãªtre remboursÃ©e de ma commande.'), 'Ãªtre'],
    ['English', ticketLine('en-1', 'Hi, I donâ€™t have my order yet â€” where is it?'), 'donâ€™t'],
  ])('warns about a %s export whose accents look garbled', async (_, line, sample) => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'tickets.jsonl', `${line}\n`);
    const { code, stderr } = await runCli(['import', file, '--workspace', join(dir, 'ws')]);
    expect(code).toBe(0);
    expect(stderr).toContain(`shadowdesk: warning: ${file}`);
    expect(stderr).toContain(sample);
  });

  it('says nothing about a clean French and English export', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'tickets.jsonl', `${TICKETS.join('\n')}\n`);
    const { code, stderr } = await runCli(['import', file, '--workspace', join(dir, 'ws')]);
    expect(code).toBe(0);
    // A log or a pipe gets plain progress lines, and nothing else.
    expect(stderr).toBe(`read ${file} (shadowdesk-jsonl): ${TICKETS.length} records\n`);
  });
});
