import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ShadowdeskError } from '../../errors.ts';
import { readConfig } from './config-file.ts';
import { JUDGES } from '../judges/index.ts';
import { COMPUTING_CONCURRENCY } from '../replay/concurrency.ts';
import type { LlmJudgeOptions } from '../judges/llm-judge.ts';
import type { ResponderDefinition } from '../responders/define.ts';
import { builtinCandidates, RESPONDERS, responderIn, type ResponderMap, type ResponderName } from '../responders/index.ts';
import type { Responder } from '../types.ts';

/** The simulation config: the candidates to compare and which tickets they answer. */

type CandidateOf<D> = D extends ResponderDefinition<infer Name, infer Options> ? { type: Name } & z.output<Options> : never;
export type CandidateConfig = CandidateOf<(typeof RESPONDERS)[ResponderName]>;

/** One config entry per candidate kind of the map, told apart by `type`: the kind's own settings and nothing else. */
export function candidateSchemaOf(map: ResponderMap = RESPONDERS) {
  const [first, ...rest] = Object.values(map).map((definition) => z.strictObject({ type: z.literal(definition.name), ...definition.options.shape }));
  if (!first) throw new ShadowdeskError('SD_INPUT_INVALID', 'no candidate kind is registered');
  return z.discriminatedUnion('type', [first, ...rest]);
}

export const CandidateSchema = candidateSchemaOf() as unknown as z.ZodType<CandidateConfig>;

/**
 * The assumptions the report's decision section is computed under; `report` and `price` flags
 * override them, and the history and the pricing file fill in what is left out.
 */
export const DecisionConfigSchema = z.strictObject({
  /** Tickets a month to plan for (default: the history's average month). */
  monthlyTickets: z.number().positive().optional(),
  /** What one ticket handled by a person costs (default: the pricing file's human cost). */
  humanCostPerTicket: z.number().min(0).optional(),
  /** Monthly compound growth of the volume, e.g. 0.02 for 2 % a month (default: the pricing file's). */
  growth: z.number().gt(-1).optional(),
  /** What a billed and quoted resolution is (default: verified). */
  strictness: z.enum(['contained', 'verified', 'confirmed']).optional(),
  /** Send threshold: answers below this confidence are not sent (default 0: as in the run). */
  threshold: z.number().min(0).max(1).optional(),
  /** A pricing file (YAML or JSON, relative to this config) with your plans and prices (default: the shipped presets). */
  pricing: z.string().min(1).optional(),
});
export type DecisionConfig = z.infer<typeof DecisionConfigSchema>;

/** The sample's seed when neither the config nor a flag sets one. */
export const DEFAULT_SEED = 42;

/** The whole config, with `candidate` as the schema of one entry of its candidates. */
export function simulationConfigSchemaOf<Candidate extends z.ZodType>(candidate: Candidate) {
  return z.strictObject({
  /** Editors read the JSON Schema from here. */
  $schema: z.string().optional(),
  candidates: z.array(candidate).min(1),
  selection: z
    .strictObject({
      holdoutDays: z.number().int().positive().optional().describe('Replay only the last N days of the history'),
      sample: z.number().int().positive().optional().describe('Replay a seeded random sample of N tickets'),
      seed: z.number().int().optional().describe(`Seed of the sample (default ${DEFAULT_SEED})`),
    })
    .optional(),
  concurrency: z.number().int().positive().max(256).optional().describe(`Tickets answered at once (default ${COMPUTING_CONCURRENCY} when every candidate computes locally; with an LLM candidate, four times its concurrency)`),
  refitEvery: z.number().int().positive().optional().describe('Refit the built-in model every N days of the replay window: each period is answered with a model fitted before its start (default: one model, fitted before the window; not with --shard)'),
  /** An LLM rubric judge next to the deterministic judges. */
  judge: z.strictObject({ llm: JUDGES.llm.options }).optional(),
  /** A helpdesk rules file (YAML or JSON, relative to this config): the rules fire first on every ticket, as in the helpdesk. */
  rules: z.string().min(1).optional(),
  /** What the report's decision section assumes: volume, human cost, growth, strictness, threshold, prices. */
  decision: DecisionConfigSchema.optional(),
  });
}

export const SimulationConfigSchema = simulationConfigSchemaOf(CandidateSchema);
export type SimulationConfig = z.infer<typeof SimulationConfigSchema>;

export async function loadSimulationConfig(file: string): Promise<SimulationConfig> {
  const config = await readConfig(file, SimulationConfigSchema);
  const pricing = config.decision?.pricing;
  return {
    ...config,
    ...(config.rules && { rules: resolve(dirname(file), config.rules) }),
    ...(config.decision && pricing && { decision: { ...config.decision, pricing: resolve(dirname(file), pricing) } }),
  };
}

/** The LLM judge a config declares, with its cache under the workspace. */
export function llmJudgeOf(config: SimulationConfig | undefined, workspace: string): LlmJudgeOptions | undefined {
  const llm = config?.judge?.llm;
  if (!llm) return undefined;
  const { redact, cache, ...endpoint } = llm;
  return { endpoint, ...(redact !== undefined && { redact }), ...(cache && { cacheDir: join(workspace, 'llm-cache') }) };
}

/**
 * The responders a config declares, in its order. LLM responses are cached under the workspace,
 * so a CI re-run sends nothing.
 */
export function createCandidates(config: SimulationConfig, workspace: string, map: ResponderMap = RESPONDERS): Responder[] {
  const declared = new Map<string, CandidateConfig>();
  config.candidates.forEach((candidate, index) => {
    const name = candidate.id ?? candidate.type;
    if (declared.has(name)) throw new ShadowdeskError('SD_INPUT_INVALID', `candidates[${index}].id: "${name}" is declared twice; give each candidate its own id`);
    declared.set(name, candidate);
  });
  const building = new Set<string>();
  const build = (name: string, where: string): Responder => {
    const candidate = declared.get(name);
    if (!candidate) {
      const builtins = builtinCandidates(map);
      if (builtins.includes(name)) return responderIn(map, name);
      throw new ShadowdeskError('SD_INPUT_INVALID', `${where}: no candidate "${name}"; declare it or use a built-in: ${builtins.join(', ')}`);
    }
    if (building.has(name)) throw new ShadowdeskError('SD_INPUT_INVALID', `${where}: composite "${name}" contains itself`);
    building.add(name);
    try {
      const { type, ...options } = candidate;
      const definition = map[type];
      if (!definition) throw new ShadowdeskError('SD_INPUT_INVALID', `${where}.type: no candidate kind "${type}"; kinds: ${Object.keys(map).join(', ')}`);
      return definition.create(options, { workspace, candidate: (part, at) => build(part, `${name}.${at}`) });
    } finally {
      building.delete(name);
    }
  };
  // Each candidate carries the settings it was declared with: a changed model, prompt or threshold under the same id is another run.
  return [...declared].map(([name, settings]) => ({ ...build(name, `candidate "${name}"`), config: settings }));
}
