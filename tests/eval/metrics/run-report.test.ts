import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { printRunSummary } from '../../../bin/commands/_summary.ts';
import { importLabels } from '../../../eval/labels/labels.ts';
import { priceRun } from '../../../eval/pricing/price-run.ts';
import { replay } from '../../../eval/replay/replay.ts';
import { buildReport, shownScore, type RunReport } from '../../../eval/metrics/run-report.ts';
import type { Responder } from '../../../eval/types.ts';
import { correctedText, costBasisText, precisionText } from '../../../reports/_format.ts';
import { renderMarkdown } from '../../../reports/markdown.ts';
import { buildReplayWorkspace } from '../../helpers/replay-workspace.ts';

/**
 * A run's report once people's labels are imported into its folder: the label-corrected figures
 * beside the judge's in every output, and costs that follow the corrected automation rate.
 */

/** Answers every customer with their own tracking number, or with a wrong one when `wrong`. */
function tracker(id: string, wrong: boolean): Responder {
  return {
    id,
    async respond(context) {
      const order = context.orders[0];
      if (!order?.trackingNumber) return { decision: 'escalate', text: '', confidence: 0, sources: [], latencyMs: 0, reason: 'no order' };
      const tracking = wrong ? '6A99999999FR' : order.trackingNumber;
      return { decision: 'reply', text: `Hello,\n\nYour order ${order.id} has shipped: tracking ${tracking}, https://track.example/${tracking}`, confidence: 0.9, sources: [{ type: 'order', id: order.id }], latencyMs: 0 };
    },
  };
}

function summaryOf(report: RunReport): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    printRunSummary(report, {});
    return write.mock.calls.map(([chunk]) => String(chunk)).join('');
  } finally {
    write.mockRestore();
  }
}

describe('a report with people’s labels', () => {
  let dir: string;
  let workspace: string;
  let runDir: string;
  let judgeOnly: RunReport;
  let labelled: RunReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-report-labels-'));
    workspace = await buildReplayWorkspace(dir);
    runDir = join(dir, 'run');
    await replay({ workspace, runDir, candidates: [tracker('right', false), tracker('bad', true)] });
    judgeOnly = await buildReport({ runDir });
    // People find half the answers the judge verified wrong, in English and in French; none of the
    // other candidate's answers is labelled.
    const verified = judgeOnly.tickets.filter((ticket) => ticket.answers.some((answer) => answer.candidate === 'right' && answer.outcome === 'automated'));
    const words = ['correct', 'wrong', 'correcte', 'faux'];
    const rows = verified.map((ticket, index) => `${ticket.ticketId},right,${words[index % words.length]}`);
    const file = join(dir, 'labels.csv');
    await writeFile(file, `ticket_id,candidate,label\n${rows.join('\n')}\n`);
    await importLabels({ runDir, file });
    labelled = await buildReport({ runDir });
  }, 180_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has no labels section and bills the judge’s rate while no labels were imported', () => {
    expect(judgeOnly.labels).toBeUndefined();
    expect(judgeOnly.pricing.automation).toBeUndefined();
  });

  it('holds the corrected rates in the JSON, next to the judge’s', () => {
    const right = labelled.labels!.corrected.candidates.find((candidate) => candidate.candidate === 'right')!;
    const judged = labelled.metrics.candidates.find((candidate) => candidate.candidate === 'right')!;
    expect(right.automation.verified.judge).toBeCloseTo(judged.automation.verified.value!, 4);
    expect(right.automation.verified.corrected.estimate!).toBeLessThan(right.automation.verified.judge! * 0.7);
    expect(right.precision).toMatchObject({ successes: Math.ceil(right.labelled / 2), trials: right.labelled });
    const bad = labelled.labels!.corrected.candidates.find((candidate) => candidate.candidate === 'bad')!;
    expect(bad).toMatchObject({ labelled: 0, unlabelledVerdicts: ['wrong'] });
  });

  it('bills the corrected automation rate, so the AI saves less than the judge says', () => {
    const right = labelled.labels!.corrected.candidates.find((candidate) => candidate.candidate === 'right')!;
    expect(labelled.pricing.automation).toEqual({
      right: { judge: expect.closeTo(right.automation.verified.judge!, 6), corrected: right.automation.verified.corrected.estimate },
      bad: { judge: 0, corrected: null, uncorrected: 'no label among its wrong answers' },
    });
    const before = judgeOnly.pricing.byCandidate.right!.models;
    const after = labelled.pricing.byCandidate.right!.models;
    for (const model of after) {
      const judged = before.find((entry) => entry.id === model.id)!;
      expect(model.totals.human).toBeGreaterThan(judged.totals.human);
      expect(model.savings).toBeLessThan(judged.savings);
    }
    // A candidate the labels cannot correct is billed as before.
    expect(labelled.pricing.byCandidate.bad).toEqual(judgeOnly.pricing.byCandidate.bad);
  });

  it('prices a run folder the same way when asked for costs alone, as `shadowdesk price` does', async () => {
    expect(await priceRun({ workspace, runDir, candidates: ['right', 'bad'] })).toEqual(labelled.pricing);
  });

  it('bills the judge’s contained resolutions, which no label corrects', async () => {
    const contained = await buildReport({ runDir, strictness: 'contained' });
    expect(contained.labels).toEqual(labelled.labels);
    expect(contained.pricing.automation!.right).toEqual({ judge: 1, corrected: null, uncorrected: 'contained resolutions are not judged, so labels do not change them' });
  });

  it('shows each corrected figure beside the judge’s in Markdown, and what costs use', () => {
    const markdown = renderMarkdown(labelled);
    const right = labelled.labels!.corrected.candidates.find((candidate) => candidate.candidate === 'right')!;
    const row = [right.automation.verified, right.automation.confirmed, right.accuracy, right.wrongRate].map(correctedText).join(' | ');
    expect(markdown).toContain(`| right | ${right.labelled} | ${row} | ${precisionText(right.precision)} |`);
    expect(markdown).toMatch(/\| right \| \d+ \| \d+% \(judge\) · \d+% \(\d+%–\d+%\) corrected \|/);
    expect(markdown).toContain('prediction-powered inference');
    expect(markdown).toContain('*Not corrected* until some answers of each verdict are labelled: bad (wrong).');
    expect(markdown).toMatch(/Costs use the label-corrected verified automation rate, \d+% instead of the judge's \d+%\./);
    expect(renderMarkdown(judgeOnly)).not.toMatch(/corrected/i);
  });

  it('prints the corrected figures and what costs use in the terminal summary', () => {
    const summary = summaryOf(labelled);
    const right = labelled.labels!.corrected.candidates.find((candidate) => candidate.candidate === 'right')!;
    expect(summary).toContain(`automation (verified)     ${correctedText(right.automation.verified)}`);
    expect(summary).toContain(`precision of automated    ${precisionText(right.precision)}`);
    expect(summary).toContain(`  ${costBasisText(labelled.pricing, 'right')}`);
    expect(summary).toContain("costs use the judge's verified automation rate, 0%: no label among its wrong answers");
    expect(summary).toContain('prediction-powered inference');
    expect(summaryOf(judgeOnly)).not.toMatch(/corrected/i);
  });

  it('stops on a damaged label agreement and names it', async () => {
    const file = join(runDir, 'label-agreement.json');
    await writeFile(file, '{"labelled": 12, "corrected": {"candidates": [');
    await expect(buildReport({ runDir })).rejects.toMatchObject({ code: 'SD_INPUT_INVALID', message: expect.stringContaining(file) });
  });
});

describe('a report of answers that were never sent', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shows "not-sent" in the explorer, with what the judge would have said beside it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-report-unsent-'));
    const workspace = await buildReplayWorkspace(dir);
    const runDir = join(dir, 'run');
    const unsure: Responder = {
      id: 'unsure',
      async respond(context) {
        const order = context.orders[0];
        const text = order?.trackingNumber ? `Hello,\n\nYour order ${order.id} has shipped: tracking ${order.trackingNumber}` : '';
        return { decision: 'escalate', text, confidence: 0.2, sources: [], latencyMs: 0, reason: 'not sure enough' };
      },
    };
    await replay({ workspace, runDir, candidates: [unsure, tracker('right', false)] });
    const report = await buildReport({ runDir });
    const answers = report.tickets.flatMap((ticket) => ticket.answers);
    const unsent = answers.filter((answer) => answer.candidate === 'unsure');
    expect(unsent.length).toBeGreaterThan(0);
    for (const answer of unsent) expect(answer).toMatchObject({ sent: false, verdict: 'not-sent', verdictIfSent: expect.any(String) });
    expect(unsent.some((answer) => answer.verdictIfSent !== 'cannot-judge')).toBe(true);
    for (const answer of answers.filter((entry) => entry.sent)) expect(answer.verdictIfSent).toBeUndefined();
  }, 180_000);
});

describe('shownScore', () => {
  it('cuts a judge score to the two decimals the page shows, never up across a threshold', () => {
    expect([0.849, 0.85, 0.7499, 0.75, 0.1, 1, 0].map(shownScore)).toEqual([0.84, 0.85, 0.74, 0.75, 0.1, 1, 0]);
    expect(shownScore(null)).toBeNull();
  });
});
