import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUDGED_FILE } from '../../../eval/judges/judge-run.ts';
import type { JudgedTicket, JudgeScore, Verdict } from '../../../eval/judges/types.ts';
import { DEFAULT_VERDICT_RULES, verdictOf } from '../../../eval/judges/verdict.ts';
import { ASSUMED_CORRELATION, allocate, exportLabelSample, importLabels, kappaReading, labelOf, planLabels, type LabelAgreement } from '../../../eval/labels/labels.ts';
import { wilsonInterval } from '../../../eval/metrics/ppi.ts';
import { REPORT_SCHEMA_VERSION } from '../../../eval/metrics/run-report.ts';
import { judged as judgedTicket } from '../../helpers/judged.ts';

/**
 * The labelling loop on hand-made run folders: the sample people get, and what their labels say
 * about the automatic verdicts.
 */

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'shadowdesk-labels-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Judges that agree with the agent to the same degree: its facts, its meaning, its topic. */
function semantic(score: number): JudgeScore[] {
  return ['semantic', 'topic', 'key-facts'].map((judge) => ({ judge, score, reason: 'planted' }));
}

/** A judged answer; its verdict is what the default rules give on its judges unless forced. */
function judged(candidate: string, ticketId: string, options: { judges?: JudgeScore[]; verdict?: Verdict; answered?: boolean } = {}): JudgedTicket {
  const judges = options.judges ?? semantic(0.9);
  return judgedTicket(ticketId, {
    candidate,
    sent: true,
    answered: options.answered ?? true,
    confidence: 0.9,
    verdict: options.verdict ?? verdictOf({ judges, hasReference: true }),
    judges,
    outcome: 'automated',
    resolution: { contained: true, verified: true },
    aiReplies: 1,
  });
}

/** A run folder with judged.jsonl and the part of report.json the sample reads. */
async function writeRun(answers: JudgedTicket[], texts: Record<string, { question?: string; answer?: string }> = {}): Promise<string> {
  const dir = join(root, `run-${count++}`);
  await mkdir(dir);
  await writeFile(join(dir, JUDGED_FILE), answers.map((answer) => `${JSON.stringify(answer)}\n`).join(''));
  const ids = [...new Set(answers.map((answer) => answer.ticketId))];
  const tickets = ids.map((ticketId) => ({
    ticketId,
    question: texts[ticketId]?.question ?? `Where is order ${ticketId}?`,
    humanReply: `Agent reply to ${ticketId}`,
    answers: answers.filter((answer) => answer.ticketId === ticketId).map((answer) => ({ candidate: answer.candidate, text: texts[ticketId]?.answer ?? `${answer.candidate} answer to ${ticketId}` })),
  }));
  await writeFile(join(dir, 'report.json'), JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, tickets }));
  return dir;
}

async function writeLabels(dir: string, rows: ReadonlyArray<readonly [string, string, string]>): Promise<string> {
  const file = join(dir, 'filled.csv');
  const lines = ['ticket_id,candidate,label', ...rows.map((row) => row.map((cell) => `"${cell}"`).join(','))];
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

function readSample(text: string): Array<Record<string, string>> {
  return parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
}

describe('allocate', () => {
  it('gives every stratum its floor, then the rest in proportion', () => {
    // Floors 3+3+3+2 = 11; the 9 left go where the share 20·n/66 is furthest ahead of the quota.
    expect(allocate([40, 4, 20, 2], 20)).toEqual([11, 3, 4, 2]);
    // Too small for every floor: one each in turn.
    expect(allocate([5, 5, 5], 4)).toEqual([2, 1, 1]);
    expect(allocate([2, 1], 50)).toEqual([2, 1]);
  });
});

describe('exportLabelSample', () => {
  let dir: string;
  let text: string;
  let raw: Buffer;
  const answers = [
    ...Array.from({ length: 40 }, (_, i) => judged('a', `a${i}`, { judges: semantic(0.95) })),
    ...Array.from({ length: 4 }, (_, i) => judged('a', `w${i}`, { judges: semantic(0.1) })),
    ...Array.from({ length: 2 }, (_, i) => judged('a', `silent${i}`, { judges: [], verdict: 'cannot-judge', answered: false })),
    ...Array.from({ length: 20 }, (_, i) => judged('b', `b${i}`, { judges: semantic(0.6) })),
    judged('b', '-42', { judges: [], verdict: 'cannot-judge' }),
    judged('b', 'x1', { judges: [], verdict: 'cannot-judge' }),
  ];

  beforeAll(async () => {
    dir = await writeRun(answers, { '-42': { question: '@support =cmd|calc', answer: '=HYPERLINK("http://evil","click")' } });
    const { file, rows } = await exportLabelSample({ runDir: dir, size: 20, seed: 7 });
    expect(rows).toBe(20);
    raw = await readFile(file);
    text = raw.toString('utf8');
  });

  it('samples each candidate × verdict stratum, and only produced answers', () => {
    const verdicts = new Map(answers.map((answer) => [`${answer.candidate}/${answer.ticketId}`, answer.verdict]));
    const rows = readSample(text);
    const strata: Record<string, number> = {};
    for (const row of rows) {
      const id = row.ticket_id!.replace(/^'/, '');
      const key = `${row.candidate}/${verdicts.get(`${row.candidate}/${id}`)}`;
      strata[key] = (strata[key] ?? 0) + 1;
    }
    expect(strata).toEqual({ 'a/correct': 11, 'a/wrong': 3, 'b/partial': 4, 'b/cannot-judge': 2 });
    expect(rows.some((row) => row.ticket_id!.startsWith('silent'))).toBe(false);
  });

  it('hides the verdict and leaves the label empty', () => {
    const rows = readSample(text);
    expect(Object.keys(rows[0]!)).toEqual(['ticket_id', 'candidate', 'customer_message', 'human_reply', 'ai_answer', 'label']);
    expect(rows.every((row) => row.label === '')).toBe(true);
    expect(text).not.toMatch(/cannot-judge|"partial"|"correct"/);
  });

  it('opens in a spreadsheet: BOM, quoted fields, CRLF, formulas defused', () => {
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.split('\r\n')[1]).toMatch(/^"[^"]+","[ab]",/);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text).toContain(`"'-42","b","'@support =cmd|calc","Agent reply to -42","'=HYPERLINK(""http://evil"",""click"")",""`);
    expect(text).not.toMatch(/(^|,)"[=+\-@]/m);
  });

  it('reads its own file back filled with the verdicts: κ = 1, cannot-judge kept apart', async () => {
    const verdicts = new Map(answers.map((answer) => [`${answer.candidate}/${answer.ticketId}`, answer.verdict]));
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    // The label is the last, empty cell: fill it in place, as a person would.
    const filled = lines.map((line, index) => {
      if (index === 0 || line === '') return line;
      const row = readSample(`${lines[0]}\r\n${line}`)[0]!;
      const verdict = verdicts.get(`${row.candidate}/${row.ticket_id!.replace(/^'/, '')}`)!;
      return line.replace(/""$/, `"${verdict === 'cannot-judge' ? 'wrong' : verdict}"`);
    });
    const file = join(dir, 'filled.csv');
    await writeFile(file, `\uFEFF${filled.join('\r\n')}`);
    const agreement = await importLabels({ runDir: dir, file });
    expect(agreement.labelled).toBe(20);
    expect(agreement.judgeable).toBe(18);
    expect(agreement.kappa).toBe(1);
    expect(agreement.agreement).toBe(1);
    expect(agreement.confusion['cannot-judge']).toEqual({ correct: 0, partial: 0, wrong: 2, 'needs-human': 0 });
    expect(agreement.confusion.correct).toEqual({ correct: 11, partial: 0, wrong: 0, 'needs-human': 0 });
  });
});

describe('importLabels', () => {
  it('computes κ by hand on a small case, French labels included', async () => {
    const answers = [
      ...['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => judged('a', id, { judges: semantic(0.95) })),
      ...['p1', 'p2', 'p3'].map((id) => judged('a', id, { judges: semantic(0.6) })),
      ...['w1', 'w2'].map((id) => judged('a', id, { judges: semantic(0.1) })),
      judged('a', 'n1', { judges: [], verdict: 'cannot-judge' }),
      judged('a', 'unlabelled', { judges: semantic(0.95) }),
    ];
    const dir = await writeRun(answers);
    const file = await writeLabels(dir, [
      ['c1', 'a', 'correct'],
      ['c2', 'a', 'Correcte'],
      ['c3', 'a', 'juste'],
      ['c4', 'a', ' CORRECT '],
      ['c5', 'a', 'partielle'],
      ['p1', 'a', 'partiel'],
      ['p2', 'a', 'partial'],
      ['p3', 'a', 'faux'],
      ['w1', 'a', 'fausse'],
      ['w2', 'a', 'incorrect'],
      ['n1', 'a', 'correct'],
      ['unlabelled', 'a', ''],
    ]);
    const agreement: LabelAgreement = await importLabels({ runDir: dir, file });
    // Correct or not, over the 10 judgeable: automatic correct c1–c5, person correct c1–c4.
    // Observed 9/10 = 0.9. Chance 0.5·0.4 + 0.5·0.6 = 0.5. κ = (0.9 − 0.5) / (1 − 0.5) = 0.8.
    expect(agreement.labelled).toBe(11);
    expect(agreement.judgeable).toBe(10);
    expect(agreement.agreement).toBeCloseTo(0.9, 10);
    expect(agreement.kappa).toBeCloseTo(0.8, 10);
    expect(agreement.confusion).toEqual({
      correct: { correct: 4, partial: 1, wrong: 0, 'needs-human': 0 },
      partial: { correct: 0, partial: 2, wrong: 1, 'needs-human': 0 },
      wrong: { correct: 0, partial: 0, wrong: 2, 'needs-human': 0 },
      unverified: { correct: 0, partial: 0, wrong: 0, 'needs-human': 0 },
      'needs-action': { correct: 0, partial: 0, wrong: 0, 'needs-human': 0 },
      'cannot-judge': { correct: 1, partial: 0, wrong: 0, 'needs-human': 0 },
    });
    expect(agreement.recalibrated).toBeNull();
    expect(agreement.notRecalibrated).toMatch(/11 labels; at least 30/);
    const written = JSON.parse(await readFile(join(dir, 'label-agreement.json'), 'utf8')) as LabelAgreement;
    expect(written.kappa).toBeCloseTo(agreement.kappa!, 10);
    await expect(readFile(join(dir, 'verdict-rules.json'))).rejects.toThrow();
    expect(kappaReading(agreement.kappa!)).toBe('substantial');
  });

  it('reads needs-human in English and French, and corrects the rates with the labels', async () => {
    // Judged correct, sent to one-touch tickets (the tool automates them): c1–c4; judged wrong: w1, w2.
    const answer = (id: string, verdict: Verdict): JudgedTicket =>
      judgedTicket(id, { candidate: 'a', sent: true, answered: true, confidence: 0.9, verdict, outcome: 'automated', resolution: { contained: true, verified: verdict === 'correct' } });
    const answers = [...['c1', 'c2', 'c3', 'c4'].map((id) => answer(id, 'correct')), ...['w1', 'w2'].map((id) => answer(id, 'wrong'))];
    const dir = await writeRun(answers);
    const file = await writeLabels(dir, [
      ['c1', 'a', 'correct'],
      ['c2', 'a', 'Correcte'],
      ['c3', 'a', 'needs human'],
      ['c4', 'a', 'juste'],
      ['w1', 'a', 'faux'],
      ['w2', 'a', 'Humain'],
    ]);
    const agreement = await importLabels({ runDir: dir, file });
    expect(agreement.confusion.correct).toEqual({ correct: 3, wrong: 0, 'needs-human': 1, partial: 0 });
    expect(agreement.confusion.wrong).toEqual({ correct: 0, wrong: 1, 'needs-human': 1, partial: 0 });
    const [a] = agreement.corrected.candidates;
    // Every answer labelled: 3/4 of the judged-correct ones are automated for people, none of the
    // judged-wrong ones: (4/6)·(3/4) = 1/2, against the judge's 4/6.
    expect(a!.automation.verified.judge).toBeCloseTo(4 / 6, 10);
    expect(a!.automation.verified.corrected.estimate).toBeCloseTo(0.5, 10);
    expect(a!.precision).toEqual(wilsonInterval(3, 4));
    // φ = (1/2 − (2/3)(1/2)) / √((2/3)(1/3)(1/2)(1/2)) = √18/6.
    expect(a!.correlation).toBeCloseTo(Math.sqrt(18) / 6, 10);
    const written = JSON.parse(await readFile(join(dir, 'label-agreement.json'), 'utf8')) as LabelAgreement;
    expect(written.corrected).toEqual(agreement.corrected);
  });

  it('names the file and line of an unknown label', async () => {
    const dir = await writeRun([judged('a', 't1'), judged('a', 't2')]);
    const file = await writeLabels(dir, [
      ['t1', 'a', 'correct'],
      ['t2', 'a', 'maybe'],
    ]);
    await expect(importLabels({ runDir: dir, file })).rejects.toMatchObject({ code: 'SD_INPUT_INVALID', message: expect.stringContaining(`${file}:3: unknown label "maybe"; use correct, wrong or needs-human`) });
  });

  it('refits the thresholds when the defaults disagree with the people', async () => {
    // People call answers with 72 % of the agent's facts and meaning correct; the defaults (75 %, 0.8) call them partial.
    const answers = [
      ...Array.from({ length: 15 }, (_, i) => judged('a', `high${i}`, { judges: semantic(0.95) })),
      ...Array.from({ length: 15 }, (_, i) => judged('a', `planted${i}`, { judges: semantic(0.72) })),
      ...Array.from({ length: 10 }, (_, i) => judged('a', `mid${i}`, { judges: semantic(0.5) })),
      ...Array.from({ length: 10 }, (_, i) => judged('a', `low${i}`, { judges: semantic(0.1) })),
    ];
    expect(answers.filter((answer) => answer.ticketId.startsWith('planted')).every((answer) => answer.verdict === 'partial')).toBe(true);
    const dir = await writeRun(answers);
    const human = (id: string): string => (id.startsWith('high') || id.startsWith('planted') ? 'correct' : id.startsWith('mid') ? 'partial' : 'wrong');
    const file = await writeLabels(
      dir,
      answers.map((answer) => [answer.ticketId, 'a', human(answer.ticketId)] as const),
    );
    const agreement = await importLabels({ runDir: dir, file });
    // Before, correct or not: automatic 15 of 50, person 30 of 50, observed (15 + 10 + 10) / 50 = 0.7;
    // chance 0.3·0.6 + 0.7·0.4 = 0.46; κ = 0.24 / 0.54 ≈ 0.4444.
    expect(agreement.kappa).toBeCloseTo(0.24 / 0.54, 10);
    expect(agreement.recalibrated).not.toBeNull();
    expect(agreement.recalibrated!.kappa).toBe(1);
    // The nearest grid point to the defaults that separates 0.72 from 0.5, on both meaning and facts.
    expect(agreement.recalibrated!.rules).toEqual({ ...DEFAULT_VERDICT_RULES, correctSemantic: 0.7, minFactRecall: 0.6 });
    expect(JSON.parse(await readFile(join(dir, 'verdict-rules.json'), 'utf8'))).toEqual(agreement.recalibrated!.rules);
    expect(agreement.written.rules).toBe(join(dir, 'verdict-rules.json'));
  });
});

describe('labelOf', () => {
  it.each([
    ['correct', 'correct'],
    ['Correcte', 'correct'],
    ['wrong', 'wrong'],
    ['fausse', 'wrong'],
    ['needs-human', 'needs-human'],
    [' Needs Human ', 'needs-human'],
    ['needs_human', 'needs-human'],
    ['escalate', 'needs-human'],
    ['humain', 'needs-human'],
    ['Besoin humain', 'needs-human'],
    ['escalader', 'needs-human'],
    // The earlier protocol's middle label, still read from old files.
    ['partial', 'partial'],
    ['partielle', 'partial'],
  ])('reads "%s" as %s', (text, label) => {
    expect(labelOf(text)).toBe(label);
  });

  it('reads nothing else, in English or French', () => {
    expect(labelOf('maybe')).toBeUndefined();
    expect(labelOf('peut-être')).toBeUndefined();
    expect(labelOf('needs--')).toBeUndefined();
  });
});

describe('planLabels', () => {
  it('plans for the worst case with an assumed correlation before any label', () => {
    // 1.96²·0.25/0.05² = 384.16 → 385, ×(1 − 0.5²) = 288.12 → 289; at ±10: 96.04 → 97, 72.03 → 73.
    expect(planLabels(['a'], [])).toEqual([
      {
        candidate: 'a',
        rate: 0.5,
        correlation: ASSUMED_CORRELATION,
        measured: false,
        needs: [
          { halfWidth: 0.05, labelsAlone: 385, withJudge: 289 },
          { halfWidth: 0.1, labelsAlone: 97, withJudge: 73 },
        ],
      },
    ]);
  });

  it('plans with what earlier labels measured, at the rate of their interval nearest 0.5', () => {
    const [a, b, c] = planLabels(
      ['a', 'b', 'c'],
      [
        { candidate: 'a', correlation: 0.8, low: 0.1, high: 0.3 },
        { candidate: 'b', correlation: null, low: 0.4, high: 0.7 },
      ],
    );
    // 1.96²·0.3·0.7/0.05² = 322.69 → 323; ×0.36 = 116.17 → 117.
    expect(a).toMatchObject({ rate: 0.3, correlation: 0.8, measured: true });
    expect(a!.needs[0]).toEqual({ halfWidth: 0.05, labelsAlone: 323, withJudge: 117 });
    expect(b).toMatchObject({ rate: 0.5, correlation: ASSUMED_CORRELATION, measured: false });
    expect(c).toMatchObject({ rate: 0.5, measured: false });
  });
});

describe('the planner in label export', () => {
  it('assumes before the first import, then plans with the correlation the labels measured', async () => {
    const answers = [
      ...Array.from({ length: 6 }, (_, i) => judged('a', `c${i}`, { judges: semantic(0.95) })),
      ...Array.from({ length: 4 }, (_, i) => judged('a', `w${i}`, { judges: semantic(0.1), verdict: 'wrong' })).map((answer) => ({ ...answer, resolution: { ...answer.resolution, verified: false } })),
    ];
    const dir = await writeRun(answers);
    const first = await exportLabelSample({ runDir: dir, size: 10 });
    expect(first.plan).toEqual(planLabels(['a'], []));
    const file = await writeLabels(dir, [
      ['c0', 'a', 'correct'],
      ['c1', 'a', 'correct'],
      ['c2', 'a', 'wrong'],
      ['w0', 'a', 'wrong'],
      ['w1', 'a', 'humain'],
      ['w2', 'a', 'correct'],
    ]);
    const agreement = await importLabels({ runDir: dir, file });
    const [measured] = agreement.corrected.candidates;
    expect(measured!.correlation).not.toBeNull();
    const second = await exportLabelSample({ runDir: dir, size: 10 });
    expect(second.plan[0]).toMatchObject({ measured: true, correlation: measured!.correlation });
  });

  it('refuses an earlier agreement file it cannot read, naming it', async () => {
    const dir = await writeRun([judged('a', 't1')]);
    await writeFile(join(dir, 'label-agreement.json'), '{"corrected": {"candidates": [{"candidate": 1}]}}');
    await expect(exportLabelSample({ runDir: dir })).rejects.toMatchObject({ code: 'SD_INPUT_INVALID', message: expect.stringContaining(join(dir, 'label-agreement.json')) });
  });
});
