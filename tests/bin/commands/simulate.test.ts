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
