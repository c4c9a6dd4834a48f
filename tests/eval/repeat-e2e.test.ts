import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baselineOf, compareRuns, describeRepeats } from '../../eval/metrics/compare.ts';
import { JUDGED_FILE } from '../../eval/judges/judge-run.ts';
import { mergeRuns } from '../../eval/replay/merge-runs.ts';
import { IDENTITY_FILE, readResults, RESULTS_FILE, type TicketResult } from '../../eval/replay/replay.ts';
import { createLlmResponder } from '../../eval/responders/llm.ts';
import { responderFor } from '../../eval/responders/index.ts';
import { buildReport, JUDGED_TRIES_FILE } from '../../eval/metrics/run-report.ts';
import { simulate } from '../../eval/simulate.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { buildRepeatWorkspace, startStochasticEndpoint, type StochasticEndpoint } from '../helpers/stochastic-llm.ts';

/**
 * `simulate --repeat k` end to end: a real OpenAI-compatible server on 127.0.0.1 sends, per call,
 * the agent's real reply or a wrong one by a seeded draw; French and English tickets alternate.
 */

const TICKETS = 16;

/** pass^j of one ticket with c successes in 3 tries, C(c, j) / C(3, j), written out by hand. */
const BY_HAND: Record<number, [number, number, number]> = { 0: [0, 0, 0], 1: [1 / 3, 0, 0], 2: [2 / 3, 1 / 3, 0], 3: [1, 1, 1] };

describe('simulate --repeat', () => {
  let dir: string;
  let workspace: string;
  const endpoints: StochasticEndpoint[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-repeat-'));
    workspace = await buildRepeatWorkspace(dir, TICKETS);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A server of this seed and error share, and the LLM candidate on it, its responses cached where a CI run caches them. */
  async function llmOn(seed: number, wrongShare: number) {
    const endpoint = await startStochasticEndpoint(seed, wrongShare);
    endpoints.push(endpoint);
    return { endpoint, llm: createLlmResponder({ id: 'llm', endpoint: { baseUrl: endpoint.baseUrl, model: 'test-model' }, cacheDir: join(dir, 'llm-cache') }) };
  }

  const run = async (name: string, seed: number, wrongShare: number, repeat?: number) => {
    const { endpoint, llm } = await llmOn(seed, wrongShare);
    const { report, replay } = await simulate({ workspace, runDir: join(dir, name), candidates: [llm, responderFor('knowledge-base')], ...(repeat !== undefined && { repeat }) });
    return { endpoint, report, replay };
  };

  const lines = async (name: string) => (await readFile(join(dir, name, RESULTS_FILE), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as TicketResult);

  it('asks the LLM candidate 3 fresh times per ticket past a warm cache, the built-in once, and reports pass^k as computed by hand', async () => {
    const warm = await run('warm', 1, 0.35);
    expect(warm.endpoint.requests).toHaveLength(TICKETS);

    const { endpoint, report } = await run('repeated', 7, 0.35, 3);
    // The cache holds an answer to every prompt, and still every try went to the endpoint.
    expect(endpoint.requests).toHaveLength(TICKETS * 3);
    const written = await lines('repeated');
    expect(written.filter((line) => line.candidate === 'llm').map((line) => line.repeat).sort()).toEqual([...Array(TICKETS).fill(0), ...Array(TICKETS).fill(1), ...Array(TICKETS).fill(2)]);
    const builtIn = written.filter((line) => line.candidate === 'knowledge-base');
    expect(builtIn).toHaveLength(TICKETS);
    expect(builtIn.every((line) => line.repeat === 0 && line.answeredOnce === true)).toBe(true);

    // Each try's verdict is the server's draw for that call: tries are kept apart and in order.
    const real = new Map(report.tickets.map((ticket) => [ticket.ticketId, endpoint.real.get(ticket.subject)!]));
    for (const ticket of report.tickets) {
      const tries = ticket.answers.find((answer) => answer.candidate === 'llm')!.tries!;
      expect(tries.map((attempt) => attempt.sent && attempt.verdict === 'correct')).toEqual(real.get(ticket.ticketId));
    }

    const llm = report.repeatability!.candidates.find((candidate) => candidate.candidate === 'llm')!;
    const successes = [...real.values()].map((draws) => draws.filter(Boolean).length);
    for (const j of [1, 2, 3]) expect(llm.passK[j - 1]!.value).toBeCloseTo(successes.reduce((sum, count) => sum + BY_HAND[count]![j - 1]!, 0) / TICKETS, 4);
    const flaky = [...real].filter(([, draws]) => new Set(draws).size > 1).map(([id]) => id).sort();
    expect(llm.flaky).toEqual(flaky);
    expect(flaky.some((id) => id.startsWith('fr-')) && flaky.some((id) => id.startsWith('en-'))).toBe(true);
    expect(llm.passK[2]!.value!).toBeLessThan(llm.passK[0]!.value!);
    expect(report.repeatability!.candidates.find((candidate) => candidate.candidate === 'knowledge-base')!.answeredOnce).toBe(true);
    // The headline metrics are the first try's, as a run that was not repeated measures them.
    expect(report.metrics.candidates.find((candidate) => candidate.candidate === 'llm')!.tickets).toBe(TICKETS);
    // Labels are drawn from judged.jsonl and matched to it by candidate and ticket: it keeps one answer each, the first try.
    const judgedLines = (file: string) => readFile(join(dir, 'repeated', file), 'utf8').then((text) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { candidate: string; ticketId: string; repeat?: number }));
    expect(await judgedLines(JUDGED_FILE)).toHaveLength(TICKETS * 2);
    const everyTry = await judgedLines(JUDGED_TRIES_FILE);
    expect(everyTry.filter((line) => line.candidate === 'llm').map((line) => line.repeat).sort()).toEqual(written.filter((line) => line.candidate === 'llm').map((line) => line.repeat).sort());

    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## Repeatability over 3 tries per ticket');
    expect(markdown).toMatch(/\| knowledge-base \| .* \| same as pass\^1 \| none: consults no model, answered once \|/);
    expect(markdown).toContain(`${flaky.length} of ${TICKETS}`);
    expect(renderHtml(report)).toContain('<section id="repeatability"><h2>Repeatability over 3 tries per ticket</h2>');
  }, 120_000);

  it('resumes a killed repeat run, asking only the tries it had not answered', async () => {
    const complete = await run('complete', 3, 0.4, 3);
    expect(complete.endpoint.requests).toHaveLength(TICKETS * 3);
    await run('killed', 3, 0.4, 3);
    // Keep 25 whole lines and half of the next, as a kill -9 mid-write would.
    const text = (await readFile(join(dir, 'killed', RESULTS_FILE), 'utf8')).split('\n');
    await writeFile(join(dir, 'killed', RESULTS_FILE), `${text.slice(0, 25).join('\n')}\n${text[25]!.slice(0, 40)}`);
    const kept = text.slice(0, 25).map((line) => JSON.parse(line) as TicketResult);

    const { endpoint, replay } = await run('killed', 11, 0.4, 3);
    expect(replay.resumed).toBe(25);
    expect(endpoint.requests).toHaveLength(TICKETS * 3 - kept.filter((line) => line.candidate === 'llm').length);
    const results = await readResults(join(dir, 'killed'));
    const keys = results.map((result) => `${result.candidate}/${result.ticketId}/${result.repeat}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(results).toHaveLength(TICKETS * 4);
    // The kept tries are the run's own: none was asked again.
    for (const line of kept) expect(results).toContainEqual(line);
  }, 120_000);

  it('merges the shards of a repeated run into one with every try', async () => {
    const { llm } = await llmOn(9, 0.4);
    const shard = (index: number) => simulate({ workspace, runDir: join(dir, `shard-${index}`), candidates: [llm, responderFor('knowledge-base')], selection: { shard: { index, count: 2 } }, repeat: 2 });
    await shard(0);
    await shard(1);
    await simulate({ workspace, runDir: join(dir, 'shard-1-once'), candidates: [llm, responderFor('knowledge-base')], selection: { shard: { index: 1, count: 2 } } });
    await expect(mergeRuns([join(dir, 'shard-0'), join(dir, 'shard-1-once')], join(dir, 'mixed'))).rejects.toThrow(/tries per ticket \(--repeat\) differ/);
    await mergeRuns([join(dir, 'shard-0'), join(dir, 'shard-1')], join(dir, 'merged'));
    expect(await readResults(join(dir, 'merged'))).toHaveLength(TICKETS * 3);
    const { repeatability } = await buildReport({ runDir: join(dir, 'merged') });
    expect(repeatability).toMatchObject({ repeat: 2, candidates: [{ candidate: 'knowledge-base', answeredOnce: true, tickets: TICKETS }, { candidate: 'llm', answeredOnce: false, tickets: TICKETS }] });
  }, 120_000);

  it('changes nothing when k = 1, and refuses to resume a run of another repeat count', async () => {
    const { report } = await run('single', 5, 0.3);
    const written = await lines('single');
    expect(written.some((line) => 'repeat' in line || 'answeredOnce' in line)).toBe(false);
    expect(report.repeatability).toBeUndefined();
    expect(report.run.repeat).toBeUndefined();
    expect(report.tickets.flatMap((ticket) => ticket.answers).some((answer) => answer.tries)).toBe(false);
    expect(JSON.parse(await readFile(join(dir, 'single', IDENTITY_FILE), 'utf8'))).not.toHaveProperty('repeat');
    expect(renderMarkdown(report)).not.toContain('Repeatability');
    await expect(readFile(join(dir, 'single', JUDGED_TRIES_FILE))).rejects.toThrow(/ENOENT/);
    await expect(run('single', 5, 0.3, 3)).rejects.toThrow(/holds another run.*the tries per ticket \(--repeat 1 then, 3 now\)/);
  }, 120_000);

  it('gates on every try: an identical rerun passes with pass^3 compared, a planted drop fails', async () => {
    const baseline = baselineOf((await run('base', 21, 0.1, 3)).report);
    const rerun = await run('rerun', 21, 0.1, 3);
    const same = compareRuns(baseline, rerun.report, { permutations: 500, resamples: 500 });
    expect(same.passed).toBe(true);
    expect(same.metrics.find((change) => change.candidate === 'llm' && change.metric === 'pass^3')).toMatchObject({ delta: 0, regressed: false });
    // The built-in candidate was asked once in both runs: it has no pass^k of its own to gate.
    expect(same.metrics.some((change) => change.candidate === 'knowledge-base' && change.metric.startsWith('pass^'))).toBe(false);
    expect(describeRepeats(same.repeats)).toContain('both runs made 3 tries per ticket');

    const worse = compareRuns(baseline, (await run('worse', 21, 0.6, 3)).report, { permutations: 500, resamples: 500 });
    expect(worse.passed).toBe(false);
    const regressed = worse.metrics.filter((change) => change.regressed);
    expect(regressed.map((change) => change.metric)).toContain('pass^3');
    expect(regressed.every((change) => change.candidate === 'llm')).toBe(true);
  }, 180_000);
});

