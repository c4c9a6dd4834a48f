import { defineCommand } from 'citty';
import { formatsTable } from '../../index.ts';
import { withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: {
    name: 'formats',
    description: 'List the export formats shadowdesk reads (the names --format takes).',
  },
  run() {
    process.stdout.write(`${formatsTable()}\n`);
  },
});

export default withExamples(command, ['shadowdesk formats']);
