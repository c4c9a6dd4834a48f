import { describe, expect, it } from 'vitest';
import type { JudgeScore, Verdict } from '../../../eval/judges/types.ts';
import { noiseFloor, noiseFloorLine } from '../../../eval/metrics/noise-floor.ts';
import type { ExplorerAnswer, ExplorerTicket } from '../../../eval/metrics/run-report.ts';

const judge = (name: string, score: number | null): JudgeScore => ({ judge: name, score, reason: '' });

function answer(candidate: string, verdict: Verdict, judges: JudgeScore[], sent = true): ExplorerAnswer {
  return { candidate, decision: sent ? 'reply' : 'escalate', sent, text: sent ? 'reply' : '', confidence: sent ? 1 : 0, verdict, outcome: 'automated', judges, sources: [] };
}

function ticket(id: string, language: string, answers: ExplorerAnswer[]): ExplorerTicket {
  return { ticketId: id, createdAt: '2025-01-01T00:00:00.000Z', channel: 'email', language, tags: [], subject: '', question: '', humanReply: '', answers };
}

const agrees = [judge('key-facts', 1), judge('semantic', 0.4), judge('grounding', 1)];

describe('noiseFloor', () => {
  it('is absent from a run without the oracle', () => {
    expect(noiseFloor([ticket('1', 'fr', [answer('past-ticket', 'correct', agrees)])])).toBeUndefined();
  });

  it('counts the oracle’s sent answers, French and English, and names the judges that turned the others down', () => {
    const floor = noiseFloor([
      ticket('1', 'fr', [answer('oracle', 'correct', agrees), answer('past-ticket', 'wrong', [judge('safety', 0)])]),
      ticket('2', 'fr', [answer('oracle', 'partial', [judge('grounding', 0.5), judge('semantic', 0.2), judge('wording', 0.1)])]),
      ticket('3', 'en', [answer('oracle', 'partial', [judge('grounding', 0.5), judge('macro', 0)])]),
      ticket('4', 'en', [answer('oracle', 'correct', agrees)]),
      // No agent reply: the oracle escalated with nothing to send, which says nothing of the judges.
      ticket('5', 'en', [answer('oracle', 'cannot-judge', [], false)]),
    ]);
    expect(floor).toEqual({ correct: 2, judged: 4, reasons: [{ judge: 'grounding', tickets: 2 }, { judge: 'macro', tickets: 1 }] });
    expect(noiseFloorLine(floor!)).toBe("judge noise floor: the agent's own replies are judged correct on 50 % (2/4); turned down by grounding 2, macro 1");
  });

  it('says nothing of reasons when every reply is judged correct', () => {
    const floor = noiseFloor([ticket('1', 'fr', [answer('oracle', 'correct', agrees)]), ticket('2', 'en', [answer('oracle', 'correct', agrees)])]);
    expect(noiseFloorLine(floor!)).toBe("judge noise floor: the agent's own replies are judged correct on 100 % (2/2)");
  });
});
