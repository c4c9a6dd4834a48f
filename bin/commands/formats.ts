import { defineCommand } from 'citty';
import { READERS } from '../../datasets/readers/index.ts';
import { withExamples } from '../_cli.ts';

const command = defineCommand({
  meta: {
    name: 'formats',
    description: 'List the export formats shadowdesk reads (the names --format takes).',
  },
  run() {
    const width = Math.max(...Object.keys(READERS).map((name) => name.length));
    for (const [name, reader] of Object.entries(READERS)) {
      process.stdout.write(`${name.padEnd(width)}  ${reader.kinds.join('/').padEnd(16)}  ${reader.description}\n`);
    }
  },
});

export default withExamples(command, ['shadowdesk formats']);
