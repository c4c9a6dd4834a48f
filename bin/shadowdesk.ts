import { defineCommand, runMain } from 'citty';
import { showUsage, withExamples } from './_cli.ts';
import packageJson from '../package.json' with { type: 'json' };

// LanceDB logs a warning when it creates a table; users should see our messages, not its internals.
process.env.LANCEDB_LOG ??= 'error';
// `shadowdesk … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const main = withExamples(defineCommand({
  meta: {
    name: 'shadowdesk',
    version: packageJson.version,
    description: 'Replay your helpdesk history against AI support agents before go-live.',
  },
  subCommands: {
    demo: () => import('./commands/demo.ts').then((module) => module.default),
    import: () => import('./commands/import.ts').then((module) => module.default),
    pull: () => import('./commands/pull.ts').then((module) => module.default),
    index: () => import('./commands/index.ts').then((module) => module.default),
    search: () => import('./commands/search.ts').then((module) => module.default),
    simulate: () => import('./commands/simulate.ts').then((module) => module.default),
    merge: () => import('./commands/merge.ts').then((module) => module.default),
    report: () => import('./commands/report.ts').then((module) => module.default),
    price: () => import('./commands/price.ts').then((module) => module.default),
    compare: () => import('./commands/compare.ts').then((module) => module.default),
    ci: () => import('./commands/ci.ts').then((module) => module.default),
    label: () => import('./commands/label.ts').then((module) => module.default),
    formats: () => import('./commands/formats.ts').then((module) => module.default),
    init: () => import('./commands/init.ts').then((module) => module.default),
    config: () => import('./commands/config.ts').then((module) => module.default),
    rules: () => import('./commands/rules.ts').then((module) => module.default),
  },
}), ['shadowdesk demo', 'shadowdesk import exports/ --workspace .shadowdesk', 'shadowdesk formats']);

await runMain(main, { showUsage });
