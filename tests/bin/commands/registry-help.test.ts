import { describe, expect, it } from 'vitest';
import { formatsTable } from '../../../datasets/readers/index.ts';
import { defaultCandidates } from '../../../eval/responders/index.ts';
import { REPORT_FORMATS } from '../../../reports/index.ts';
import { runCli } from '../../helpers/cli.ts';

/** The CLI says what the maps hold: no list of candidates, formats or reports is written twice. */
describe('help read from the maps', () => {
  it('simulate --help names the candidates replayed by default and every report format', async () => {
    const { code, stdout } = await runCli(['simulate', '--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(default: ${defaultCandidates().join(',')})`);
    expect(help).toContain(`Reports to write, comma-separated: ${REPORT_FORMATS.join(', ')}`);
  });

  it('report --help names every report format', async () => {
    const { stdout } = await runCli(['report', '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toContain(`Reports to write, comma-separated: ${REPORT_FORMATS.join(', ')}`);
  });

  it('shadowdesk formats prints the readers map', async () => {
    const { code, stdout } = await runCli(['formats']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${formatsTable()}\n`);
  });
});
