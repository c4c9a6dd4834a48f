import { existsSync } from 'node:fs';
import { ShadowdeskError } from '../../errors.ts';
import { loadSimulationConfig, REPORT_FORMATS, withAssumptions, type Assumptions, type CostAssumptions, type DecisionInputs, type ReportFormat, type Strictness } from '../../index.ts';
import { isShare, numberFlag } from '../_cli.ts';

/** The flags `report`, `price` and `simulate` share: the decision's assumptions and the report formats. */

const STRICTNESS = ['contained', 'verified', 'confirmed'] as const;

export function strictnessOf(value: string): Strictness {
  if (!(STRICTNESS as readonly string[]).includes(value)) throw new ShadowdeskError('SD_INPUT_INVALID', `--strictness ${value}: expected one of ${STRICTNESS.join(', ')}`);
  return value as Strictness;
}

export function formatsOf(value: string): ReportFormat[] {
  const formats = value.split(',').map((format) => format.trim());
  const unknown = formats.filter((format) => !(REPORT_FORMATS as string[]).includes(format));
  if (unknown.length > 0) throw new ShadowdeskError('SD_INPUT_INVALID', `--formats: unknown ${unknown.join(', ')}; choose from ${REPORT_FORMATS.join(', ')}`);
  return formats as ReportFormat[];
}

/** Picked up without `--config` when present in the working directory, as `simulate` does. */
const DEFAULT_CONFIG = 'shadowdesk.yaml';

/** The flags that set the decision's assumptions; `report` and `price` take them, and `simulate` can. */
export const DECISION_ARGS = {
  config: { type: 'string', description: `A shadowdesk.yaml whose \`decision\` section sets the assumptions below (default: ./${DEFAULT_CONFIG} when present)` },
  pricing: { type: 'string', description: 'Pricing file (YAML/JSON; default: decision.pricing in shadowdesk.yaml, else the shipped vendor presets; `shadowdesk price --help` says where they are)' },
  strictness: { type: 'string', description: 'What a billed and quoted resolution is: contained, verified or confirmed (default: verified)' },
  volume: { type: 'string', description: "Tickets a month the decision plans for (default: the history's average month)" },
  'human-cost': { type: 'string', description: 'What one ticket handled by a person costs, e.g. 4.5 (default: the pricing file’s)' },
  growth: { type: 'string', description: 'Monthly volume growth over the 12 months, e.g. 2% or 0.02 (default: the pricing file’s)' },
  threshold: { type: 'string', description: 'Send threshold 0–1: answers below it are not sent (default 0: as in the run)' },
} as const;

type DecisionFlags = { [key in keyof typeof DECISION_ARGS]?: string | undefined };

export interface DecisionSettings {
  strictness: Strictness;
  pricingFile?: string;
  /** Human cost and growth as set by flag or shadowdesk.yaml: the history's costs use them too, so every all-human figure is one. */
  costs: CostAssumptions;
  /** Applies the flags and shadowdesk.yaml over the run's own assumptions, saying where each came from. */
  apply(inputs: DecisionInputs): DecisionInputs;
}

/** The decision's assumptions from the flags, then shadowdesk.yaml's `decision` section. */
export async function decisionSettings(args: DecisionFlags): Promise<DecisionSettings> {
  if (args.config !== undefined && !existsSync(args.config)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `--config ${args.config}: no such file`);
  const file = args.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  const fromFile = file ? ((await loadSimulationConfig(file)).decision ?? {}) : {};
  const flags: Partial<Assumptions> = {
    monthlyTickets: numberFlag(args.volume, '--volume', (number) => number > 0, 'a number of tickets above 0'),
    humanCostPerTicket: numberFlag(args['human-cost'], '--human-cost', (number) => number >= 0, 'an amount ≥ 0, e.g. 4.5'),
    growth: numberFlag(args.growth, '--growth', (number) => number > -1, 'a monthly share above -100%, e.g. 2% or 0.02'),
    threshold: numberFlag(args.threshold, '--threshold', isShare, 'a confidence from 0 to 1'),
    ...(args.strictness !== undefined && { strictness: strictnessOf(args.strictness) }),
  };
  const FLAG_NAMES: Record<keyof Assumptions, string> = { monthlyTickets: '--volume', humanCostPerTicket: '--human-cost', growth: '--growth', strictness: '--strictness', threshold: '--threshold' };
  const { pricing, ...assumed } = fromFile;
  const strictness = flags.strictness ?? assumed.strictness ?? 'verified';
  const pricingFile = args.pricing ?? pricing;
  const humanCostPerTicket = flags.humanCostPerTicket ?? assumed.humanCostPerTicket;
  const growth = flags.growth ?? assumed.growth;
  return {
    strictness,
    ...(pricingFile !== undefined && { pricingFile }),
    costs: { ...(humanCostPerTicket !== undefined && { humanCostPerTicket }), ...(growth !== undefined && { growth }) },
    apply: (inputs) =>
      withAssumptions(withAssumptions(inputs, assumed, () => `${file} decision section`), flags, (key) => FLAG_NAMES[key]),
  };
}
