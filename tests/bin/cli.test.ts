import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir, writeTemp } from '../helpers/temp.ts';
import { runCli } from '../helpers/cli.ts';

const tempDir = useTempDir();

const run = (args: string[], cwd?: string) => runCli(args, { cwd });

describe('shadowdesk CLI', () => {
  it.each(['import', 'pull', 'demo', 'formats', 'simulate', 'merge', 'index', 'search', 'report', 'price', 'compare', 'ci', 'label', 'label export', 'label import', 'init', 'config', 'config check'])(
    '%s --help explains the command with an example',
    async (command) => {
      const { code, stdout } = await run([...command.split(' '), '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`shadowdesk ${command}`);
      expect(stdout).toMatch(new RegExp(`Examples?:\\n  shadowdesk ${command}`));
    },
  );

  it('lists every format', async () => {
    const { stdout } = await run(['formats']);
    for (const name of ['gorgias-json', 'zendesk-json', 'freshdesk-csv', 'generic-csv', 'shopify-orders-csv']) {
      expect(stdout).toContain(name);
    }
  });

  it('says what is wrong, without a stack trace, for a missing file', async () => {
    const dir = await tempDir();
    const { code, stderr } = await run(['import', join(dir, 'nope.json'), '--workspace', join(dir, 'ws')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`shadowdesk: ${join(dir, 'nope.json')}: no such file or folder\n`);
  });

  it('exits 1 and keeps the workspace when nothing usable was read', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'bad.jsonl', '{"id": 1, nope\n');
    const { code, stdout } = await run(['import', file, '--format', 'shadowdesk-jsonl', '--workspace', join(dir, 'ws')]);
    expect(code).toBe(1);
    expect(stdout).toContain('Nothing usable was read');
    expect(stdout).toContain(`${file}:1: invalid JSON`);
  });

  it('prints the report as JSON on request', async () => {
    const dir = await tempDir();
    const line = JSON.stringify({
      id: 't1',
      source: 'test',
      createdAt: '2025-01-01T00:00:00.000Z',
      channel: 'email',
      subject: 'Hi',
      customer: {},
      tags: [],
      messages: [{ role: 'customer', sentAt: '2025-01-01T00:00:00.000Z', text: 'Hello' }],
    });
    const file = await writeTemp(dir, 'ok.jsonl', `${line}\n`);
    const { code, stdout } = await run(['import', file, '--json', '--workspace', join(dir, 'ws')]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ committed: true, totals: { read: 1, imported: 1, records: { ticket: 1 } } });
  });
});

/** Issue 9, item 5: every error a user can cause says what is wrong, where, and what to do next, without a stack. */
describe('errors a newcomer can cause', () => {
  it('refuses an option without its value instead of making a workspace named after the next option', async () => {
    // `index --workspace --run x` once created `--run/index` in the working directory.
    const dir = await tempDir();
    for (const args of [['index', '--workspace', '--run', 'x'], ['simulate', '--workspace', '--run', 'runs/x'], ['index', '--workspace']]) {
      const { code, stderr } = await run(args, dir);
      expect(code).toBe(2);
      expect(stderr).toBe(`shadowdesk ${args[0]}: --workspace needs a value, e.g. --workspace .shadowdesk (\`shadowdesk ${args[0]} --help\`)\n`);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves a workspace with nothing imported untouched and says to import first', async () => {
    const dir = await tempDir();
    const { code, stderr } = await run(['index', '--workspace', 'ws'], dir);
    expect(code).toBe(2);
    expect(stderr).toBe('shadowdesk: ws: nothing imported yet; run `shadowdesk import <your exports>` first (or pass --workspace with the folder you imported into)\n');
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    [['simulat'], 'shadowdesk: unknown command "simulat"; did you mean `shadowdesk simulate`? Commands: '],
    [['label', 'exprot', 'runs/x'], 'shadowdesk label: unknown command "exprot"; did you mean `shadowdesk label export`? Commands: export, import'],
    [['simulate', '--holdout', '30'], 'shadowdesk simulate: unknown option --holdout; did you mean --holdout-days? options: --config, '],
    [['index', '--run', 'x'], 'shadowdesk index: unknown option --run; options: --model, --allow-download, --tables-uri, --workspace (`shadowdesk index --help`)'],
    [['index', 'exports/'], 'shadowdesk index: unexpected argument "exports/"; it takes options only (`shadowdesk index --help`)'],
    [['search', 'where', 'is', 'my', 'order'], 'shadowdesk search: unexpected argument "is"; it takes QUERY only; quote a value with spaces, e.g. "where is my order"'],
    [['search', 'x', '--mode', 'semantic'], 'shadowdesk search: --mode semantic: expected one of hybrid, vector, fts'],
    [['price'], 'shadowdesk price: missing RUN (A run folder that `shadowdesk report` has judged); e.g. `shadowdesk price .shadowdesk/runs/latest`'],
    [['ci'], 'shadowdesk ci: missing --baseline (The pinned baseline report.json); e.g. `shadowdesk ci --baseline ci/baseline.json --run .shadowdesk/runs/latest`'],
    [['merge', 'runs/1', 'runs/2'], 'shadowdesk merge: missing --out (Folder of the merged run); e.g. '],
    [['--workspace', 'ws', 'import', 'a.json'], 'shadowdesk: --workspace before the command; put options after it, e.g. `shadowdesk import --workspace …`'],
    [['search', 'x', '--limit', '-3'], 'shadowdesk: --limit -3: expected a whole number above 0'],
    [['import', 'a.json', '--max-message-chars', '-5'], 'shadowdesk: --max-message-chars -5: expected a whole number above 0'],
    [['demo', '--holdout-days', 'ninety'], 'shadowdesk: --holdout-days ninety: expected a whole number above 0'],
    [['report', 'runs/x', '--seed', 'abc'], 'shadowdesk: --seed abc: expected a whole number'],
    [['init', 'exprots/'], 'shadowdesk: exprots/: no such file or folder; name the folder your helpdesk exports are in, e.g. `shadowdesk init exports/`'],
    [['price', 'runs/none'], 'shadowdesk: runs/none: no such run folder; `shadowdesk simulate` writes a run to .shadowdesk/runs/latest (or to the folder --run names)'],
    [['compare', 'runs/a', 'runs/b'], 'shadowdesk: runs/a: no such run folder or report.json; `shadowdesk simulate` writes runs to .shadowdesk/runs/latest'],
    [['config', 'check'], 'shadowdesk: shadowdesk.yaml: no such config file; `shadowdesk init <exports folder>` writes a commented one'],
    [['simulate', '--config', 'nope.yaml'], 'shadowdesk: --config nope.yaml: no such file; `shadowdesk init <exports folder>` writes a commented shadowdesk.yaml'],
    [['index', '--workspace', 's3://bucket/ws'], 'shadowdesk: s3://bucket/ws: a workspace is a local folder; to keep its search tables in object storage, build the index with `shadowdesk index --tables-uri s3://bucket/ws`'],
  ])('%j: exit 2, one line that says what to do', async (args, message) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.json'), '[]');
    const { code, stdout, stderr } = await run(args, dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message), stderr).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect((await readdir(dir)).sort()).toEqual(['a.json']);
  });

  it('checks the pricing file before the replay, and says where the presets are', async () => {
    const dir = await tempDir();
    const line = JSON.stringify({ id: 't1', source: 'test', createdAt: '2025-01-01T00:00:00.000Z', channel: 'email', subject: 'Hi', customer: {}, tags: [], messages: [{ role: 'customer', sentAt: '2025-01-01T00:00:00.000Z', text: 'Hello' }] });
    const file = await writeTemp(dir, 'ok.jsonl', `${line}\n`);
    expect((await run(['import', file, '--workspace', join(dir, 'ws')])).code).toBe(0);
    const { code, stderr } = await run(['simulate', '--pricing', 'my-prices.yaml', '--run', join(dir, 'run'), '--workspace', join(dir, 'ws')], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^shadowdesk: cannot read pricing file my-prices\.yaml: no such file; start from a copy of the shipped presets: cp \S+presets\.yaml my-prices\.yaml\n$/);
    expect(await readdir(dir)).not.toContain('run');
  });

  it('says a workspace or run path that is a file is not a folder', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'x');
    expect(await run(['index', '--workspace', 'notes.txt'], dir)).toMatchObject({ code: 2, stderr: 'shadowdesk: notes.txt: a file, not a workspace folder; --workspace names the folder `shadowdesk import` wrote\n' });
  });
});

describe('index and search', () => {
  it('indexes a workspace offline and searches it as of a date', async () => {
    const dir = await tempDir();
    const doc = (updatedAt: string, days: number) =>
      JSON.stringify({ id: 'returns', kind: 'policy', title: 'Returns', body: `Return any item within ${days} days.`, updatedAt });
    const file = await writeTemp(dir, 'kb.jsonl', [doc('2024-01-01T00:00:00.000Z', 14), doc('2025-03-01T00:00:00.000Z', 30)].join('\n'));
    const workspace = join(dir, 'ws');
    expect((await run(['import', file, '--workspace', workspace])).code).toBe(0);
    const indexed = await run(['index', '--workspace', workspace]);
    expect(indexed.code).toBe(0);
    expect(indexed.stdout).toContain('Indexed 2 knowledge passages and 0 answered tickets with builtin');
    const found = await run(['search', 'return item days', '--as-of', '2024-06-01', '--workspace', workspace]);
    expect(found.stdout).toContain('within 14 days');
    expect(found.stdout).not.toContain('within 30 days');
    const bad = await run(['search', 'x', '--as-of', 'next tuesday', '--workspace', workspace]);
    expect(bad).toMatchObject({ code: 2, stderr: 'shadowdesk: --as-of next tuesday: not a date (use e.g. 2025-03-01 or 2025-03-01T14:00:00Z)\n' });
  });
});

describe('simulate', () => {
  it('replays tickets against the built-in candidates and resumes a finished run without redoing it', async () => {
    const dir = await tempDir();
    const at = (day: number, hour: number) => new Date(Date.UTC(2025, 0, day, hour)).toISOString();
    // Sixteen days: the last eight are replayed, the first eight teach the built-in model (fitted on the past only).
    const lines = Array.from({ length: 16 }, (_, index) =>
      JSON.stringify({
        id: `t${index}`,
        source: 'test',
        createdAt: at(index + 1, 9),
        closedAt: at(index + 1, 12),
        channel: 'email',
        subject: 'Refund',
        customer: { name: 'Ana Rossi' },
        tags: [],
        messages: [
          { role: 'customer', sentAt: at(index + 1, 9), text: `When will my refund arrive? Request ${index}` },
          { role: 'agent', sentAt: at(index + 1, 11), text: 'Hello Ana, refunds reach your bank within 5 days.' },
        ],
      }),
    );
    const file = await writeTemp(dir, 'tickets.jsonl', lines.join('\n'));
    const workspace = join(dir, 'ws');
    await run(['import', file, '--workspace', workspace]);
    const args = ['simulate', '--candidates', 'past-ticket,knowledge-base', '--holdout-days', '8', '--run', join(dir, 'run'), '--workspace', workspace];
    const first = await run(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Replayed 8 tickets/);
    expect(first.stdout).toMatch(/past-ticket\s+\d+% \(\d+%–\d+%\)/);
    expect(first.stdout).toContain(`Open the report: ${join(dir, 'run', 'report.html')}`);
    expect((await readdir(join(dir, 'run'))).sort()).toEqual(['identity.json', 'judged.jsonl', 'junit.xml', 'report.html', 'report.json', 'results.jsonl', 'run.json', 'summary.md', 'tickets.csv']);
    const again = await run(args);
    expect(again.stdout).toContain('(16 results resumed from an earlier run)');
    const bad = await run(['simulate', '--candidates', 'gpt-9', '--workspace', workspace]);
    expect(bad).toMatchObject({ code: 2, stderr: 'shadowdesk: unknown candidate "gpt-9"; built-in candidates: knowledge-base, past-ticket, macro, composite, oracle\n' });
    const config = await writeTemp(dir, 'shadowdesk.yaml', 'candidates:\n  - id: kb\n    type: knowledge-base\n    minConfidense: 0.5\n');
    const badConfig = await run(['simulate', '--config', config, '--workspace', workspace]);
    expect(badConfig).toMatchObject({ code: 2, stderr: `shadowdesk: invalid config:\n  ${config}:4: candidates[0].minConfidense: unknown key (a typo?)\n` });
    await writeTemp(dir, 'shadowdesk.yaml', 'candidates:\n  - id: kb\n    type: knowledge-base\n    minConfidence: 0.5\nselection:\n  holdoutDays: 8\n  sample: 3\n');
    const configured = await run(['simulate', '--config', config, '--run', join(dir, 'configured'), '--workspace', workspace]);
    expect(configured.stdout).toMatch(/Replayed 3 tickets[\s\S]*\nkb\s+\d+%/);
  });
});
