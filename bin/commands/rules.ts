import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { ShadowdeskError } from '../../errors.ts';
import { loadGorgiasRules, loadRules, simulateRules, writeRulesSimulation, type GorgiasRuleReport, type Ratio, type Rule, type RulesResult } from '../../index.ts';
import { guarded, positiveInteger, withExamples } from '../_cli.ts';

const percent = (rate: Ratio): string => (rate.value === null ? '–' : `${Math.round(rate.value * 100)}%`);

function table(result: RulesResult): string {
  const rows = [
    ['rule', 'fired', 'tag precision', 'tag recall', 'assign precision', 'assign recall', 'auto-replies', 'answered anyway'],
    ...result.rules.map((rule) => [
      rule.enabled ? rule.name : `${rule.name} (disabled)`,
      rule.fired.tickets.toLocaleString('en-US'),
      rule.tags ? percent(rule.tags.precision) : '',
      rule.tags ? percent(rule.tags.recall) : '',
      rule.assignment ? (rule.assignment.comparable ? percent(rule.assignment.precision) : 'team') : '',
      rule.assignment ? (rule.assignment.comparable ? percent(rule.assignment.recall) : 'team') : '',
      rule.autoReply ? rule.autoReply.tickets.toLocaleString('en-US') : '',
      rule.autoReply ? `${rule.autoReply.answeredWithin.toLocaleString('en-US')} in ${rule.autoReply.withinMinutes} min` : '',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd()).join('\n');
}

function gorgiasLines(report: GorgiasRuleReport[]): string[] {
  const translated = report.filter((rule) => rule.status !== 'skipped').length;
  return [
    `Gorgias rules: ${translated} of ${report.length} translated.`,
    ...report.filter((rule) => rule.problems.length > 0).flatMap((rule) => [`  ${rule.name} (#${rule.id}, ${rule.status}):`, ...rule.problems.map((problem) => `    ${problem}`)]),
  ];
}

const command = defineCommand({
  meta: { name: 'rules', description: 'Replay helpdesk rules (tags, assignment, priority, auto-replies) over past tickets and measure them against what agents did.' },
  args: {
    rules: { type: 'positional', description: 'Rules file (YAML or JSON)', required: false },
    'gorgias-rules': { type: 'string', description: 'Gorgias rules export (`GET /api/rules` JSON) to translate and replay, after the rules file' },
    'gorgias-settings': { type: 'string', description: 'Gorgias account settings (`GET /api/account/settings` JSON) whose business hours `duringBusinessHours()` reads (default: account-settings.json beside the rules export)' },
    'reply-within': { type: 'string', description: 'An auto-replied ticket an agent answered within this many minutes counts as answered anyway', default: '15' },
    'holdout-days': { type: 'string', description: 'Replay only the last N days of the history' },
    out: { type: 'string', description: 'Folder for rules.json and rules-tickets.jsonl (default: <workspace>/runs/rules)' },
    json: { type: 'boolean', description: 'Print the result as JSON instead of a table' },
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
  },
  run: ({ args }) =>
    guarded(async () => {
      if (!args.rules && !args['gorgias-rules']) throw new ShadowdeskError('SD_INPUT_INVALID', 'give a rules file, --gorgias-rules export.json, or both');
      const settingsFile = args['gorgias-settings'];
      if (settingsFile !== undefined && !args['gorgias-rules']) throw new ShadowdeskError('SD_INPUT_INVALID', '--gorgias-settings gives the business hours of Gorgias rules: use it with --gorgias-rules');
      if (settingsFile !== undefined && !existsSync(settingsFile)) throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `--gorgias-settings ${settingsFile}: no such file; save GET /api/account/settings there`);
      const fromFile: Rule[] = args.rules ? (await loadRules(args.rules)).rules : [];
      const gorgias = args['gorgias-rules'] ? await loadGorgiasRules(args['gorgias-rules'], { takenNames: fromFile.map((rule) => rule.name), ...(settingsFile !== undefined && { settingsFile }) }) : undefined;
      const rules = [...fromFile, ...(gorgias?.rules ?? [])];
      if (rules.length === 0) throw new ShadowdeskError('SD_INPUT_INVALID', `no rule could be translated:\n${gorgiasLines(gorgias?.report ?? []).join('\n')}`);
      const holdoutDays = positiveInteger(args['holdout-days'], '--holdout-days');
      const simulation = await simulateRules({
        workspace: args.workspace,
        rules,
        replyWithinMinutes: positiveInteger(args['reply-within'], '--reply-within') ?? 15,
        ...(holdoutDays && { selection: { holdoutDays } }),
      });
      const files = await writeRulesSimulation(simulation, args.out ?? join(args.workspace, 'runs', 'rules'), gorgias ? { gorgias: gorgias.report } : {});
      if (args.json) {
        process.stdout.write(`${JSON.stringify(gorgias ? { ...simulation.result, gorgias: gorgias.report } : simulation.result, null, 2)}\n`);
        return;
      }
      const { result } = simulation;
      const lines = [
        `Replayed ${rules.length} rules over ${result.tickets.toLocaleString('en-US')} tickets in ${Math.round(simulation.evaluationMs)} ms.`,
        '',
        table(result),
        ...(result.conflicts.length > 0 ? ['', 'Conflicts:', ...result.conflicts.map((conflict) => `  ${conflict.kind}: "${conflict.rules[0]}" and "${conflict.rules[1]}" disagree on ${conflict.tickets} tickets`)] : []),
        ...(gorgias ? ['', ...gorgiasLines(gorgias.report)] : []),
        '',
        `Written: ${files.result} (per rule) and ${files.outcomes} (per ticket).`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }),
});

export default withExamples(command, [
  'shadowdesk rules rules.yaml',
  'shadowdesk rules --gorgias-rules gorgias-rules.json --reply-within 30',
  'shadowdesk rules --gorgias-rules exports/rules.json --gorgias-settings exports/settings.json',
  'shadowdesk rules rules.yaml --holdout-days 90 --out runs/rules --json',
]);
