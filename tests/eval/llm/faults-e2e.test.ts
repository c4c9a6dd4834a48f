import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { TicketResult } from '../../../eval/replay/replay.ts';
import type { RunReport } from '../../../eval/metrics/run-report.ts';
import { runCli, type CliRun } from '../../helpers/cli.ts';
import { faultOf, startFakeEndpoint, type FakeEndpoint } from '../../helpers/llm-server.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';

const MAX_RETRIES = 1;

/** `shadowdesk simulate` through the CLI against an endpoint that fails 30% of calls in every way. */
describe('a simulation against a faulty endpoint, end to end', () => {
  let dir: string;
  let endpoint: FakeEndpoint;
  let exit: CliRun;
  let results: TicketResult[];
  let report: RunReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-faults-'));
    const workspace = await buildReplayWorkspace(dir);
    const attempts = new Map<string, number>();
    endpoint = await startFakeEndpoint((request) => {
      const key = request.body.messages[1]!.content;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      // Every sixth question fails on every attempt, so some tickets run out of retries whatever
      // the prompts hash to; the others meet faultOf's 30 %.
      const persistent = [...attempts.keys()].indexOf(key) % 6 === 5 ? { status: 503 } : undefined;
      return persistent ?? faultOf(request, attempt) ?? { reply: JSON.stringify({ decision: 'reply', confidence: 0.9, answer: 'Your parcel is on its way.', sources: ['K1'] }) };
    });
    const config = join(dir, 'shadowdesk.yaml');
    await writeFile(config, stringify({ candidates: [{ id: 'llm', type: 'llm', baseUrl: endpoint.baseUrl, model: 'test-model', maxRetries: MAX_RETRIES, retryBaseMs: 1, timeoutMs: 300, cache: false }] }));
    const runDir = join(dir, 'run');
    exit = await runCli(['simulate', '--config', config, '--workspace', workspace, '--run', runDir, '--formats', 'json,markdown,html']);
    results = (await readFile(join(runDir, 'results.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TicketResult);
    report = JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as RunReport;
  }, 120_000);
  afterAll(async () => {
    await endpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes, with an answer or a counted error for every ticket, within the retry budget', () => {
    expect(exit).toMatchObject({ code: 0 });
    const tickets = new Set(results.map((result) => result.ticketId));
    expect(tickets.size).toBe(24);
    expect(results).toHaveLength(24);
    const failures = results.flatMap((result) => (result.answer.failure ? [result.answer.failure] : []));
    expect(failures.length).toBeGreaterThan(0);
    // The kind is its own field, so a report tells timeouts from outages from unreadable replies without reading the message.
    for (const failure of failures) {
      expect(['timeout', 'rate-limited', 'provider-error', 'invalid-output']).toContain(failure.kind);
      expect(failure.message).toMatch(/, after 2 attempts$/);
      expect(failure.message).not.toMatch(/^(timeout|rate-limited|provider-error|invalid-output):/);
    }
    expect(failures.some((failure) => failure.kind === 'provider-error')).toBe(true);
    expect(results.filter((result) => result.answer.failure).every((result) => result.answer.decision === 'escalate')).toBe(true);
    expect(endpoint.requests.length).toBeLessThanOrEqual(24 * (MAX_RETRIES + 1));
  });

  it('reports the error rate it measured, in the JSON, the Markdown summary and the HTML', async () => {
    const errored = results.filter((result) => result.answer.failure !== undefined).length;
    const llm = report.metrics.candidates.find((candidate) => candidate.candidate === 'llm')!;
    expect(llm.errorRate.value).toBeCloseTo(errored / 24, 4);
    const kindsOf = (failures: Array<{ kind: string } | undefined>) => failures.flatMap((failure) => failure?.kind ?? []).sort();
    expect(kindsOf(report.tickets.flatMap((ticket) => ticket.answers.map((answer) => answer.failure)))).toEqual(kindsOf(results.map((result) => result.answer.failure)));
    const summary = (await readFile(join(dir, 'run', 'summary.md'), 'utf8')).split('\n');
    // The rates table, not the decision table above it.
    const header = summary.findIndex((line) => line.startsWith('| candidate |') && line.includes('| failed calls |'));
    const columns = summary[header]!.split('|').map((cell) => cell.trim());
    const row = summary.slice(header).find((line) => line.startsWith('| llm |'))!.split('|').map((cell) => cell.trim());
    expect(row[columns.indexOf('failed calls')]).toMatch(new RegExp(`^${Math.round((100 * errored) / 24)}% \\(`));
    expect(await readFile(join(dir, 'run', 'report.html'), 'utf8')).toContain(`"errorRate":{"value":${llm.errorRate.value},`);
  });
});
