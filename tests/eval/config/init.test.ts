import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSimulationConfig } from '../../../eval/config/config.ts';
import { configJsonSchema } from '../../../eval/config/config-schema.ts';
import { cliCommand, initProject } from '../../../eval/config/init.ts';
import { defaultCandidates } from '../../../eval/responders/index.ts';
import { useTempDir } from '../../helpers/temp.ts';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
const SCHEMA_DOC = new URL('../../../docs/config.schema.json', import.meta.url).pathname;
const tempDir = useTempDir();

const FRENCH_CSV = 'Ticket ID;Date de création;Objet;Message;Réponse agent\n1;03/04/2025 10:00;Colis;Où est mon colis ?;Il arrive demain.\n2;04/04/2025 11:00;Retour;Je veux retourner un article;Voici l’étiquette.\n3;05/04/2025 09:30;Taille;Quelle taille choisir ?;Prenez M.\n4;06/04/2025 08:00;Merci;Merci !;Avec plaisir.\n';

/** A folder of mixed exports as a support lead would have it. */
async function mixedExports(dir: string): Promise<void> {
  await mkdir(join(dir, 'exports'));
  await cp(join(FIXTURES, 'gorgias-json/tickets-pages.json'), join(dir, 'exports/gorgias-tickets.json'));
  await cp(join(FIXTURES, 'shopify-orders-csv/orders.csv'), join(dir, 'exports/orders.csv'));
  await cp(join(FIXTURES, 'help-center'), join(dir, 'help-center'), { recursive: true });
  await writeFile(join(dir, 'exports/tickets-fr.csv'), FRENCH_CSV);
  await writeFile(join(dir, 'exports/stats.xlsx'), 'PK\u0003\u0004');
  await writeFile(join(dir, 'exports/other.csv'), 'foo,bar\n1,2\n');
  await mkdir(join(dir, 'node_modules'));
  await writeFile(join(dir, 'node_modules/ignored.json'), '[]');
}

describe('initProject', () => {
  it('recognises each export, says why others cannot be read and proposes a column mapping', async () => {
    const dir = await tempDir();
    await mixedExports(dir);
    const result = await initProject({ dir });
    const formats = Object.fromEntries(result.recognised.map((source) => [source.path.slice(dir.length + 1), source.format]));
    expect(formats).toEqual({
      'exports/gorgias-tickets.json': 'gorgias-json',
      'exports/orders.csv': 'shopify-orders-csv',
      'exports/tickets-fr.csv': 'generic-csv',
      'help-center': 'articles-folder',
    });
    expect(result.recognised.find((source) => source.format === 'generic-csv')?.counts).toEqual({ ticket: 4, skipped: 0 });
    const unreadable = Object.fromEntries(result.unreadable.map((file) => [file.path.slice(dir.length + 1), file.reason]));
    expect(Object.keys(unreadable)).toEqual(['exports/other.csv', 'exports/stats.xlsx']);
    expect(unreadable['exports/other.csv']).toContain('ticketId, createdAt, body');
    expect(unreadable['exports/stats.xlsx']).toContain('not an export file');

    expect(result.mappings).toHaveLength(1);
    expect(result.mappings[0]!.mapping).toEqual({ ticketId: 'Ticket ID', createdAt: 'Date de création', subject: 'Objet', body: 'Message', reply: 'Réponse agent' });
    expect(result.mappings[0]!.rows).toHaveLength(3);
    expect(result.mappings[0]!.rows[0]).toMatchObject({ Message: 'Où est mon colis ?' });

    expect(result.written.map((path) => path.slice(dir.length + 1))).toEqual(['shadowdesk.yaml', 'shadowdesk.schema.json', 'mapping.yaml']);
    expect(await readFile(join(dir, 'mapping.yaml'), 'utf8')).toMatch(/^body: Message$/m);
    expect(JSON.parse(await readFile(join(dir, 'shadowdesk.schema.json'), 'utf8'))).toEqual(configJsonSchema());
    expect(result.cli).toBe(cliCommand(dir));
    expect(result.next).toEqual([
      `${result.cli} import exports/gorgias-tickets.json exports/orders.csv exports/tickets-fr.csv help-center --mapping mapping.yaml`,
      `${result.cli} simulate --config shadowdesk.yaml`,
    ]);
  });

  it('writes a commented config that loads back, and keeps existing files unless forced', async () => {
    const dir = await tempDir();
    await mixedExports(dir);
    await initProject({ dir });
    const yaml = await readFile(join(dir, 'shadowdesk.yaml'), 'utf8');
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./shadowdesk.schema.json');
    expect(yaml).toContain('#   apiKeyEnv: OPENAI_API_KEY');
    const config = await loadSimulationConfig(join(dir, 'shadowdesk.yaml'));
    // The config a project starts with replays what a run without one does.
    expect(config.candidates.map((candidate) => candidate.id ?? candidate.type)).toEqual(defaultCandidates());
    expect(config.candidates.find((candidate) => candidate.type === 'composite')).toMatchObject({ parts: ['past-ticket', 'macro', 'knowledge-base'] });
    expect(yaml).toContain("  # The closest customer-facing article passage (internal docs and macros are never quoted), as a\n  # helpdesk's native AI would.\n  - type: knowledge-base\n");
    expect(config.selection?.holdoutDays).toBe(90);

    await writeFile(join(dir, 'shadowdesk.yaml'), 'candidates: [{ type: macro }]\n');
    const again = await initProject({ dir });
    expect(again.written).toEqual([]);
    expect(again.kept).toHaveLength(3);
    expect(await readFile(join(dir, 'shadowdesk.yaml'), 'utf8')).toBe('candidates: [{ type: macro }]\n');
    const forced = await initProject({ dir, force: true });
    expect(forced.written).toHaveLength(3);
  });

  it('looks only at the given paths', async () => {
    const dir = await tempDir();
    await mixedExports(dir);
    const result = await initProject({ dir, paths: [join(dir, 'exports/orders.csv'), join(dir, 'missing.json')], workspace: join(dir, 'ws') });
    expect(result.recognised.map((source) => source.format)).toEqual(['shopify-orders-csv']);
    expect(result.unreadable[0]?.reason).toContain('no such file');
    expect(result.mappings).toEqual([]);
    expect(result.next[0]).toBe(`${result.cli} import exports/orders.csv --workspace ws`);
  });
});

describe('how init says to run shadowdesk', () => {
  it('says `npx shadowdesk` inside the clone and in a project that installed it, `npx --prefix` anywhere else', async () => {
    const root = await tempDir();
    const clone = join(root, "shadow desk's clone");
    await mkdir(join(clone, 'exports'), { recursive: true });
    await writeFile(join(clone, 'package.json'), '{"name":"shadowdesk","bin":{"shadowdesk":"bin/shadowdesk.js"}}');
    expect(cliCommand(join(clone, 'exports'), clone)).toBe('npx shadowdesk');

    const project = join(root, 'support-project');
    await mkdir(join(project, 'node_modules', '.bin'), { recursive: true });
    await mkdir(join(project, 'exports-été'));
    await writeFile(join(project, 'node_modules', '.bin', 'shadowdesk'), '');
    expect(cliCommand(join(project, 'exports-été'), clone)).toBe('npx shadowdesk');

    // Elsewhere a bare `npx shadowdesk` would ask the registry: the clone is named, quoted for the shell.
    const elsewhere = join(root, 'other');
    await mkdir(join(elsewhere, 'exports'), { recursive: true });
    await writeFile(join(elsewhere, 'package.json'), '{"name":"shop"}');
    expect(cliCommand(join(elsewhere, 'exports'), clone)).toBe(`npx --prefix '${clone.replaceAll("'", "'\\''")}' shadowdesk`);
  });
});

describe('the config JSON Schema', () => {
  it('is generated from the zod schema and docs/config.schema.json is up to date (UPDATE_SCHEMA=1 rewrites it)', async () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; title: string };
    expect(schema.title).toBeTruthy();
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'candidates', 'selection', 'concurrency', 'refitEvery', 'judge', 'rules', 'decision']);
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA === '1') await writeFile(SCHEMA_DOC, text);
    const committed = await readFile(SCHEMA_DOC, 'utf8').catch(() => '');
    expect(committed, 'docs/config.schema.json is stale: run UPDATE_SCHEMA=1 npx vitest run tests/eval/config/init.test.ts').toBe(text);
  });
});
