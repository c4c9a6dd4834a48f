import { defineCommand } from 'citty';
import { mergeRuns } from '../../index.ts';
import { guarded, repeatable, withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: { name: 'merge', description: 'Combine the runs of `simulate --shard k/n` jobs into one run.' },
  args: {
    runs: repeatable({ type: 'positional', description: 'The shard run folders', required: true }),
    out: { type: 'string', description: 'Folder of the merged run', required: true },
  },
  run: ({ args }) =>
    guarded(async () => {
      const runs = [args.runs, ...args._.filter((arg) => arg !== args.runs)];
      const summary = await mergeRuns(runs, args.out);
      process.stdout.write(`Merged ${summary.runs} shard runs: ${summary.results.toLocaleString('en-US')} results for ${summary.tickets.toLocaleString('en-US')} tickets in ${summary.resultsFile}\n`);
    }),
});

export default withExamples(command, ['shadowdesk merge runs/shard-1 runs/shard-2 runs/shard-3 --out runs/all']);
