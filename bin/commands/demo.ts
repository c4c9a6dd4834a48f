import { join, relative } from 'node:path';
import { defineCommand } from 'citty';
import { cliCommand, defaultCandidates, DEMO_DATA_DIR, formatImportReport, importSources, PRESETS_FILE, refreshIndex, replayWindowStart, responderFor, simulate, writeReports } from '../../index.ts';
import { EXIT_UNUSABLE, guarded, interruptSignal, positiveInteger, withExamples } from '../_cli.ts';
import { importProgress, indexProgress, judgeProgress, replayProgress } from './_progress.ts';
import { printRunSummary } from './_summary.ts';

const command = defineCommand({
  meta: {
    name: 'demo',
    description: 'The whole simulation on the bundled demo brand (2,400 tickets over 24 months), offline: import, index, replay, judge, price, report.',
  },
  args: {
    workspace: { type: 'string', description: 'Workspace folder', default: '.shadowdesk' },
    'holdout-days': { type: 'string', description: 'Days at the end of the history to replay', default: '90' },
  },
  run: ({ args }) =>
    guarded(async () => {
      const holdoutDays = positiveInteger(args['holdout-days'], '--holdout-days')!;
      const data = relative(process.cwd(), DEMO_DATA_DIR) || '.';
      process.stdout.write(`Demo brand: Maison Lune, exports in ${data}\n\n`);
      const imported = await importSources([{ path: data }], { workspace: args.workspace, onProgress: importProgress(), signal: interruptSignal() });
      process.stdout.write(`${formatImportReport(imported)}\n`);
      if (!imported.committed) {
        process.exitCode = EXIT_UNUSABLE;
        return;
      }
      const selection = { holdoutDays, seed: 42 };
      // Fitted before the replayed days, as simulate requires: built once, not refitted by it; an
      // index already built so (a second demo) is used as it is, as simulate would.
      const index = await refreshIndex({ workspace: args.workspace, cutoff: await replayWindowStart(args.workspace, selection), onProgress: indexProgress() });
      process.stdout.write(`\nSearch index: ${index.knowledgePassages} knowledge passages and ${index.tickets.toLocaleString('en-US')} answered tickets, built-in model fitted on what was written before the replayed days${index.upToDate ? ' (already up to date)' : ''}, in ${index.seconds.toFixed(1)} s.\n`);
      const runDir = join(args.workspace, 'runs', 'demo');
      const candidates = defaultCandidates();
      process.stdout.write(`\nReplaying the last ${holdoutDays} days against the built-in candidates (${candidates.join(', ')})…\n`);
      const { replay: summary, report } = await simulate({
        workspace: args.workspace,
        runDir,
        candidates: candidates.map(responderFor),
        selection,
        onReplayProgress: replayProgress(),
        onJudgeProgress: judgeProgress(),
      });
      process.stdout.write(`Replayed ${summary.tickets.toLocaleString('en-US')} tickets in ${summary.seconds.toFixed(1)} s.\n`);
      printRunSummary(report, await writeReports(report, runDir));
      const workspaceFlag = args.workspace === '.shadowdesk' ? '' : ` --workspace ${args.workspace}`;
      const cli = cliCommand(process.cwd());
      process.stdout.write(
        [
          '',
          'Next:',
          `  ${cli} price ${runDir}     what each vendor's pricing model would have cost (edit a copy of ${relative(process.cwd(), PRESETS_FILE)} and pass it with --pricing for your own prices)`,
          `  ${cli} search "combien de jours pour retourner un article" --as-of 2025-01-15${workspaceFlag}`,
          '     (the returns window was 14 days then, 30 days from March 2025: retrieval sees the policy of its time)',
        ].join('\n') + '\n',
      );
    }),
});

export default withExamples(command, ['shadowdesk demo', 'shadowdesk demo --workspace /tmp/demo-workspace']);
