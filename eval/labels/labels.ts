import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readCsv } from '../../datasets/io/csv.ts';
import { Random } from '../../datasets/text/random.ts';
import { foldText } from '../../datasets/text/fold.ts';
import { ShadowdeskError } from '../../errors.ts';
import { readJsonl } from '../../pipelines/workspace.ts';
import { correctRates, type LabelCorrection } from '../metrics/corrected-rates.ts';
import { HUMAN_LABELS, type HumanLabel } from './human-labels.ts';
import { JUDGED_FILE } from '../judges/judge-run.ts';
import { AGREEMENT_FILE } from './in-run.ts';
import { VERDICTS, type JudgedTicket, type Verdict } from '../judges/types.ts';
import { DEFAULT_VERDICT_RULES, verdictOf, type VerdictRules } from '../judges/verdict.ts';
import { labelsForHalfWidth, type LabelsNeeded } from '../metrics/ppi.ts';
import { readReport } from '../metrics/run-report.ts';

/**
 * The labelling loop: people label a sample of a run's answers in a spreadsheet, and the labels
 * measure how far the automatic verdicts can be trusted (Cohen's κ, precision of automated),
 * correct the headline rates (corrected-rates.ts) and refit the verdict thresholds.
 */

export { HUMAN_LABELS, type HumanLabel } from './human-labels.ts';

export const LABELS_FILE = 'labels.csv';
export const RULES_FILE = 'verdict-rules.json';

/** Below this, a threshold search fits noise rather than the people's judgement. */
export const MIN_LABELS_TO_RECALIBRATE = 30;
/** Every non-empty stratum gets this many rows (or all it has), so rare verdicts are seen too. */
const MIN_PER_STRATUM = 3;

/** What people may type, accents, case, spaces and underscores aside; French because the first brands are French. */
const LABEL_SYNONYMS: Record<string, HumanLabel> = {
  correct: 'correct',
  correcte: 'correct',
  juste: 'correct',
  wrong: 'wrong',
  faux: 'wrong',
  fausse: 'wrong',
  incorrect: 'wrong',
  incorrecte: 'wrong',
  'needs-human': 'needs-human',
  human: 'needs-human',
  escalate: 'needs-human',
  humain: 'needs-human',
  'besoin-humain': 'needs-human',
  escalader: 'needs-human',
  partial: 'partial',
  partiel: 'partial',
  partielle: 'partial',
};

const COLUMNS = ['ticket_id', 'candidate', 'customer_message', 'human_reply', 'ai_answer', 'label'] as const;

export type ConfusionMatrix = Record<Verdict, Record<HumanLabel, number>>;

export interface Recalibration {
  rules: VerdictRules;
  /** κ of the verdicts these rules give on the labelled answers. */
  kappa: number;
}

export interface LabelAgreement {
  /** The labels file read. */
  file: string;
  /** Rows with a label. */
  labelled: number;
  /** Labelled answers the judges could judge (automatic verdict other than cannot-judge). */
  judgeable: number;
  /** Share of judgeable answers where the automatic verdict equals the label; null without any. */
  agreement: number | null;
  /** Cohen's κ over the judgeable answers; null without any. */
  kappa: number | null;
  /** Automatic verdict (rows) × human label (columns). */
  confusion: ConfusionMatrix;
  recalibrated: Recalibration | null;
  /** Why there is no recalibration. */
  notRecalibrated?: string;
  /** Every candidate's headline rates, as judged and as the labels correct them. */
  corrected: LabelCorrection;
  /** Where the agreement and, when recalibrated, the rules were written. */
  written: { agreement: string; rules?: string };
}

/** Half-widths the planner counts labels for: ±5 and ±10 points. */
const PLAN_HALF_WIDTHS = [0.05, 0.1] as const;
/** The judge–person correlation planned with before any label is imported: a middling judge, shown as assumed. */
export const ASSUMED_CORRELATION = 0.5;

/** What labels imported earlier say about a candidate, for planning the next batch. */
export interface PlanEvidence {
  candidate: string;
  correlation: number | null;
  /** The corrected automation (verified) interval. */
  low: number | null;
  high: number | null;
}

/** How many labels one candidate's automation rate needs for a given precision. */
export interface LabelPlan {
  candidate: string;
  /** Rate planned for: 0.5, the worst case, without labels; else the value of the last corrected interval nearest 0.5. */
  rate: number;
  /** Judge–person correlation planned with. */
  correlation: number;
  /** Measured on labels imported before; otherwise ASSUMED_CORRELATION. */
  measured: boolean;
  /** At ±5 and ±10 points. */
  needs: LabelsNeeded[];
}

function keyOf(candidate: string, ticketId: string): string {
  return `${candidate}\u0000${ticketId}`;
}

async function readJudged(runDir: string): Promise<JudgedTicket[]> {
  const file = join(runDir, JUDGED_FILE);
  try {
    await access(file);
  } catch (cause) {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${file}: no judged answers; run \`shadowdesk report ${runDir}\` first`, { cause });
  }
  const judged: JudgedTicket[] = [];
  for await (const ticket of readJsonl<JudgedTicket>(file)) judged.push(ticket);
  return judged;
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * How many rows each stratum gets: a floor of MIN_PER_STRATUM, then one row at a time to the
 * stratum furthest below its proportional share, so the total stays `size`.
 */
export function allocate(sizes: readonly number[], size: number): number[] {
  const total = sizes.reduce((sum, n) => sum + n, 0);
  const target = Math.min(size, total);
  const quotas = sizes.map(() => 0);
  let given = 0;
  // The floor, round-robin, in case `size` cannot give every stratum its floor.
  for (let round = 0; round < MIN_PER_STRATUM && given < target; round++) {
    sizes.forEach((n, index) => {
      if (given < target && quotas[index]! < n) {
        quotas[index]!++;
        given++;
      }
    });
  }
  while (given < target) {
    let best = -1;
    let bestDeficit = -Infinity;
    sizes.forEach((n, index) => {
      const deficit = (target * n) / total - quotas[index]!;
      if (quotas[index]! < n && deficit > bestDeficit) {
        best = index;
        bestDeficit = deficit;
      }
    });
    quotas[best]!++;
    given++;
  }
  return quotas;
}

/** A spreadsheet must show a cell as text, never run it as a formula (CSV injection). */
function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function undefuse(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => `"${defuse(cell).replaceAll('"', '""')}"`).join(',');
}

/**
 * Labels each candidate needs for its automation rate at ±5 and ±10 points. The planned rate and
 * correlation come from labels imported before when there are; the rate nearest 0.5 within their
 * interval is taken, as p(1 − p) is largest there. Without labels the count is for the worst case
 * and the correlation is assumed. The counts ignore that unanswered tickets need no label, so
 * they are upper bounds.
 */
export function planLabels(candidates: readonly string[], evidence: readonly PlanEvidence[]): LabelPlan[] {
  return candidates.map((candidate) => {
    const known = evidence.find((entry) => entry.candidate === candidate);
    const rate = known?.low != null && known.high != null ? Math.min(known.high, Math.max(known.low, 0.5)) : 0.5;
    const measured = known?.correlation != null;
    const correlation = known?.correlation ?? ASSUMED_CORRELATION;
    return { candidate, rate, correlation, measured, needs: PLAN_HALF_WIDTHS.map((halfWidth) => labelsForHalfWidth(halfWidth, { rate, correlation })) };
  });
}

/** The part of an earlier label-agreement.json the planner reads; files written before `corrected` existed have none. */
const EarlierAgreementSchema = z.object({
  corrected: z
    .object({
      candidates: z.array(
        z.object({
          candidate: z.string(),
          correlation: z.number().nullable(),
          automation: z.object({ verified: z.object({ corrected: z.object({ low: z.number().nullable(), high: z.number().nullable() }) }) }),
        }),
      ),
    })
    .optional(),
});

async function readPlanEvidence(runDir: string): Promise<PlanEvidence[]> {
  const file = join(runDir, AGREEMENT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  let earlier: z.infer<typeof EarlierAgreementSchema>;
  try {
    earlier = EarlierAgreementSchema.parse(JSON.parse(text));
  } catch (cause) {
    throw new ShadowdeskError('SD_INPUT_INVALID', `${file}: not a label agreement written by \`shadowdesk label import\`; delete it or import the labels again`, { cause });
  }
  return (earlier.corrected?.candidates ?? []).map(({ candidate, correlation, automation }) => ({ candidate, correlation, ...automation.verified.corrected }));
}

/**
 * Writes a stratified sample of a run's produced answers (candidate × automatic verdict) as
 * labels.csv for people to label. The verdict itself is left out and the rows shuffled, so
 * nobody anchors on what the judges said. Also returns how many labels each candidate's
 * automation rate needs, from the labels imported before if any.
 */
export async function exportLabelSample({ runDir, size = 200, seed = 42 }: { runDir: string; size?: number; seed?: number }): Promise<{ file: string; rows: number; plan: LabelPlan[] }> {
  if (!Number.isInteger(size) || size < 1) throw new ShadowdeskError('SD_INPUT_INVALID', `--size ${size}: expected a whole number of at least 1`);
  const all = await readJudged(runDir);
  const plan = planLabels([...new Set(all.map((ticket) => ticket.candidate))], await readPlanEvidence(runDir));
  const judged = all.filter((ticket) => ticket.answered);
  const report = await readReport(join(runDir, 'report.json'));
  const tickets = new Map(report.tickets.map((ticket) => [ticket.ticketId, ticket]));

  const strata = new Map<string, JudgedTicket[]>();
  for (const ticket of judged) {
    const key = keyOf(ticket.candidate, ticket.verdict);
    strata.set(key, [...(strata.get(key) ?? []), ticket]);
  }
  const groups = [...strata.keys()].sort().map((key) => strata.get(key)!);
  const quotas = allocate(
    groups.map((group) => group.length),
    size,
  );
  const random = new Random(seed);
  const sample = shuffle(
    groups.flatMap((group, index) => shuffle([...group], random).slice(0, quotas[index])),
    random,
  );

  const lines = [csvLine(COLUMNS)];
  for (const answer of sample) {
    const ticket = tickets.get(answer.ticketId);
    const text = ticket?.answers.find((entry) => entry.candidate === answer.candidate)?.text ?? '';
    lines.push(csvLine([answer.ticketId, answer.candidate, ticket?.question ?? '', ticket?.humanReply ?? '', text, '']));
  }
  const file = join(runDir, LABELS_FILE);
  await writeFile(file, `\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  return { file, rows: sample.length, plan };
}

/** What a person meant by a label, or undefined when it is none of the known words. */
export function labelOf(text: string): HumanLabel | undefined {
  const word = foldText(text).trim().replace(/[\s_]+/g, '-');
  return LABEL_SYNONYMS[word];
}

function emptyMatrix(): ConfusionMatrix {
  return Object.fromEntries(VERDICTS.map((verdict) => [verdict, Object.fromEntries(HUMAN_LABELS.map((label) => [label, 0]))])) as ConfusionMatrix;
}

interface Pair {
  automatic: Verdict;
  human: HumanLabel;
}

/**
 * Cohen's κ of "correct or not" between the verdict and the label: (observed − chance agreement)
 * / (1 − chance agreement). Correct is the class every headline rate counts, and the other
 * verdicts (partial, unverified, needs-action) have no label of the same name to agree with.
 * Cannot-judge answers are left out. When chance agreement is already total (one class on both
 * sides), κ is 1 if they agree and 0 otherwise.
 */
export function cohenKappa(pairs: readonly Pair[]): number | null {
  const judgeable = pairs.filter((pair) => pair.automatic !== 'cannot-judge');
  const n = judgeable.length;
  if (n === 0) return null;
  const observed = judgeable.filter(agrees).length / n;
  const automatic = judgeable.filter((pair) => pair.automatic === 'correct').length / n;
  const human = judgeable.filter((pair) => pair.human === 'correct').length / n;
  const chance = automatic * human + (1 - automatic) * (1 - human);
  if (chance >= 1) return observed === 1 ? 1 : 0;
  return (observed - chance) / (1 - chance);
}

/** The verdict and the label agree on whether the answer is correct. */
function agrees(pair: Pair): boolean {
  return (pair.automatic === 'correct') === (pair.human === 'correct');
}

/** Landis & Koch's words for a κ, so a reader knows what 0.47 means. */
export function kappaReading(kappa: number): string {
  if (kappa < 0) return 'poor (worse than chance)';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

const GRID = {
  correctSemantic: [0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
  wrongSemantic: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
  minFactRecall: [0.5, 0.6, 0.75, 0.9, 1],
  minGrounding: [0.5, 0.6, 0.75, 0.9, 1],
} as const;

function distance(rules: VerdictRules): number {
  return (Object.keys(GRID) as Array<keyof VerdictRules>).reduce((sum, key) => sum + Math.abs(rules[key] - DEFAULT_VERDICT_RULES[key]), 0);
}

/**
 * The grid's rules whose verdicts agree best with the labels. Ties go to the rules closest to
 * the defaults, so thresholds move only when the labels ask for it. A stored cannot-judge stays
 * one: no threshold changes a missing reference, an empty answer or judges that all abstained.
 */
function recalibrate(labelled: ReadonlyArray<{ ticket: JudgedTicket; human: HumanLabel }>): Recalibration {
  const grid: VerdictRules[] = [];
  for (const correctSemantic of GRID.correctSemantic)
    for (const wrongSemantic of GRID.wrongSemantic)
      for (const minFactRecall of GRID.minFactRecall)
        for (const minGrounding of GRID.minGrounding) if (wrongSemantic < correctSemantic) grid.push({ correctSemantic, wrongSemantic, minFactRecall, minGrounding, sameWording: DEFAULT_VERDICT_RULES.sameWording });
  grid.sort((a, b) => distance(a) - distance(b));
  let best: Recalibration | undefined;
  for (const rules of grid) {
    const pairs = labelled.map(({ ticket, human }) => ({
      human,
      automatic: ticket.verdict === 'cannot-judge' ? ticket.verdict : verdictOf({ judges: ticket.judges, hasReference: true }, rules),
    }));
    const kappa = cohenKappa(pairs) ?? 0;
    if (!best || kappa > best.kappa + 1e-12) best = { rules, kappa };
  }
  return best!;
}

/**
 * Reads a labels file filled by people, measures the automatic verdicts against it, corrects
 * every candidate's headline rates with it and, with enough labels, refits the verdict
 * thresholds. Writes label-agreement.json and, when refitted, verdict-rules.json in the run folder.
 */
export async function importLabels({ runDir, file }: { runDir: string; file: string }): Promise<LabelAgreement> {
  try {
    await access(file);
  } catch (cause) {
    throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${file}: cannot read the labels file; write one with \`shadowdesk label export ${runDir}\`, fill its label column, then import it`, { cause });
  }
  const all = await readJudged(runDir);
  const judged = new Map(all.map((ticket) => [keyOf(ticket.candidate, ticket.ticketId), ticket]));
  const labelled: Array<{ ticket: JudgedTicket; human: HumanLabel }> = [];
  const seen = new Set<string>();
  for await (const item of readCsv(file)) {
    if (item.type === 'error') throw new ShadowdeskError('SD_INPUT_INVALID', `${file}:${item.line}: ${item.reason}`);
    const { row, line } = item;
    if (!('label' in row && 'ticket_id' in row && 'candidate' in row)) {
      throw new ShadowdeskError('SD_INPUT_INVALID', `${file}: expected the columns ticket_id, candidate and label (as written by \`shadowdesk label export\`)`);
    }
    const text = row.label?.trim() ?? '';
    if (text === '') continue;
    const human = labelOf(text);
    if (!human) throw new ShadowdeskError('SD_INPUT_INVALID', `${file}:${line}: unknown label "${text}"; use correct, wrong or needs-human (or correcte, faux, humain)`);
    const ticketId = undefuse(row.ticket_id ?? '');
    const candidate = undefuse(row.candidate ?? '');
    const key = keyOf(candidate, ticketId);
    const ticket = judged.get(key);
    if (!ticket) throw new ShadowdeskError('SD_INPUT_INVALID', `${file}:${line}: ticket ${ticketId} answered by ${candidate} is not in the run's judged answers`);
    if (seen.has(key)) throw new ShadowdeskError('SD_INPUT_INVALID', `${file}:${line}: ticket ${ticketId} answered by ${candidate} is labelled twice`);
    seen.add(key);
    labelled.push({ ticket, human });
  }

  const pairs = labelled.map(({ ticket, human }) => ({ automatic: ticket.verdict, human }));
  const confusion = emptyMatrix();
  for (const { automatic, human } of pairs) confusion[automatic][human]++;
  const judgeable = pairs.filter((pair) => pair.automatic !== 'cannot-judge');
  const enough = labelled.length >= MIN_LABELS_TO_RECALIBRATE;
  const kappa = cohenKappa(pairs);
  const refit = enough && judgeable.length > 0 ? recalibrate(labelled) : null;
  // Rules that agree no better than the verdicts as judged are not worth writing.
  const recalibrated = refit && refit.kappa > (kappa ?? -1) + 1e-12 ? refit : null;
  const agreementFile = join(runDir, AGREEMENT_FILE);
  const rulesFile = join(runDir, RULES_FILE);
  const result: LabelAgreement = {
    file,
    labelled: labelled.length,
    judgeable: judgeable.length,
    agreement: judgeable.length > 0 ? judgeable.filter(agrees).length / judgeable.length : null,
    kappa,
    confusion,
    recalibrated,
    ...(!recalibrated && {
      notRecalibrated: !enough
        ? `${labelled.length} labels; at least ${MIN_LABELS_TO_RECALIBRATE} are needed to refit the thresholds`
        : refit
          ? 'no thresholds agree better with these labels than the verdicts as judged'
          : 'none of the labelled answers could be judged',
    }),
    corrected: correctRates(all, labelled),
    written: { agreement: agreementFile, ...(recalibrated && { rules: rulesFile }) },
  };
  await writeFile(agreementFile, `${JSON.stringify(result, null, 2)}\n`, 'utf8');
  if (recalibrated) await writeFile(rulesFile, `${JSON.stringify(recalibrated.rules, null, 2)}\n`, 'utf8');
  return result;
}
