import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../../eval/pricing/decision.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { money } from '../../../reports/_format.ts';
import { runCli } from '../../helpers/cli.ts';
import { startFakeEndpoint, type FakeEndpoint } from '../../helpers/llm-server.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';
import { buildRepeatWorkspace, startStochasticEndpoint, type StochasticEndpoint } from '../../helpers/stochastic-llm.ts';

/** `shadowdesk simulate` as a user runs it, on the 24-ticket replay workspace. */
describe('shadowdesk simulate: one run per folder', () => {
  let dir: string;
  let workspace: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-simulate-'));
    workspace = await buildReplayWorkspace(dir);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const simulate = (args: string[]) => runCli(['simulate', '--workspace', workspace, '--formats', 'json', ...args]);
  const report = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as RunReport;

  it('reports the run just asked for in runs/latest, not the one before it', async () => {
    const latest = join(workspace, 'runs', 'latest');
    expect((await simulate(['--candidates', 'past-ticket', '--sample', '8'])).code).toBe(0);
    const second = await simulate(['--candidates', 'past-ticket', '--sample', '5', '--seed', '9']);
    expect(second.code, second.stderr).toBe(0);
    expect((await report(latest)).tickets).toHaveLength(5);
    expect((await report(latest)).run.selection).toMatchObject({ sample: 5, seed: 9 });
    expect(second.stdout).toMatch(/Replayed 5 tickets in [\d.]+ s into .*runs[/\\][0-9a-f]{12}\./);
    await simulate(['--candidates', 'macro', '--sample', '5', '--seed', '9']);
    expect((await report(latest)).metrics.candidates.map((candidate) => candidate.candidate)).toEqual(['macro']);
    const back = await simulate(['--candidates', 'past-ticket', '--sample', '8']);
    expect(back.stdout).toContain('(8 results resumed from an earlier run)');
    expect(await readlink(latest)).toMatch(/^[0-9a-f]{12}$/);
  }, 120_000);

  it('refuses a named folder holding another run, and says what differs', async () => {
    const runDir = join(dir, 'july');
    expect((await simulate(['--candidates', 'past-ticket', '--holdout-days', '3', '--run', runDir])).code).toBe(0);
    const other = await simulate(['--candidates', 'past-ticket', '--holdout-days', '5', '--run', runDir]);
    expect(other).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`shadowdesk: ${runDir} holds another run, whose answers cannot be resumed into this one: the tickets (3 tickets, last 3 days then; 5 tickets, last 5 days now) differ. To answer this run, name a new folder with --run`),
    });
    expect((await report(runDir)).tickets).toHaveLength(3);
  }, 120_000);

  it('takes the decision assumptions from flags and shadowdesk.yaml, and prices the history at the same human cost everywhere', async () => {
    const runDir = join(dir, 'human-cost');
    const config = join(dir, 'decision.yaml');
    await writeFile(config, 'candidates:\n  - type: past-ticket\n  - type: macro\ndecision:\n  threshold: 0.3\n  humanCostPerTicket: 9\n');
    const run = await simulate(['--config', config, '--run', runDir, '--formats', 'json,markdown,html', '--human-cost', '4.5', '--growth', '2%', '--volume', '300']);
    expect(run.code, run.stderr).toBe(0);
    const json = await report(runDir);
    const inputs = json.pricing.decisionInputs;
    expect(inputs.assumptions).toMatchObject({ monthlyTickets: 300, humanCostPerTicket: 4.5, growth: 0.02, threshold: 0.3 });
    expect(inputs.origins).toMatchObject({ humanCostPerTicket: '--human-cost', growth: '--growth', threshold: `${config} decision section` });
    expect(inputs.pricing.human.perTicket).toBe(4.5);

    // Every all-human month of the history: its billable tickets at 4.5 (no helpdesk today, no rules in the presets' run).
    const projections = Object.values(json.pricing.byCandidate);
    expect(projections).toHaveLength(2);
    for (const projection of projections) {
      expect(projection.growth).toBe(0.02);
      for (const model of projection.models) for (const month of model.allHumanMonths) expect(month.human).toBeCloseTo(4.5 * month.billableTickets, 1);
    }
    const decision = decide(inputs, json.gaps);
    expect(decision.baseline.monthly).toBeGreaterThan(0);

    // Terminal, Markdown and the page's data say the same figures, and none says the pricing file's $5.00.
    expect(run.stdout).toContain(`All-human: ${money(decision.baseline.monthly, 'USD')} a month`);
    expect(run.stdout).toContain('Human cost: $4.50 per ticket handled by a person (--human-cost)');
    const markdown = await readFile(join(runDir, 'summary.md'), 'utf8');
    expect(markdown).toContain(`All-human: ${money(decision.baseline.monthly, 'USD')} a month`);
    expect(markdown).toMatch(/All-human, the same for every model: \$[\d,.]+\. Priced at \$4\.50 per ticket handled by a person, volumes grown 2\.0% a month/);
    expect(markdown).not.toContain('$5.00 per ticket');
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('"perTicket":4.5');
    expect(html).not.toMatch(/"perTicket":(?!4\.5\b)/);

    const price = await runCli(['price', runDir, '--human-cost', '4.5', '--growth', '2%', '--config', config]);
    expect(price.code, price.stderr).toBe(0);
    const history = json.pricing.byCandidate['past-ticket']!.models[0]!.allHumanTotals.total;
    expect(history).toBeGreaterThan(0);
    expect(price.stdout).toContain(`Over the history; all-human, the same for every model: ${money(history, 'USD')}. Priced at $4.50 per ticket`);
  }, 120_000);

  describe('an LLM candidate', () => {
    let endpoint: FakeEndpoint;
    let healthy = false;
    beforeAll(async () => {
      endpoint = await startFakeEndpoint(() => (healthy ? { reply: JSON.stringify({ decision: 'reply', confidence: 0.8, answer: 'Your parcel is on its way.', sources: [] }) } : { status: 503 }));
    });
    afterAll(() => endpoint.close());

    const config = async (model: string, timeoutMs: number) => {
      const file = join(dir, `${model}-${timeoutMs}.yaml`);
      await writeFile(file, `candidates:\n  - id: llm\n    type: llm\n    baseUrl: ${endpoint.baseUrl}\n    model: ${model}\n    maxRetries: 0\n    timeoutMs: ${timeoutMs}\n    cache: false\nselection:\n  holdoutDays: 4\n`);
      return file;
    };

    it('asks the tickets that failed again once the endpoint is back, unless told to keep them, and refuses another model', async () => {
      const runDir = join(dir, 'llm');
      const down = await simulate(['--config', await config('small', 5000), '--run', runDir]);
      expect(down.code, down.stderr).toBe(0);
      expect(endpoint.requests).toHaveLength(4);
      healthy = true;
      // A longer timeout is how the endpoint is reached, not what it answers: the same run.
      const kept = await simulate(['--config', await config('small', 9000), '--run', runDir, '--keep-failed']);
      expect(kept.stdout).toContain('(4 results resumed from an earlier run)');
      expect(endpoint.requests).toHaveLength(4);
      const retried = await simulate(['--config', await config('small', 9000), '--run', runDir]);
      expect(retried.stdout).toContain('(4 failed answers asked again)');
      expect(endpoint.requests).toHaveLength(8);
      expect((await report(runDir)).metrics.candidates[0]).toMatchObject({ candidate: 'llm' });
      expect((await report(runDir)).tickets.flatMap((ticket) => ticket.answers.map((answer) => answer.failure?.kind ?? 'none'))).toEqual(['none', 'none', 'none', 'none']);
      const otherModel = await simulate(['--config', await config('large', 9000), '--run', runDir]);
      expect(otherModel).toMatchObject({ code: 2, stderr: expect.stringContaining('candidate "llm" (model changed) differ') });
      expect(endpoint.requests).toHaveLength(8);
    }, 120_000);
  });
});

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
