import { defineCommand } from 'citty';
import { describe, expect, it } from 'vitest';
import { checkCommandLine, isShare, maxErrorRateFlag, numberFlag, readDataFile, repeatable, withExamples } from '../../bin/_cli.ts';
import type { ShadowdeskError } from '../../errors.ts';
import { useTempDir, writeTemp } from '../helpers/temp.ts';

describe('numberFlag: one reader for every number and percentage flag', () => {
  it('reads a share or a percentage, with or without a space before %', () => {
    expect(['0.05', '5%', ' 2.5 % ', '0', '.5', '100%'].map((text) => maxErrorRateFlag(text))).toEqual([0.05, 0.05, 0.025, 0, 0.5, 1]);
    expect(numberFlag('-2%', '--growth', (number) => number > -1, 'a monthly share above -100%')).toBe(-0.02);
    expect(numberFlag('4.5', '--human-cost', (number) => number >= 0, 'an amount ≥ 0')).toBe(4.5);
    expect(maxErrorRateFlag(undefined)).toBeUndefined();
  });

  it('refuses English words, French decimal commas and what a person would not type, naming the flag', () => {
    for (const text of ['five', 'cinq', '2,5 %', '5', '150%', '-1', '', ' ', '0.05.1', '1e-2', '0x1', '%']) {
      expect(() => maxErrorRateFlag(text), text).toThrow(`--max-error-rate ${text}: expected a share of answers such as 0.05, or a percentage such as 5%`);
    }
  });

  it('checks bounds after reading the percentage', () => {
    expect(() => numberFlag('-100%', '--growth', (number) => number > -1, 'a monthly share above -100%')).toThrow('--growth -100%: expected a monthly share above -100%');
    expect(isShare(1)).toBe(true);
    expect(isShare(1.01)).toBe(false);
  });
});

describe('checkCommandLine: strict option parsing (node:util parseArgs) said in the command’s words', () => {
  const search = withExamples(
    defineCommand({
      meta: { name: 'search' },
      args: {
        query: { type: 'positional', description: 'What to search' },
        mode: { type: 'enum', options: ['hybrid', 'vector', 'fts'], description: 'Search mode' },
        'as-of': { type: 'string', description: 'A date' },
        limit: { type: 'string', description: 'Hits to show' },
        json: { type: 'boolean', description: 'JSON output' },
        workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
      },
    }),
    ['shadowdesk search "where is my order" --as-of 2025-03-01'],
  );
  const merge = defineCommand({ meta: { name: 'merge' }, args: { runs: repeatable({ type: 'positional', description: 'Shard runs', required: true }), out: { type: 'string', required: true, description: 'Merged run' } } });
  const index = defineCommand({ meta: { name: 'index' }, args: { workspace: { type: 'string', default: '.shadowdesk' } } });
  const root = withExamples(defineCommand({ meta: { name: 'shadowdesk' }, subCommands: { search, merge, index } }), ['shadowdesk search x']);
  const check = (...args: string[]) => checkCommandLine(root, args);

  it('takes a well-formed line in every form the parser reads: =, camelCase, --no-, negative numbers, -- and repeated positionals', async () => {
    for (const line of [
      ['search', 'où est ma commande', '--mode', 'fts', '--as-of=2025-03-01', '--json'],
      ['search', 'where is my order', '--asOf', '2025-03-01', '--no-json'],
      ['search', 'x', '--limit', '-3'],
      ['search', '--', '--not-an-option'],
      ['merge', 'runs/1', 'runs/2', 'runs/3', '--out', 'runs/all'],
    ]) {
      expect(await check(...line), line.join(' ')).toBeUndefined();
    }
  });

  it('names the nearest option and command, English or French', async () => {
    expect(await check('search', 'x', '--limt', '3')).toBe('shadowdesk search: unknown option --limt; did you mean --limit? options: --mode, --as-of, --limit, --json, --workspace (`shadowdesk search --help`)');
    expect(await check('search', 'x', '--modé', 'fts')).toMatch(/^shadowdesk search: unknown option --modé; did you mean --mode\?/);
    expect(await check('index', '--no-workspace')).toBe('shadowdesk index: unknown option --no-workspace; did you mean --workspace? options: --workspace (`shadowdesk index --help`)');
    expect(await check('serch', 'x')).toMatch(/^shadowdesk: unknown command "serch"; did you mean `shadowdesk search`\?/);
    expect(await check('recherche', 'x')).toMatch(/^shadowdesk: unknown command "recherche"; commands: search, merge, index/);
  });

  it('refuses a missing or empty value with an example, and a value given to a switch', async () => {
    const needs = 'shadowdesk search: --as-of needs a value, e.g. --as-of 2025-03-01 (`shadowdesk search --help`)';
    expect(await check('search', 'x', '--as-of')).toBe(needs);
    expect(await check('search', 'x', '--as-of', '--json')).toBe(needs);
    expect(await check('search', 'x', '--as-of=')).toBe(needs);
    expect(await check('index', '--workspace', '')).toBe('shadowdesk index: --workspace needs a value, e.g. --workspace .shadowdesk (`shadowdesk index --help`)');
    expect(await check('search', 'x', '--json=yes')).toBe('shadowdesk search: --json takes no value; write --json, or --no-json to turn it off (`shadowdesk search --help`)');
  });

  it('checks choices, missing and extra arguments, in French and English', async () => {
    expect(await check('search', 'x', '--mode', 'vectoriel')).toBe('shadowdesk search: --mode vectoriel: expected one of hybrid, vector, fts; did you mean vector?');
    expect(await check('search', 'x', '--mode', 'semantic')).toBe('shadowdesk search: --mode semantic: expected one of hybrid, vector, fts');
    expect(await check('search', 'où', 'est', 'ma', 'commande')).toBe('shadowdesk search: unexpected argument "est"; it takes QUERY only; quote a value with spaces, e.g. "où est ma commande" (`shadowdesk search --help`)');
    expect(await check('index', 'exports/')).toBe('shadowdesk index: unexpected argument "exports/"; it takes options only (`shadowdesk index --help`)');
    expect(await check('search')).toBe('shadowdesk search: missing QUERY (What to search); e.g. `shadowdesk search "where is my order" --as-of 2025-03-01`');
    expect(await check('merge', 'runs/1')).toBe('shadowdesk merge: missing --out (Merged run)');
  });
});

describe('readDataFile: a mapping file with a syntax error names the flag, the file and the line', () => {
  const tempDir = useTempDir();

  it.each([
    ['mapping.yaml', 'sujet: Objet\ncorps: Message\nréponse: [Réponse agent\n', /^--mapping \S+mapping\.yaml:\d+: not valid YAML: /],
    ['mapping.json', '{\n  "subject": "Subject",\n  "body": "Message",,\n}\n', /^--mapping \S+mapping\.json:3: not valid JSON: /],
  ])('%s', async (name, text, message) => {
    const file = await writeTemp(await tempDir(), name, text);
    const error = (await readDataFile(file, '--mapping').catch((caught: unknown) => caught)) as ShadowdeskError;
    expect(error).toMatchObject({ code: 'SD_MAPPING_INVALID', message: expect.stringMatching(message) });
    expect(error.issues).toEqual([expect.objectContaining({ file, line: expect.any(Number) })]);
  });

  it('reads French and English mappings alike', async () => {
    const dir = await tempDir();
    expect(await readDataFile(await writeTemp(dir, 'fr.yaml', 'sujet: Objet\ncorps: Réponse agent\n'), '--mapping')).toEqual({ sujet: 'Objet', corps: 'Réponse agent' });
    expect(await readDataFile(await writeTemp(dir, 'en.json', '{"subject": "Subject"}'), '--mapping')).toEqual({ subject: 'Subject' });
  });
});
