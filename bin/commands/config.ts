import { existsSync } from 'node:fs';
import { defineCommand } from 'citty';
import { isShadowdeskError, problemsText, ShadowdeskError } from '../../errors.ts';
import { loadSimulationConfig } from '../../index.ts';
import { EXIT_ERROR, guarded, withExamples } from '../_cli.ts';

const DEFAULT_CONFIG = 'shadowdesk.yaml';

const check = withExamples(
  defineCommand({
    meta: { name: 'check', description: 'Check a config file and say, line by line, what to fix.' },
    args: { file: { type: 'positional', description: `Config in YAML or JSON (default: ./${DEFAULT_CONFIG})`, required: false } },
    run: ({ args }) =>
      guarded(async () => {
        const file = args.file ?? DEFAULT_CONFIG;
        if (!existsSync(file)) {
          throw new ShadowdeskError('SD_INPUT_NOT_FOUND', `${file}: no such config file; \`shadowdesk init <exports folder>\` writes a commented one (or name yours: \`shadowdesk config check path/to/config.yaml\`)`);
        }
        try {
          const config = await loadSimulationConfig(file);
          const ids = config.candidates.map((candidate) => candidate.id ?? candidate.type);
          const selection = config.selection?.holdoutDays ? `the last ${config.selection.holdoutDays} days` : 'every ticket';
          const sample = config.selection?.sample ? `, a sample of ${config.selection.sample}` : '';
          process.stdout.write(`ok: ${file}: ${ids.length} candidates (${ids.join(', ')}), replaying ${selection}${sample}${config.judge ? ', with an LLM judge' : ''}\n`);
        } catch (error) {
          if (!isShadowdeskError(error) || error.issues.length === 0) throw error;
          const count = error.issues.length;
          process.stderr.write(`${problemsText(`${file}: ${count} problem${count === 1 ? '' : 's'}`, error.issues, { hints: true })}\n`);
          process.exitCode = EXIT_ERROR;
        }
      }),
  }),
  ['shadowdesk config check', 'shadowdesk config check configs/nightly.yaml'],
);

export default withExamples(
  defineCommand({
    meta: { name: 'config', description: 'Work with the simulation config (shadowdesk.yaml).' },
    subCommands: { check },
  }),
  ['shadowdesk config check', 'shadowdesk init && shadowdesk config check'],
);
