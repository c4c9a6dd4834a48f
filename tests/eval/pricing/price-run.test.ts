import { describe, expect, it } from 'vitest';
import { correctRates, type CandidateCorrection } from '../../../eval/metrics/corrected-rates.ts';
import type { JudgedTicket } from '../../../eval/judges/types.ts';
import type { HumanLabel } from '../../../eval/labels/labels.ts';
import { billedAutomation } from '../../../eval/pricing/price-run.ts';
import { judged } from '../../helpers/judged.ts';

/** Which automated share a candidate's costs bill once people's labels exist. */

function answer(ticketId: string, verdict: 'correct' | 'wrong', confirmed = false): JudgedTicket {
  return judged(ticketId, { sent: true, answered: true, verdict, resolution: { contained: true, verified: verdict === 'correct', confirmed } });
}

/** Four verified answers (two confirmed by the customer) and two wrong ones; `labels` by ticket id. */
function correction(labels: Record<string, HumanLabel>): CandidateCorrection {
  const tickets = [answer('1', 'correct', true), answer('2', 'correct', true), answer('3', 'correct'), answer('4', 'correct'), answer('5', 'wrong'), answer('6', 'wrong')];
  const labelled = tickets.filter((ticket) => labels[ticket.ticketId]).map((ticket) => ({ ticket, human: labels[ticket.ticketId]! }));
  return correctRates(tickets, labelled).candidates[0]!;
}

describe('billedAutomation', () => {
  const labels: Record<string, HumanLabel> = { '1': 'correct', '2': 'wrong', '3': 'correct', '4': 'wrong', '5': 'wrong' };

  it('bills the label-corrected verified and confirmed shares', () => {
    const corrected = correction(labels);
    // Verified: 4 of 6 judged correct, half of them labelled correct → 2/6.
    expect(billedAutomation(4 / 6, corrected, 'verified')).toEqual({ judge: 4 / 6, corrected: corrected.automation.verified.corrected.estimate });
    expect(corrected.automation.verified.corrected.estimate).toBeCloseTo(2 / 6, 9);
    expect(billedAutomation(2 / 6, corrected, 'confirmed')).toEqual({ judge: 2 / 6, corrected: corrected.automation.confirmed.corrected.estimate });
  });

  it('bills the judge’s share, and says why, when the labels cannot correct it', () => {
    const corrected = correction(labels);
    expect(billedAutomation(1, corrected, 'contained')).toEqual({ judge: 1, corrected: null, uncorrected: 'contained resolutions are not judged, so labels do not change them' });
    expect(billedAutomation(0.5, undefined, 'verified')).toEqual({ judge: 0.5, corrected: null, uncorrected: 'no labels for this candidate' });
    // No wrong answer labelled: the wrong stratum could hold anything.
    expect(billedAutomation(4 / 6, correction({ '1': 'correct', '2': 'wrong' }), 'verified')).toEqual({ judge: 4 / 6, corrected: null, uncorrected: 'no label among its wrong answers' });
    expect(billedAutomation(0, { ...corrected, automation: { ...corrected.automation, verified: { judge: 0, corrected: { ...corrected.automation.verified.corrected, estimate: 0.1 } } } }, 'verified')).toEqual({
      judge: 0,
      corrected: null,
      uncorrected: 'the judge counted no ticket automated, so there is no month to scale',
    });
  });
});
