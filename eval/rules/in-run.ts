import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecords } from '../../pipelines/workspace.ts';
import { ticketHistory } from '../judges/history.ts';
import type { Ticket } from '../../datasets/records.ts';
import { readResults, replayable } from '../replay/replay.ts';
import { tryOf } from '../replay/run-folder.ts';
import { compileRules, runRules, type TicketOutcome } from './engine.ts';
import { ticketRef, type RulesResult, type TicketRef } from './metrics.ts';
import type { RulesFile } from './schema.ts';
import { evaluateRules, writeRulesSimulation } from './simulate.ts';

/**
 * Rules and AI candidates in one simulation: the rules fire first, on the same tickets, as a
 * helpdesk runs them before handing a ticket to its AI agent. This is what a run's report holds
 * about them.
 */
export interface RulesInRun {
  /** The rules file the run used. */
  file: string;
  /** Each rule over the run's tickets, against what agents did. */
  result: RulesResult;
  /** Per candidate: tickets where a rule's auto-reply and the candidate's answer would both have reached the customer. */
  bothSent: Record<string, { tickets: number; examples: TicketRef[] }>;
  /**
   * What the rules add to the bill over the whole history (the months pricing projects): tickets
   * billable only because a rule replied (no agent or rule message in the history), and the
   * auto-replies the rules send.
   */
  billing: { addedBillable: number; autoReplies: number; byMonth: RulesBillingMonth[] };
}

export interface RulesBillingMonth {
  /** 'YYYY-MM' */
  month: string;
  addedBillable: number;
  autoReplies: number;
}

export const RULES_IN_RUN_FILE = 'rules-run.json';

export interface RunRulesOptions {
  workspace: string;
  runDir: string;
  rules: RulesFile;
  /** The rules file, as the report names it. */
  file: string;
  /** @default 15 */
  replyWithinMinutes?: number;
}

const EXAMPLES = 5;

/** Tickets whose creation got an auto-reply: the answer a candidate gives goes out beside it. */
function autoRepliedOnCreation(outcomes: readonly TicketOutcome[]): Set<string> {
  return new Set(outcomes.filter((outcome) => outcome.firings.some((firing) => firing.event === 'ticket-created' && firing.actions.some((action) => action.kind === 'autoReply'))).map((outcome) => outcome.ticketId));
}

/**
 * The whole history through the rules, one ticket at a time (a large history is never held), for
 * the bill: the rules' auto-replies, and the tickets they make billable that no one answered. The
 * same pass keeps the run's own tickets, in creation order.
 */
async function rulesBilling(workspace: string, rules: RulesFile, replayed: ReadonlySet<string>): Promise<{ billing: RulesInRun['billing']; tickets: Ticket[] }> {
  const compiled = compileRules(rules.rules);
  const months = new Map<string, RulesBillingMonth>();
  const tickets: Ticket[] = [];
  for await (const ticket of readRecords(workspace, 'ticket')) {
    if (!replayable(ticket)) continue;
    if (replayed.has(ticket.id)) tickets.push(ticket);
    const outcome = runRules(ticket, compiled);
    const month = ticket.createdAt.slice(0, 7);
    const entry = months.get(month) ?? { month, addedBillable: 0, autoReplies: 0 };
    entry.autoReplies += outcome.autoReplies.length;
    if (outcome.autoReplies.length > 0 && !ticketHistory(ticket).billable) entry.addedBillable++;
    months.set(month, entry);
  }
  const byMonth = [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
  return {
    billing: {
      addedBillable: byMonth.reduce((sum, month) => sum + month.addedBillable, 0),
      autoReplies: byMonth.reduce((sum, month) => sum + month.autoReplies, 0),
      byMonth,
    },
    tickets: tickets.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
  };
}

/**
 * Runs the rules over the run's tickets after its candidates answered them, and writes
 * `rules-run.json` (with `rules.json` and `rules-tickets.jsonl`, as `shadowdesk rules` does) into
 * the run folder, where the report and the pricing find it.
 */
export async function runRulesInRun(options: RunRulesOptions): Promise<RulesInRun> {
  // The tickets the candidates answered, read in the billing's pass over the history rather than selected again.
  const results = await readResults(options.runDir);
  const { billing, tickets } = await rulesBilling(options.workspace, options.rules, new Set(results.map((result) => result.ticketId)));
  const simulation = evaluateRules(tickets, options.rules, { replyWithinMinutes: options.replyWithinMinutes ?? 15 });
  await writeRulesSimulation(simulation, options.runDir);

  const autoReplied = autoRepliedOnCreation(simulation.outcomes);
  const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  const bothSent: RulesInRun['bothSent'] = {};
  // A repeated run's later tries answer the same tickets again: the customer got one answer each.
  for (const result of results.filter((each) => tryOf(each) === 0)) {
    const entry = (bothSent[result.candidate] ??= { tickets: 0, examples: [] });
    if (!autoReplied.has(result.ticketId) || result.answer.decision !== 'reply') continue;
    entry.tickets++;
    const ticket = byId.get(result.ticketId);
    if (ticket && entry.examples.length < EXAMPLES) entry.examples.push(ticketRef(ticket));
  }

  const inRun: RulesInRun = { file: options.file, result: simulation.result, bothSent, billing };
  const path = join(options.runDir, RULES_IN_RUN_FILE);
  await writeFile(`${path}.${process.pid}.tmp`, `${JSON.stringify(inRun, null, 2)}\n`);
  await rename(`${path}.${process.pid}.tmp`, path);
  return inRun;
}

/** The run's rules, when it ran any. */
export async function readRulesInRun(runDir: string): Promise<RulesInRun | undefined> {
  const text = await readFile(join(runDir, RULES_IN_RUN_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : (JSON.parse(text) as RulesInRun);
}
