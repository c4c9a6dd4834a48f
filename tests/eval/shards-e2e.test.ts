import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../eval/replay/replay.ts';
import type { RunReport } from '../../eval/metrics/run-report.ts';
import { runCli, runCliProcess } from '../helpers/cli.ts';
import { buildReplayWorkspace } from '../helpers/replay-workspace.ts';

/** Runs a command that must succeed; the shards need processes of their own to run at once. */
async function cli(args: string[], run = runCli): Promise<void> {
  const done = await run(args);
  expect(done, done.stderr).toMatchObject({ code: 0 });
}

/** Four `simulate --shard k/4` processes at once, merged and reported, against one run of the whole. */
describe('sharded simulation through the CLI', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-shards-'));
    const workspace = await buildReplayWorkspace(dir);
    const common = ['--workspace', workspace, '--formats', 'json'];
    // The shards in processes of their own, compiled (tests/helpers/compiled-cli.ts): through tsx,
    // each would spend a second more of CPU starting. The single run, at the same time on the same
    // workspace, in this process: a fifth process only cost its start-up.
    const inProcessOfItsOwn = (args: string[]) => runCliProcess(args, { compiled: true });
    await Promise.all([
      cli(['simulate', ...common, '--run', join(dir, 'whole')]),
      ...[1, 2, 3, 4].map((shard) => cli(['simulate', ...common, '--shard', `${shard}/4`, '--run', join(dir, `shard-${shard}`)], inProcessOfItsOwn)),
    ]);
    await cli(['merge', ...[1, 2, 3, 4].map((shard) => join(dir, `shard-${shard}`)), '--out', join(dir, 'merged')]);
    await cli(['report', join(dir, 'merged'), '--formats', 'json']);
  }, 180_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const stable = async (runDir: string) =>
    (await readResults(runDir))
      .map(({ answer: { latencyMs: _, cached: __, ...answer }, ...rest }) => ({ ...rest, answer }))
      .sort((a, b) => `${a.candidate}/${a.ticketId}`.localeCompare(`${b.candidate}/${b.ticketId}`));
  const metricsOf = async (runDir: string) => (JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as RunReport).metrics;

  it('splits the tickets between the shards, and the merge has every answer one process gave', async () => {
    const shards = await Promise.all([1, 2, 3, 4].map((shard) => readResults(join(dir, `shard-${shard}`))));
    expect(shards.every((results) => results.length > 0)).toBe(true);
    const whole = await stable(join(dir, 'whole'));
    expect(shards.flat()).toHaveLength(whole.length);
    expect(await stable(join(dir, 'merged'))).toEqual(whole);
  });

  it('never merges into a folder a simulation claimed, which would resume over the merged answers', async () => {
    const run = await runCli(['merge', ...[1, 2, 3, 4].map((shard) => join(dir, `shard-${shard}`)), '--out', join(dir, 'whole')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("holds a simulation's own run (identity.json); merge into a new folder");
  });

  it('reports the same metrics for the merged run as for the single run', async () => {
    expect(await metricsOf(join(dir, 'merged'))).toEqual(await metricsOf(join(dir, 'whole')));
  });
});
