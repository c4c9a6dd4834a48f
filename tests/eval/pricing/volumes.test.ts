import { describe, expect, it } from 'vitest';
import { automatedShare, monthVolumes } from '../../../eval/pricing/volumes.ts';
import { judged, type JudgedOverrides } from '../../helpers/judged.ts';

/** Month volumes from judged tickets, and how people's label-corrected automation scales them. */

const history = [
  { month: '2024-03', tickets: 1000, billable: 900 },
  { month: '2024-04', tickets: 2000, billable: 1800 },
];

/** Ten judged tickets of March: `verified` automated, `contained − verified` sent and handed over, the rest escalated. */
function run(contained: number, verified: number): ReturnType<typeof judged>[] {
  return Array.from({ length: 10 }, (_, index) => {
    const overrides: JudgedOverrides =
      index < contained ? { sent: true, answered: true, aiReplies: 1, verdict: index < verified ? 'correct' : 'wrong', resolution: { contained: true, verified: index < verified } } : {};
    return judged(String(index), overrides);
  });
}

describe('monthVolumes', () => {
  it('bills the judge’s automated share without labels, as with a scale of 1', () => {
    const tickets = run(6, 4);
    expect(automatedShare(tickets, 'verified')).toBe(0.4);
    expect(monthVolumes(history, tickets, 'verified', [], 1)).toEqual(monthVolumes(history, tickets));
    expect(monthVolumes(history, tickets).map((month) => month.automatedResolutions)).toEqual([400, 800]);
  });

  it('scales every month’s automated resolutions by corrected ÷ judge, handing the rest to humans after the AI', () => {
    const tickets = run(6, 4);
    const judge = monthVolumes(history, tickets);
    // People find half the verified answers wrong: 0.2 ÷ 0.4.
    const corrected = monthVolumes(history, tickets, 'verified', [], 0.5);
    corrected.forEach((month, index) => {
      const before = judge[index]!;
      expect(month.automatedResolutions).toBeCloseTo(before.automatedResolutions / 2, 9);
      const moved = before.automatedResolutions - month.automatedResolutions;
      expect(month.humanHandled).toBeCloseTo(before.humanHandled + moved, 9);
      expect(month.humanAfterAi).toBeCloseTo(before.humanAfterAi + moved, 9);
      // What the AI sent does not change: only who finished the ticket.
      expect(month).toMatchObject({ aiTouched: before.aiTouched, aiReplies: before.aiReplies, humanBillable: before.humanBillable });
    });
  });

  it('never bills more automated tickets than the AI closed alone, nor a negative hand-over', () => {
    // The two handed-over tickets were not billable, so there is no hand-over to take from.
    const tickets = run(6, 4).map((ticket) => (ticket.resolution.verified ? ticket : { ...ticket, billable: false }));
    expect(monthVolumes(history, tickets).map((month) => month.humanAfterAi)).toEqual([0, 0]);
    const corrected = monthVolumes(history, tickets, 'verified', [], 3);
    // 0.4 × 3 = 1.2, capped at the contained share 0.6.
    expect(corrected.map((month) => month.automatedResolutions)).toEqual([600, 1200]);
    expect(corrected.map((month) => month.humanAfterAi)).toEqual([0, 0]);
  });
});
