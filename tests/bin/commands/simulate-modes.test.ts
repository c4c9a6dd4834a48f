import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { runCli } from '../../helpers/cli.ts';
import { startFakeEndpoint, type FakeEndpoint } from '../../helpers/llm-server.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';
import { buildRepeatWorkspace, startStochasticEndpoint, type StochasticEndpoint } from '../../helpers/stochastic-llm.ts';

/** `shadowdesk simulate --repeat` and `shadowdesk ci` on its runs, as a user runs them, on French and English tickets. */
describe('shadowdesk simulate --repeat', () => {
  let dir: string;
  let workspace: string;
  let endpoint: StochasticEndpoint;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-repeat-cli-'));
    workspace = await buildRepeatWorkspace(dir, 8);
    endpoint = await startStochasticEndpoint(4, 0.3);
  }, 60_000);
  afterAll(async () => {
    await endpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints pass^1 and pass^k beside automation, says the built-in answered once, and the gate passes an identical rerun', async () => {
    const config = join(dir, 'shadowdesk.yaml');
    await writeFile(config, `candidates:\n  - id: llm\n    type: llm\n    baseUrl: ${endpoint.baseUrl}\n    model: small\n  - type: macro\n`);
    const simulate = (runDir: string, repeat: string) => runCli(['simulate', '--workspace', workspace, '--config', config, '--run', runDir, '--repeat', repeat, '--formats', 'json,markdown']);
    const first = await simulate(join(dir, 'first'), '3');
    expect(first.code, first.stderr).toBe(0);
    expect(endpoint.requests).toHaveLength(8 * 3);
    expect(first.stdout).toMatch(/Replayed 8 tickets × up to 3 tries in/);
    expect(first.stdout).toContain('Repeatability over 3 tries per ticket (each a fresh call to the model):');
    expect(first.stdout).toMatch(/\nllm {15}(\d+% \(\d+%–\d+%\) +){3}\d+ of 8\n/);
    expect(first.stdout).toMatch(/\nmacro {13}.*same as pass\^1 +none: consults no model, answered once\n/);
    expect(await readFile(join(dir, 'first', 'summary.md'), 'utf8')).toContain('## Repeatability over 3 tries per ticket');

    const baseline = join(dir, 'baseline.json');
    expect((await runCli(['ci', '--baseline', baseline, '--run', join(dir, 'first'), '--update-baseline'])).code).toBe(0);
    const pinned = JSON.parse(await readFile(baseline, 'utf8')) as RunReport;
    expect(pinned.repeatability?.repeat).toBe(3);
    // The gate reads the baseline's tries, not the run folder's: the same run checked again passes.
    const gate = await runCli(['ci', '--baseline', baseline, '--run', join(dir, 'first')], { env: { GITHUB_STEP_SUMMARY: '' } });
    expect(gate.code, gate.stdout).toBe(0);
    expect(gate.stdout).toContain('| llm | pass^3 |');
    expect(gate.stdout).toContain('Repeats: both runs made 3 tries per ticket; every rate compares each ticket');
  }, 180_000);

  it('refuses a repeat count that is not a whole number above 0', async () => {
    const zero = await runCli(['simulate', '--workspace', workspace, '--candidates', 'macro', '--repeat', '0']);
    expect(zero).toMatchObject({ code: 2, stderr: expect.stringContaining('--repeat 0: expected a whole number above 0') });
  });
});

/** An LLM candidate whose endpoint is completely down: the terminal and the exit code must say so. */
describe('shadowdesk simulate and ci: failed answers are loud', () => {
  let dir: string;
  let workspace: string;
  let failing: FakeEndpoint;
  let refusedUrl: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-failures-'));
    workspace = await buildReplayWorkspace(dir);
    failing = await startFakeEndpoint(() => ({ status: 500 }));
    // A port that was just listening and is now closed: the connection is refused.
    const closed = await startFakeEndpoint(() => ({ status: 500 }));
    refusedUrl = closed.baseUrl;
    await closed.close();
  }, 60_000);
  afterAll(async () => {
    await failing.close();
    await rm(dir, { recursive: true, force: true });
  });

  const configFor = async (name: string, baseUrl: string) => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, `candidates:\n  - id: llm\n    type: llm\n    baseUrl: ${baseUrl}\n    model: small\n    maxRetries: 0\n    timeoutMs: 5000\n    cache: false\n  - type: past-ticket\nselection:\n  holdoutDays: 4\n`);
    return file;
  };
  const simulate = async (name: string, baseUrl: string, extra: string[] = []) =>
    runCli(['simulate', '--workspace', workspace, '--formats', 'json', '--config', await configFor(name, baseUrl), '--run', join(dir, name), ...extra]);

  it('leads with the failed answers and their kind when the endpoint answers HTTP 500, never "0% wrong" for that candidate', async () => {
    const run = await simulate('http-500', failing.baseUrl);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    const failed = lines.findIndex((line) => line.startsWith('FAILED ANSWERS'));
    const table = lines.findIndex((line) => line.startsWith('candidate'));
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(failed).toBeLessThan(table);
    expect(run.stdout).toContain('  llm: 4 of 4 answers failed (100%): provider-error (HTTP 500) ×4');
    expect(lines.find((line) => line.startsWith('llm '))).toMatch(/every answer failed: no rate to show$/);
    expect(lines.find((line) => line.startsWith('past-ticket '))).toMatch(/\d+%/);
    // Not a terminal: progress comes as plain lines a CI log shows.
    expect(run.stderr).toMatch(/^replay: 4\/4 tickets \(100%\)$/m);
  }, 120_000);

  it('says "connection refused" when nothing listens, and exits 1 past --max-error-rate with the reason', async () => {
    const run = await simulate('refused', refusedUrl, ['--max-error-rate', '5%']);
    expect(run.stdout).toMatch(/ {2}llm: 4 of 4 answers failed \(100%\): provider-error \(ECONNREFUSED\) ×4/);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining('shadowdesk: more answers failed than --max-error-rate 5% allows:\n  llm: 4 of 4 answers failed (100%)') });
    expect(run.stderr).not.toContain('past-ticket');
    const report = JSON.parse(await readFile(join(dir, 'refused', 'report.json'), 'utf8')) as RunReport;
    expect(report.metrics.candidates.find((candidate) => candidate.candidate === 'llm')!.errorRate.value).toBe(1);
  }, 120_000);

  it('refuses a limit it cannot read before replaying anything', async () => {
    const before = failing.requests.length;
    const run = await simulate('bad-limit', failing.baseUrl, ['--max-error-rate', 'five']);
    expect(run).toMatchObject({ code: 2, stderr: 'shadowdesk: --max-error-rate five: expected a share of answers such as 0.05, or a percentage such as 5%\n' });
    expect(failing.requests.length).toBe(before);
  });

  it('makes `ci` exit 1 on the same run past --max-error-rate, even when it matches its baseline', async () => {
    const runDir = join(dir, 'http-500');
    const baseline = join(dir, 'baseline.json');
    expect((await runCli(['ci', '--baseline', baseline, '--run', runDir, '--update-baseline'])).code).toBe(0);
    expect((await runCli(['ci', '--baseline', baseline, '--run', runDir])).code).toBe(0);
    const gated = await runCli(['ci', '--baseline', baseline, '--run', runDir, '--max-error-rate', '0.5']);
    expect(gated).toMatchObject({ code: 1, stderr: expect.stringContaining('more answers failed than --max-error-rate 50% allows:\n  llm: 4 of 4 answers failed (100%): provider-error (HTTP 500) ×4') });
  }, 60_000);
});

describe('shadowdesk simulate --refit-every', () => {
  let dir: string;
  let workspace: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-refit-'));
    workspace = await buildReplayWorkspace(dir);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const simulate = (args: string[]) => runCli(['simulate', '--workspace', workspace, '--formats', 'json', '--candidates', 'past-ticket', '--holdout-days', '10', ...args]);

  it('replays the window period by period, from the flag or the config, and says which model answered and which judged', async () => {
    const config = join(dir, 'refit.yaml');
    await writeFile(config, 'candidates:\n  - type: past-ticket\nrefitEvery: 5\n');
    for (const [name, args] of [['flag', ['--refit-every', '5']], ['config', ['--config', config]]] as const) {
      const runDir = join(dir, name);
      const run = await simulate([...args, '--run', runDir]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Period from 2025-01-16T09:00:00\.000Z: 5 tickets answered with the built-in model [0-9a-f]{12}, fitted before 2025-01-16T09:00:00\.000Z\./);
      expect(run.stdout).toMatch(/Period from 2025-01-21T09:00:00\.000Z: 5 tickets answered with the built-in model [0-9a-f]{12}, fitted before 2025-01-21T09:00:00\.000Z\./);
      expect(run.stdout).toContain("fitted before 2025-01-16T09:00:00.000Z (the window's start) for every period");
      const report = JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as RunReport;
      expect(report.run).toMatchObject({ refitEvery: 5, judgeModel: { cutoff: '2025-01-16T09:00:00.000Z' } });
      expect(report.run.periods?.map((period) => period.model.cutoff)).toEqual(['2025-01-16T09:00:00.000Z', '2025-01-21T09:00:00.000Z']);
    }
    const refused = await simulate(['--refit-every', '0', '--run', join(dir, 'zero')]);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--refit-every 0: expected a whole number above 0') });
  }, 180_000);
});
