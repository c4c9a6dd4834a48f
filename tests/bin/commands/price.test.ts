import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS_FILE } from '../../../eval/pricing/load.ts';
import { runCli } from '../../helpers/cli.ts';

describe('shadowdesk price --help', () => {
  it('names the shipped presets where they are on this machine, not by a path inside the repository', async () => {
    const { code, stdout } = await runCli(['price', '--help'], { cwd: '/' });
    expect(code).toBe(0);
    expect(stdout).toContain(`cp ${PRESETS_FILE} my-prices.yaml`);
    expect(existsSync(PRESETS_FILE)).toBe(true);
    expect(stdout).not.toMatch(/(?<!\/)eval\/pricing\/presets\.yaml/);
  });
});
