import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { printRunSummary } from '../../../bin/commands/_summary.ts';
import type { Ticket } from '../../../datasets/records.ts';
import { ticketHistory } from '../../../eval/judges/history.ts';
import { judgeRun } from '../../../eval/judges/judge-run.ts';
import type { JudgedTicket } from '../../../eval/judges/types.ts';
import { createCompositeResponder } from '../../../eval/responders/composite.ts';
import { responderFor } from '../../../eval/responders/index.ts';
import { AGENT_HISTORY_TOOL } from '../../../eval/responders/oracle.ts';
import { readResults, replay, selectTickets } from '../../../eval/replay/replay.ts';
import { buildReport } from '../../../eval/metrics/run-report.ts';
import type { Answer, Responder, TicketContext } from '../../../eval/types.ts';
import { buildIndex } from '../../../pipelines/search-index.ts';
import { renderMarkdown } from '../../../reports/markdown.ts';
import { importedDemo } from '../../helpers/demo-workspace.ts';

/**
 * The oracle over a real replay of the bundled demo (its last 90 days, as `shadowdesk demo`
 * replays them): the agent's own replies, judged by the same judges as every candidate.
 */

const SELECTION = { holdoutDays: 90, seed: 42 };
/** The judges must accept the agent's own replies (issue 21) on the demo's replayed tickets… */
const MIN_CORRECT = 0.98;
/** …and in each language alike (93 English tickets: one ticket is a point). */
const MIN_CORRECT_PER_LANGUAGE = 0.95;

/** A blind candidate that keeps what it was shown. */
function recorder(): Responder & { seen: TicketContext[] } {
  const seen: TicketContext[] = [];
  return {
    id: 'recorder',
    seen,
    respond: async (context): Promise<Answer> => {
      seen.push(context);
      return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 0 };
    },
  };
}

const correctShare = (judged: readonly JudgedTicket[]) => judged.filter((ticket) => ticket.verdict === 'correct').length / judged.length;

describe('the oracle on the demo replay', () => {
  let dir: string;
  let workspace: string;
  let tickets: Map<string, Ticket>;
  let blind: ReturnType<typeof recorder>;
  let runDir: string;
  let judged: JudgedTicket[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-oracle-'));
    workspace = join(dir, 'ws');
    await cp((await importedDemo()).workspace, workspace, { recursive: true });
    await buildIndex({ workspace });
    tickets = new Map((await selectTickets(workspace, SELECTION)).map((ticket) => [ticket.id, ticket]));
    blind = recorder();
    runDir = join(dir, 'run');
    await replay({ workspace, runDir, candidates: [blind, responderFor('oracle')], selection: SELECTION });
    judged = (await judgeRun({ runDir })).judged.filter((ticket) => ticket.candidate === 'oracle');
  }, 240_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('replays French and English tickets', () => {
    expect(new Set(judged.map((ticket) => ticket.language))).toEqual(new Set(['fr', 'en']));
    expect(judged).toHaveLength(tickets.size);
  });

  it('keeps every other candidate blind to the agent’s reply', () => {
    expect(blind.seen).toHaveLength(tickets.size);
    for (const context of blind.seen) {
      expect(context.agentReply).toBeUndefined();
      const reply = ticketHistory(tickets.get(context.ticket.id)!).reference!.text;
      expect(JSON.stringify(context)).not.toContain(JSON.stringify(reply).slice(1, -1));
    }
  });

  it('sends the agent’s reply, citing the orders it was given and declaring the actions the agent did', async () => {
    const answers = (await readResults(runDir)).filter((result) => result.candidate === 'oracle');
    for (const { ticketId, answer } of answers) {
      expect(answer.text).toBe(ticketHistory(tickets.get(ticketId)!).reference!.text);
      expect(answer.decision).toBe('reply');
      for (const action of answer.actions ?? []) expect(action).toMatchObject({ tool: AGENT_HISTORY_TOOL, ok: true });
    }
    const citedOrders = answers.filter(({ answer }) => answer.sources.some((source) => source.type === 'order'));
    expect(citedOrders.length).toBeGreaterThan(answers.length / 2);
    expect(judged.filter((ticket) => ticket.agentActed).every((ticket) => ticket.verdict !== 'needs-action')).toBe(true);
  });

  it('is judged correct on at least 98 % of the demo’s tickets', () => {
    expect(correctShare(judged)).toBeGreaterThanOrEqual(MIN_CORRECT);
  });

  it.each(['fr', 'en'])('is judged correct on at least 95 %% of the %s tickets', (language) => {
    const inLanguage = judged.filter((ticket) => ticket.language === language);
    expect(inLanguage.length).toBeGreaterThan(50);
    expect(correctShare(inLanguage)).toBeGreaterThanOrEqual(MIN_CORRECT_PER_LANGUAGE);
  });

  it('is never judged wrong, unsafe or in need of a human to act', () => {
    const turnedDown = judged.filter((ticket) => ticket.verdict !== 'correct' && ticket.verdict !== 'partial');
    expect(turnedDown.map((ticket) => `${ticket.ticketId} ${ticket.verdict}`)).toEqual([]);
    const blocking = judged.flatMap((ticket) => ticket.judges.filter((judge) => ['safety', 'conflicts', 'entities', 'language', 'actions', 'macro'].includes(judge.judge) && judge.score === 0).map((judge) => `${ticket.ticketId} ${judge.judge}: ${judge.reason}`));
    expect(blocking).toEqual([]);
  });

  it('states the noise floor in the terminal summary and the Markdown report', async () => {
    const report = await buildReport({ runDir, workspace });
    const correct = judged.filter((ticket) => ticket.verdict === 'correct').length;
    const line = `judge noise floor: the agent's own replies are judged correct on ${Math.round((100 * correct) / judged.length)} % (${correct}/${judged.length})`;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      printRunSummary(report, {});
      expect(write.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain(line);
    } finally {
      write.mockRestore();
    }
    expect(renderMarkdown(report)).toContain(line);
    // A reference for the judge, not something to buy: never priced, never the recommended option.
    expect(Object.keys(report.pricing.byCandidate)).toEqual(['recorder']);
    expect(report.pricing.decisionInputs.candidates.map((candidate) => candidate.candidate)).toEqual(['recorder']);
  }, 120_000);

  it('escalates when asked through another candidate, which the replay keeps blind', async () => {
    const wrapped = createCompositeResponder([responderFor('oracle')], 'wrapped-oracle');
    const wrappedRun = join(dir, 'wrapped');
    await replay({ workspace, runDir: wrappedRun, candidates: [wrapped], selection: { ...SELECTION, sample: 10 } });
    const answers = await readResults(wrappedRun);
    expect(answers).toHaveLength(10);
    expect(answers.every(({ answer }) => answer.decision === 'escalate' && answer.text === '')).toBe(true);
  });
});
