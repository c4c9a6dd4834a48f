import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('.gitignore', () => {
  it('keeps the exports the README suggests putting in the clone, and the workspace, out of git', async () => {
    const paths = ['exports/gorgias-tickets.json', 'exports/shadowdesk.yaml', '.shadowdesk/runs/latest/report.html'];
    const { stdout } = await promisify(execFile)('git', ['check-ignore', '--no-index', ...paths], { cwd: root });
    expect(stdout.trim().split('\n')).toEqual(paths);
  });
});
