import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ShadowdeskError } from '../errors.ts';
import { readConfig } from './config-file.ts';
import { createCompositeResponder } from './responders/composite.ts';
import { RESPONDERS, responderFor } from './responders/index.ts';
import { createKnowledgeBaseResponder } from './responders/knowledge-base.ts';
import { createLlmResponder } from './responders/llm.ts';
import { createMacroResponder } from './responders/macro.ts';
import { createOracleResponder } from './responders/oracle.ts';
import { createPastTicketResponder } from './responders/past-ticket.ts';
import type { LlmJudgeOptions } from './judges/llm-judge.ts';
import type { Responder } from './types.ts';

/** The simulation config: the candidates to compare and which tickets they answer. */

const id = z.string().regex(/^[\w.:-]+$/, 'use letters, digits and . _ : - only (it names files and report columns)');
const threshold = z.number().min(0).max(1).optional();

const BuiltinCandidate = z.strictObject({
  id: id.optional(),
  type: z.enum(['past-ticket', 'knowledge-base', 'macro']),
  /** Below this confidence the candidate escalates. */
  minConfidence: threshold,
  /** Macro only: who signs `{{current_user.firstname}}`. */
  agentName: z.string().optional(),
});

/** Sends the agent's own reply: the judges' noise floor, not a candidate to deploy. Its id is always `oracle`, which reports look for. */
const OracleCandidate = z.strictObject({ id: z.literal('oracle').optional(), type: z.literal('oracle') });

const CompositeCandidate = z.strictObject({
  id,
  type: z.literal('composite'),
  /** Other candidates of this file (by id) or built-in names. */
  parts: z.array(z.string()).min(1),
});

/** How to reach an OpenAI-compatible endpoint: shared by the LLM candidate and the LLM judge. */
const LLM_ENDPOINT = {
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as OPENAI_API_KEY').optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  retryBaseMs: z.number().int().min(0).optional(),
  concurrency: z.number().int().positive().max(256).optional(),
  requestsPerMinute: z.number().positive().optional(),
  maxRetryAfterSeconds: z.number().min(0).optional(),
  price: z.strictObject({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) }).optional(),
  redact: z.boolean().optional(),
  cache: z.boolean().default(true),
};

const LlmCandidate = z.strictObject({
  id,
  type: z.literal('llm'),
  ...LLM_ENDPOINT,
  system: z.string().optional(),
  prompt: z.string().optional(),
  retrieval: z.strictObject({ knowledge: z.number().int().min(0).max(20).optional(), tickets: z.number().int().min(0).max(20).optional() }).optional(),
});

export const CandidateSchema = z.discriminatedUnion('type', [BuiltinCandidate, OracleCandidate, CompositeCandidate, LlmCandidate]);
export type CandidateConfig = z.infer<typeof CandidateSchema>;

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

export const SimulationConfigSchema = z.strictObject({
  /** Editors read the JSON Schema from here. */
  $schema: z.string().optional(),
  candidates: z.array(CandidateSchema).min(1),
  selection: z
    .strictObject({
      holdoutDays: z.number().int().positive().optional(),
      sample: z.number().int().positive().optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
  concurrency: z.number().int().positive().max(256).optional(),
  /** An LLM rubric judge next to the deterministic judges. */
  judge: z.strictObject({ llm: z.strictObject(LLM_ENDPOINT) }).optional(),
  /** A helpdesk rules file (YAML or JSON, relative to this config): the rules fire first on every ticket, as in the helpdesk. */
  rules: z.string().min(1).optional(),
  /** What the report's decision section assumes: volume, human cost, growth, strictness, threshold, prices. */
  decision: DecisionConfigSchema.optional(),
});
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

function builtin(config: z.infer<typeof BuiltinCandidate>): Responder {
  const options = { ...(config.minConfidence !== undefined && { minConfidence: config.minConfidence }) };
  const responder =
    config.type === 'macro'
      ? createMacroResponder({ ...options, ...(config.agentName && { agentName: config.agentName }) })
      : config.type === 'past-ticket'
        ? createPastTicketResponder(options)
        : createKnowledgeBaseResponder(options);
  return config.id ? { ...responder, id: config.id } : responder;
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
export function createCandidates(config: SimulationConfig, workspace: string): Responder[] {
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
      if (Object.hasOwn(RESPONDERS, name)) return responderFor(name);
      throw new ShadowdeskError('SD_INPUT_INVALID', `${where}: no candidate "${name}"; declare it or use a built-in: ${Object.keys(RESPONDERS).join(', ')}`);
    }
    if (building.has(name)) throw new ShadowdeskError('SD_INPUT_INVALID', `${where}: composite "${name}" contains itself`);
    building.add(name);
    try {
      if (candidate.type === 'composite') return createCompositeResponder(candidate.parts.map((part, index) => build(part, `${name}.parts[${index}]`)), candidate.id);
      if (candidate.type === 'llm') {
        const { id: llmId, system, prompt, retrieval, redact, cache, ...endpoint } = candidate;
        return createLlmResponder({
          id: llmId,
          endpoint,
          ...(system !== undefined && { system }),
          ...(prompt !== undefined && { prompt }),
          ...(retrieval && { retrieval }),
          ...(redact !== undefined && { redact }),
          ...(cache && { cacheDir: join(workspace, 'llm-cache') }),
        });
      }
      if (candidate.type === 'oracle') return createOracleResponder();
      return builtin(candidate);
    } finally {
      building.delete(name);
    }
  };
  // Each candidate carries the settings it was declared with: a changed model, prompt or threshold under the same id is another run.
  return [...declared].map(([name, settings]) => ({ ...build(name, `candidate "${name}"`), config: settings }));
}
