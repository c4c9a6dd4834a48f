import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isShadowdeskError, ShadowdeskError } from '../../errors.ts';
import { parseConfig } from '../config/config-file.ts';
import type { LabelCorrection } from '../metrics/corrected-rates.ts';
import { VERDICTS } from '../judges/types.ts';

/** Written by `label import`, read by every report of the run. */
export const AGREEMENT_FILE = 'label-agreement.json';

/**
 * What people's labels say about a run, as its report holds it: read from the label-agreement.json
 * `shadowdesk label import` writes into the run folder. The file is checked, since the report's
 * headline and its costs rest on it: a damaged or foreign file stops the report rather than vanish.
 */
export interface LabelsInRun {
  /** Answers people labelled. */
  labelled: number;
  /** Cohen's κ on correct-or-not between the judge and people; null without a judgeable label. */
  kappa: number | null;
  /** Every candidate's headline rates, as the judge gives them and as the labels correct them. */
  corrected: LabelCorrection;
}

const share = z.number().min(0).max(1).nullable();
const count = z.number().int().min(0);

const CorrectedRateSchema = z.object({ estimate: share, low: share, high: share, standardError: z.number().min(0).nullable(), n: count, N: count });
const FigureSchema = z.object({ judge: share, corrected: CorrectedRateSchema });

const CorrectionSchema = z.object({
  method: z.literal('stratified-by-verdict'),
  confidence: z.literal(0.95),
  candidates: z.array(
    z.object({
      candidate: z.string(),
      tickets: count,
      labelled: count,
      // Checked against the verdicts so reports can print them as they are.
      unlabelledVerdicts: z.array(z.enum(VERDICTS)),
      automation: z.object({ contained: share, verified: FigureSchema, confirmed: FigureSchema }),
      accuracy: FigureSchema,
      wrongRate: FigureSchema,
      precision: z.object({ value: share, low: share, high: share, successes: count, trials: count }),
      recall: CorrectedRateSchema,
      correlation: z.number().min(-1).max(1).nullable(),
    }),
  ),
}) satisfies z.ZodType<LabelCorrection, unknown>;

const AgreementSchema = z.object({ labelled: count, kappa: z.number().min(-1).max(1).nullable(), corrected: CorrectionSchema }) satisfies z.ZodType<LabelsInRun, unknown>;

/** The run's label agreement; undefined when no labels were imported into it. */
export async function readLabelsInRun(runDir: string): Promise<LabelsInRun | undefined> {
  const file = join(runDir, AGREEMENT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ShadowdeskError('SD_INPUT_INVALID', `${file}: cannot read the label agreement (${(cause as Error).message})`, { cause });
  }
  try {
    return parseConfig(text, file, AgreementSchema, { what: 'label agreement' });
  } catch (cause) {
    if (!isShadowdeskError(cause)) throw cause;
    // Files written before label-corrected rates existed lack `corrected` too: the same fix applies.
    throw new ShadowdeskError('SD_INPUT_INVALID', `${cause.message}\n${file} is not a label agreement this shadowdesk reads; import the labels again with \`shadowdesk label import ${runDir} LABELS.csv\`, or delete it`, { cause });
  }
}
