import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, mcnemarPValue } from '../../eval/metrics/compare.ts';
import { judgeRun } from '../../eval/judges/judge-run.ts';
import { verdictOf } from '../../eval/judges/verdict.ts';
import { replay, RESULTS_FILE, type TicketResult } from '../../eval/replay/replay.ts';
import { buildReport, type RunReport } from '../../eval/metrics/run-report.ts';
import type { Responder } from '../../eval/types.ts';
import { writeReports } from '../../reports/index.ts';
import { startFakeEndpoint } from '../helpers/llm-server.ts';
import { buildReplayWorkspace } from '../helpers/replay-workspace.ts';
import { runCli } from '../helpers/cli.ts';

/**
 * Judging and the CI gate on a real workspace: a candidate that answers like the agent did, one
 * that gives every customer a wrong tracking number, and one that slips on a single ticket.
 */

function tracker(id: string, wrongFor: (ticketId: string) => boolean): Responder {
  return {
    id,
    async respond(context) {
      const order = context.orders[0];
      if (!order?.trackingNumber) return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 0, reason: 'no order' };
      const tracking = wrongFor(context.ticket.id) ? '6A99999999FR' : order.trackingNumber;
      const name = context.ticket.customer.name?.split(' ')[0];
      return {
        decision: 'reply',
        text: `Hello ${name},\n\nYour order ${order.id} has shipped: tracking ${tracking}, https://track.example/${tracking}`,
        confidence: 0.9,
        sources: [{ type: 'order', id: order.id }],
        latencyMs: 0,
      };
    },
  };
}

/** The tracker's correct answer plus a refund it says it made, through a tool or not. */
function refunder(id: string, throughTool: boolean): Responder {
  const honest = tracker('tracker', () => false);
  return {
    id,
    async respond(context) {
      const answer = await honest.respond(context);
      if (answer.decision !== 'reply') return answer;
      // Active and passive voice, one ticket in two (the French forms are the detector's own tests).
      const claim = Number(context.ticket.id) % 2 === 0 ? 'I have refunded your shipping fee.' : 'A refund of the shipping fee has been issued.';
      return { ...answer, text: `${answer.text}\n\n${claim}`, ...(throughTool && { actions: [{ kind: 'refund', tool: 'shopify.refund', ok: true }] }) };
    },
  };
}

describe('judging a run and gating on a baseline', () => {
  let dir: string;
  let workspace: string;
  const reports: Record<string, RunReport> = {};
  const run = async (name: string, wrongFor: (ticketId: string) => boolean) => {
    const runDir = join(dir, name);
    await replay({ workspace, runDir, candidates: [tracker('tracker', wrongFor)] });
    reports[name] = await buildReport({ runDir });
    await writeReports(reports[name], runDir, ['json']);
    return runDir;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-gate-'));
    workspace = await buildReplayWorkspace(dir);
    await run('good', () => false);
    await run('bad', () => true);
    await run('slip', (id) => id === '7');
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('judges an answer with the agent’s facts correct and automated, a wrong tracking number wrong', async () => {
    const { judged } = await judgeRun({ runDir: join(dir, 'good') });
    const answered = judged.filter((ticket) => ticket.sent);
    expect(answered.length).toBeGreaterThanOrEqual(23);
    expect(answered.every((ticket) => ticket.verdict === 'correct')).toBe(true);
    expect(answered.every((ticket) => ticket.outcome === 'automated' && ticket.resolution.verified && !ticket.resolution.confirmed)).toBe(true);

    const bad = (await judgeRun({ runDir: join(dir, 'bad') })).judged.filter((ticket) => ticket.sent);
    expect(bad.every((ticket) => ticket.verdict === 'wrong' && ticket.outcome === 'ai-then-agent')).toBe(true);
    const conflict = bad[0]!.judges.find((judge) => judge.judge === 'conflicts')!;
    expect(conflict).toMatchObject({ score: 0, reason: expect.stringContaining('6A99999999FR') });
  });

  it('never counts an answer that claims an action it did not do as automated, unless a tool did it', async () => {
    const judgedWith = async (name: string, throughTool: boolean) => {
      const runDir = join(dir, name);
      await replay({ workspace, runDir, candidates: [refunder(name, throughTool)] });
      return (await judgeRun({ runDir })).judged.filter((ticket) => ticket.sent);
    };
    const claimed = await judgedWith('claims', false);
    expect(claimed.length).toBeGreaterThanOrEqual(23);
    expect(claimed.every((ticket) => ticket.verdict === 'needs-action' && !ticket.resolution.verified && ticket.outcome === 'ai-then-agent')).toBe(true);
    expect(claimed[0]!.judges.find((judge) => judge.judge === 'actions')).toMatchObject({ score: 0, reason: expect.stringContaining('refund') });
    const done = await judgedWith('tooled', true);
    expect(done.every((ticket) => ticket.verdict === 'correct' && ticket.resolution.verified)).toBe(true);
  });

  it('judges the same answer to a ticket alike whichever candidate sent it, and apart when a tool acted for one', async () => {
    const runDir = join(dir, 'same-answers');
    await replay({ workspace, runDir, candidates: [refunder('claims', false), refunder('claims-again', false), refunder('tooled', true)] });
    const progress: Array<{ done: number; total: number }> = [];
    const all = (await judgeRun({ runDir, onProgress: (step) => progress.push(step) })).judged;
    // The progress counts distinct answers: the two candidates' same answer to a ticket is judged once.
    const judgedOnce = (all.filter((ticket) => ticket.judges.length > 0).length / 3) * 2;
    expect(progress.at(-1)).toEqual({ done: judgedOnce, total: judgedOnce });
    expect(progress.every((step, index) => index === 0 || step.done >= progress[index - 1]!.done)).toBe(true);
    const judged = all.filter((ticket) => ticket.sent);
    const of = (candidate: string) => judged.filter((ticket) => ticket.candidate === candidate);
    expect(of('claims').length).toBeGreaterThanOrEqual(23);
    expect(of('claims-again').map(({ ticketId, verdict, judges }) => ({ ticketId, verdict, judges }))).toEqual(of('claims').map(({ ticketId, verdict, judges }) => ({ ticketId, verdict, judges })));
    expect(of('claims').every((ticket) => ticket.verdict === 'needs-action')).toBe(true);
    expect(of('tooled').every((ticket) => ticket.verdict === 'correct')).toBe(true);
  });

  it('never counts a failed answer as sent, also one written beside a reply by an older version or a JavaScript candidate', async () => {
    const runDir = join(dir, 'failed-replies');
    await cp(join(dir, 'good'), runDir, { recursive: true });
    const results = (await readFile(join(runDir, RESULTS_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TicketResult);
    const replies = results.filter((result) => result.answer.decision === 'reply').map((result) => result.ticketId);
    const [older, scripted] = replies;
    const rewritten = results.map(({ answer, ...result }) => {
      if (result.ticketId === older) return { ...result, answer: { ...answer, error: 'timeout: http://127.0.0.1:9/v1: timed out after 5000 ms, after 5 attempts' } };
      if (result.ticketId === scripted) return { ...result, answer: { ...answer, failure: { kind: 'invalid-output', message: 'réponse tronquée' } } };
      return { ...result, answer };
    });
    await writeFile(join(runDir, RESULTS_FILE), rewritten.map((result) => `${JSON.stringify(result)}\n`).join(''));

    const judged = new Map((await judgeRun({ runDir })).judged.map((ticket) => [ticket.ticketId, ticket]));
    expect(judged.get(older!)).toMatchObject({ sent: false, answered: false, outcome: 'agent-only', resolution: { contained: false, verified: false }, failure: { kind: 'timeout' } });
    expect(judged.get(scripted!)).toMatchObject({ sent: false, answered: false, outcome: 'agent-only', resolution: { contained: false, verified: false }, failure: { kind: 'invalid-output', message: 'réponse tronquée' } });
    expect(replies.slice(2).every((id) => judged.get(id)!.sent && judged.get(id)!.failure === undefined)).toBe(true);
  });

  it('asks an LLM rubric judge when configured, through the cached client, and lets it overrule word overlap', async () => {
    const endpoint = await startFakeEndpoint(() => ({ reply: '{"score": 0, "reason": "the agent promised a refund, the answer does not"}' }));
    try {
      const options = { runDir: join(dir, 'good'), llmJudge: { endpoint: { baseUrl: endpoint.baseUrl, model: 'judge-model' }, cacheDir: join(dir, 'judge-cache') } };
      const { judged } = await judgeRun(options);
      const answered = judged.filter((ticket) => ticket.sent);
      expect(answered.every((ticket) => ticket.verdict === 'wrong')).toBe(true);
      expect(answered[0]!.judges.find((judge) => judge.judge === 'llm')).toEqual({ judge: 'llm', score: 0, reason: 'the agent promised a refund, the answer does not' });
      const prompt = endpoint.requests[0]!.body.messages[1]!.content;
      expect(prompt).toMatch(/^<customer>\n[\s\S]*where is my parcel[\s\S]*<\/customer>\n<agent>\n[\s\S]*<\/agent>\n<ai>\n[\s\S]*<\/ai>$/);
      const calls = endpoint.requests.length;
      expect(calls).toBe(answered.length);
      await judgeRun(options);
      expect(endpoint.requests.length).toBe(calls);
    } finally {
      await endpoint.close();
    }
  });

  it('keeps the judged answers of the last judging when writing those of a new one fails', async () => {
    const runDir = join(dir, 'rejudged');
    await cp(join(dir, 'good'), runDir, { recursive: true });
    const judgedFile = join(runDir, 'judged.jsonl');
    const before = await readFile(judgedFile, 'utf8');
    // The file being written cannot be opened: the rows were being made as the cases were judged.
    const partial = `${judgedFile}.${process.pid}.tmp`;
    await mkdir(partial);
    await expect(judgeRun({ runDir })).rejects.toThrow(/EISDIR/);
    await rm(partial, { recursive: true });
    expect(await readFile(judgedFile, 'utf8')).toBe(before);
    expect((await readdir(runDir)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('writes byte-identical metrics for the same run and seed', async () => {
    const again = await buildReport({ runDir: join(dir, 'good') });
    expect(JSON.stringify(again)).toBe(JSON.stringify(reports.good));
    const reseeded = await buildReport({ runDir: join(dir, 'slip'), seed: 7 });
    expect(JSON.stringify(reseeded.metrics)).not.toBe(JSON.stringify(reports.slip!.metrics));
  });

  it('combines judges into verdicts: contradiction wrong, agreement correct, closeness alone unverified', () => {
    const scores = (entries: Record<string, number | null>) => Object.entries(entries).map(([judge, score]) => ({ judge, score, reason: '' }));
    expect(verdictOf({ judges: scores({ conflicts: 0, 'key-facts': 0.5, semantic: 0.99 }), hasReference: true })).toBe('wrong');
    expect(verdictOf({ judges: scores({ conflicts: 1, 'key-facts': 1, semantic: 0.95, macro: 1, grounding: 1, safety: 1 }), hasReference: true })).toBe('correct');
    expect(verdictOf({ judges: scores({ 'key-facts': null, semantic: 0.6, macro: null }), hasReference: true })).toBe('unverified');
    expect(verdictOf({ judges: scores({ 'key-facts': null, semantic: 0.2, topic: 0.2, macro: null }), hasReference: true })).toBe('wrong');
    expect(verdictOf({ judges: scores({ semantic: 0.99, macro: 1, safety: 0 }), hasReference: true })).toBe('wrong');
    expect(verdictOf({ judges: scores({ semantic: 0.6, macro: 0 }), hasReference: true })).toBe('wrong');
    expect(verdictOf({ judges: [], hasReference: false })).toBe('cannot-judge');
  });

  it('passes an identical run and a one-ticket slip, fails a real regression naming what dropped', () => {
    expect(compareRuns(reports.good!, reports.good!)).toMatchObject({ passed: true, changed: [] });
    const slip = compareRuns(reports.good!, reports.slip!);
    expect(slip.passed).toBe(true);
    expect(slip.changed).toEqual([{ candidate: 'tracker', ticketId: '7', from: 'correct', to: 'wrong' }]);
    const regression = compareRuns(reports.good!, reports.bad!);
    expect(regression.passed).toBe(false);
    expect(regression.metrics.filter((change) => change.regressed).map((change) => change.metric).sort()).toEqual(['accuracy', 'automation (verified)', 'wrong answers']);
    expect(regression.flips).toEqual([{ candidate: 'tracker', lost: regression.changed.length, gained: 0, pValue: mcnemarPValue(regression.changed.length, 0) }]);
  });

  it('`shadowdesk ci` exits 1 on the regression with a readable diff, 0 on the baseline itself', async () => {
    const ci = (runDir: string) => runCli(['ci', '--baseline', join(dir, 'good', 'report.json'), '--run', runDir], { env: { GITHUB_STEP_SUMMARY: '' } });
    const same = await ci(join(dir, 'good'));
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('# shadowdesk: no regression');
    const worse = await ci(join(dir, 'bad'));
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/\| tracker \| accuracy \| 100\.0% \| 0\.0% \| −100\.0 points, 95 % CI −100\.0 to −100\.0, p < 0\.001 \(< 0\.001 over all checks\) \| \d+ \/ 0 \| ❌ regressed \|/);
    expect(worse.stdout).toMatch(/❌ tracker: accuracy −100\.0 points, 95 % CI −100\.0 to −100\.0, p < 0\.001 \(< 0\.001 over all checks\)\n/);
    expect(await readFile(join(dir, 'bad', 'ci-junit.xml'), 'utf8')).toMatch(/<testsuite name="shadowdesk.gate" tests="3" failures="3"/);
  });
});
