import { describe, expect, it } from 'vitest';
import { oldRuleFails, ratesInReport, resampledRates, withWrongShare } from '../../bench/_gate-rules.ts';
import { compareRuns } from '../../eval/metrics/compare.ts';
import type { Verdict } from '../../eval/judges/types.ts';
import type { RunReport } from '../../eval/metrics/run-report.ts';
import { handReport, type HandTicket } from '../helpers/paired-runs.ts';

/** A hand-made run with the ticket count the old rule's limit reads. */
function run(verdicts: readonly Verdict[]): RunReport {
  const tickets: HandTicket[] = verdicts.map((verdict, index) => ({ ticketId: `t${String(index).padStart(3, '0')}`, verdict, language: index % 2 === 0 ? 'fr' : 'en' }));
  const report = handReport(tickets);
  return { ...report, metrics: { ...report.metrics, candidates: [{ ...report.metrics.candidates[0]!, tickets: tickets.length }] } };
}

/** 200 tickets: 100 correct, then 100 partial, with `change` applied to some of them. */
function verdicts(change: (index: number) => Verdict | undefined = () => undefined): Verdict[] {
  return Array.from({ length: 200 }, (_, index) => change(index) ?? (index < 100 ? 'correct' : 'partial'));
}

describe('the old gate rule, as the bench keeps it', () => {
  it('fails on gross flips to wrong that flips the other way cancel, where the paired rule passes', () => {
    const baseline = run(verdicts((index) => (index >= 195 ? 'wrong' : undefined)));
    // Five correct answers go wrong, the five wrong ones become correct: nothing changed overall.
    const current = run(verdicts((index) => (index < 5 ? 'wrong' : index >= 195 ? 'correct' : undefined)));
    expect(oldRuleFails(baseline, current, resampledRates)).toBe(true);
    expect(compareRuns(baseline, current).passed).toBe(true);
  });

  it('allows max(2, 1%) tickets to go from correct to wrong, not counting those wrong in both runs', () => {
    const alreadyWrong = (index: number): Verdict | undefined => (index >= 195 ? 'wrong' : undefined);
    const baseline = run(verdicts(alreadyWrong));
    expect(oldRuleFails(baseline, run(verdicts((index) => (index < 2 ? 'wrong' : alreadyWrong(index)))), resampledRates)).toBe(false);
    expect(oldRuleFails(baseline, run(verdicts((index) => (index < 3 ? 'wrong' : alreadyWrong(index)))), resampledRates)).toBe(true);
  });

  it('lets a drop within both intervals in quadrature through, not one beyond them', () => {
    const baseline = run(verdicts());
    // Correct to partial: no newly wrong ticket, only the rates move.
    const small = run(verdicts((index) => (index < 10 ? 'partial' : undefined)));
    const large = run(verdicts((index) => (index < 24 ? 'partial' : undefined)));
    expect(oldRuleFails(baseline, small, resampledRates)).toBe(false);
    expect(oldRuleFails(baseline, large, resampledRates)).toBe(true);
    // The paired rule sees the ten-point drop of the small one as the real regression it is.
    expect(compareRuns(baseline, small).passed).toBe(false);
  });

  it('reads the report\'s own intervals for a real run, and fails a run without the candidate', () => {
    const baseline = run(verdicts());
    const rates = resampledRates(baseline);
    const reported = { ...baseline, metrics: { ...baseline.metrics, candidates: [{ ...baseline.metrics.candidates[0]!, automation: { verified: rates.get('bot')!.rates['automation (verified)'] }, accuracy: rates.get('bot')!.rates.accuracy, wrongRate: rates.get('bot')!.rates['wrong answers'] }] } } as RunReport;
    expect(ratesInReport(reported)).toEqual(rates);
    const without = { ...baseline, metrics: { ...baseline.metrics, candidates: [] } };
    expect(oldRuleFails(baseline, without, resampledRates)).toBe(true);
  });
});

describe('synthesised reruns', () => {
  it('turn exactly round(p × tickets) tickets wrong, only where an answer was sent', () => {
    const base = handReport(Array.from({ length: 100 }, (_, index): HandTicket => ({ ticketId: `t${index}`, verdict: 'correct', sent: index % 10 !== 0, language: index % 2 === 0 ? 'fr' : 'en' })));
    const rerun = withWrongShare(base, 0.2, 3);
    const turned = rerun.tickets.filter((ticket, index) => ticket !== base.tickets[index]);
    expect(turned).toHaveLength(20);
    for (const ticket of turned) {
      const [answer] = ticket.answers;
      expect(answer!.verdict).toBe(answer!.sent ? 'wrong' : 'correct');
    }
    expect(withWrongShare(base, 0.2, 3)).toEqual(rerun);
  });
});
