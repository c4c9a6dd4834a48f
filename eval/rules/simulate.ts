import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ticket } from '../../datasets/records.ts';
import { DEFAULT_WORKSPACE, writeJsonlFile } from '../../pipelines/workspace.ts';
import { selectTickets, type Selection } from '../replay/replay.ts';
import { compileRules, inCreationOrder, runRules, type TicketOutcome } from './engine.ts';
import { computeRulesResult, type RulesMetricsOptions, type RulesResult } from './metrics.ts';
import type { GorgiasRuleReport } from './gorgias.ts';
import type { Rule, RulesFile } from './schema.ts';

/**
 * Rules on history (issue #10): the workspace's imported tickets — the same ones `simulate`
 * replays, spam left out — go through the rules in creation order, and each rule is measured
 * against what agents did.
 */

export interface SimulateRulesOptions extends RulesMetricsOptions {
  /** @default '.shadowdesk' */
  workspace?: string;
  /** The rules, in the order they run (a loaded rules file, or its `rules`). */
  rules: RulesFile | readonly Rule[];
  /** Which tickets: the same selection as `simulate` (holdout, sample, shard). */
  selection?: Selection;
}

export interface RulesSimulation {
  result: RulesResult;
  /** Per ticket, in creation order: the rules that fired and what they left (tags, assignee, replies). */
  outcomes: TicketOutcome[];
  /** Time spent running the rules and measuring them, reading the workspace excluded. */
  evaluationMs: number;
}

export const RULES_RESULT_FILE = 'rules.json';
export const RULES_OUTCOMES_FILE = 'rules-tickets.jsonl';

export async function simulateRules(options: SimulateRulesOptions): Promise<RulesSimulation> {
  const tickets = await selectTickets(options.workspace ?? DEFAULT_WORKSPACE, options.selection);
  return evaluateRules(tickets, options.rules, options);
}

/** The rules over tickets already in memory, in creation order; pure. */
export function evaluateRules(tickets: readonly Ticket[], rules: RulesFile | readonly Rule[], options: RulesMetricsOptions = {}): RulesSimulation {
  const started = performance.now();
  const list = 'rules' in rules ? rules.rules : rules;
  const compiled = compileRules(list);
  const ordered = inCreationOrder(tickets);
  const outcomes = ordered.map((ticket) => runRules(ticket, compiled));
  const result = computeRulesResult(ordered, list, outcomes, options);
  return { result, outcomes, evaluationMs: performance.now() - started };
}

/** What `rules.json` holds: the result, and how imported rules were translated. */
export interface RulesResultFile extends RulesResult {
  /** Per Gorgias rule: translated, partial or skipped, and why. */
  gorgias?: GorgiasRuleReport[];
}

/**
 * Writes `rules.json` (the result, with the Gorgias translation report when given) and
 * `rules-tickets.jsonl` (one `TicketOutcome` per ticket a rule fired on) into `dir`.
 */
export async function writeRulesSimulation(simulation: RulesSimulation, dir: string, options: { gorgias?: GorgiasRuleReport[] } = {}): Promise<{ result: string; outcomes: string }> {
  await mkdir(dir, { recursive: true });
  const result = join(dir, RULES_RESULT_FILE);
  const temporary = `${result}.${process.pid}.tmp`;
  const content: RulesResultFile = options.gorgias ? { ...simulation.result, gorgias: options.gorgias } : simulation.result;
  await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`);
  await rename(temporary, result);
  const outcomes = join(dir, RULES_OUTCOMES_FILE);
  await writeJsonlFile(outcomes, simulation.outcomes.filter((outcome) => outcome.firings.length > 0));
  return { result, outcomes };
}
