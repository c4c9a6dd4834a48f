import { exec } from 'node:child_process';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/temp.ts';
import { runCli } from '../helpers/cli.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const tempDir = useTempDir();

const run = (args: string[], cwd: string) => runCli(args, { cwd });

/** A command line as a user types it; npm may not reach the network. */
async function shell(command: string, cwd: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(exec)(command, { cwd, env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true' }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stderr };
  } catch (error) {
    return error as { code: number; stderr: string };
  }
}

async function exportsFolder(dir: string): Promise<void> {
  await mkdir(join(dir, 'exports'));
  await cp(join(FIXTURES, 'gorgias-json/tickets-pages.json'), join(dir, 'exports/gorgias-tickets.json'));
  await cp(join(FIXTURES, 'shopify-orders-csv/orders.csv'), join(dir, 'exports/orders.csv'));
  await cp(join(FIXTURES, 'help-center'), join(dir, 'help-center'), { recursive: true });
  await writeFile(
    join(dir, 'exports/tickets-fr.csv'),
    'Ticket ID;Date de création;Objet;Message;Réponse agent\n' +
      '1;03/04/2025 10:00;Colis;Où est mon colis ?;Il arrive demain.\n' +
      '2;04/04/2025 11:00;Retour;Je veux retourner un article;Voici l’étiquette de retour.\n' +
      '3;05/04/2025 09:30;Colis;Mon colis n’est pas arrivé;Il arrive demain.\n',
  );
  await writeFile(join(dir, 'exports/stats.xlsx'), 'PK\u0003\u0004');
}

describe('shadowdesk init and config check', () => {
  it.each(['init', 'config check'])('%s --help shows examples', async (command) => {
    const { code, stdout } = await run([...command.split(' '), '--help'], process.cwd());
    expect(code).toBe(0);
    expect(stdout).toMatch(/Examples?:/);
  });

  it('init summarises the exports, then config check says ok', async () => {
    const dir = await tempDir();
    await exportsFolder(dir);
    const init = await run(['init'], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/exports\/gorgias-tickets\.json\s+gorgias-json\s+3 tickets/);
    expect(init.stdout).toMatch(/help-center\s+articles-folder/);
    expect(init.stdout).toContain('exports/stats.xlsx: not an export file');
    expect(init.stdout).toMatch(/body\s+Message\s+Où est mon colis \?/);
    expect(init.stdout).toContain('shadowdesk import exports/gorgias-tickets.json exports/orders.csv exports/tickets-fr.csv help-center --mapping mapping.yaml');
    const check = await run(['config', 'check'], dir);
    expect(check).toMatchObject({ code: 0, stderr: '' });
    expect(check.stdout).toMatch(/^ok: shadowdesk\.yaml: 4 candidates .*the last 90 days/);
  });

  it('config check gives the line, the key and a fix for each mistake', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'shadowdesk.yaml'), 'candidates:\n  - type: knowlege-base\n  - type: macro\n    minConfidance: 0.5\nconcurency: 3\ndecision:\n  strictness: vérifié\n');
    const { code, stderr } = await run(['config', 'check'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('shadowdesk.yaml:2: candidates[0].type:');
    expect(stderr).toContain('fix: did you mean "knowledge-base"? allowed values: knowledge-base, past-ticket, macro, composite, oracle, llm');
    expect(stderr).toContain('shadowdesk.yaml:4: candidates[1].minConfidance: unknown key (a typo?)\n    fix: did you mean "minConfidence"?');
    expect(stderr).toContain('shadowdesk.yaml:5: concurency: unknown key (a typo?)\n    fix: did you mean "concurrency"?');
    expect(stderr).toContain('shadowdesk.yaml:7: decision.strictness: Invalid option: expected one of "contained"|"verified"|"confirmed"\n    fix: did you mean "verified"? allowed values: contained, verified, confirmed');
    expect(stderr.split('\n')[0]).toBe('shadowdesk.yaml: 4 problems');
  });

  it('end to end: init, then the suggested import and simulate run offline and write a report', async () => {
    const dir = await tempDir();
    await exportsFolder(dir);
    const init = await run(['init', dir], process.cwd());
    // Typed as printed, in a shell, from the user's folder (outside the clone): npx finds this shadowdesk, never the registry.
    const commands = init.stdout.split('\n').filter((line) => line.startsWith('  npx ')).map((line) => line.trim());
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const typed = await shell(command, dir);
      expect(typed.code, typed.stderr).toBe(0);
    }
    expect((await stat(join(dir, '.shadowdesk/runs/latest/report.html'))).size).toBeGreaterThan(0);
    expect(await readFile(join(dir, '.shadowdesk/runs/latest/report.json'), 'utf8')).toContain('composite');
  }, 60_000);
});
