import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDemo } from '../datasets/demo/generate.ts';
import { judgeRun } from '../eval/judges/judge-run.ts';
import { readRunInfo, replay } from '../eval/replay/replay.ts';
import { responderFor } from '../eval/responders/index.ts';
import { loadEmbedder } from '../pipelines/embed/embedder.ts';
import { importSources } from '../pipelines/import.ts';
import { readManifest } from '../pipelines/index-manifest.ts';
import { buildIndex } from '../pipelines/search-index.ts';
import { fixed, formatTable, load, log, machine, median, runChild } from './_shared.ts';

/**
 * Judging throughput: answers judged per second by judgeRun (every deterministic judge, the
 * embeddings of answers and replies, judged.jsonl written), on a replayed run. Each try judges
 * in a fresh process, as the CLI does once per report: the judges' patterns are compiled and their
 * caches filled inside the measure. The model is loaded before the clock starts, as a report does.
 *
 * `--run DIR` judges an existing run (copied, so its judged.jsonl is left alone; its workspace is
 * only read); without it a demo history of `--tickets` is generated, indexed and replayed first.
 */

// LanceDB logs a warning per table it creates; the table is what we read.
process.env.LANCEDB_LOG ??= 'error';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    tickets: { type: 'string', default: '2000' },
    tries: { type: 'string', default: '5' },
    child: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/judge.json', import.meta.url)) },
  },
});

interface Try {
  answers: number;
  seconds: number;
  cpuSeconds: number;
}

/** One judging of the run folder, in this process; the CPU of every thread (the model's too). */
async function judgeOnce(runDir: string): Promise<Try> {
  const { workspace } = await readRunInfo(runDir);
  const embedder = await loadEmbedder((await readManifest(workspace)).modelPath);
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { judged } = await judgeRun({ runDir, embedder });
    const used = process.cpuUsage(cpu);
    return { answers: judged.length, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    await embedder.dispose();
  }
}

/** A replayed run of the built-in candidates on a generated history. */
async function demoRun(scratch: string, tickets: number): Promise<string> {
  log(`generating, indexing and replaying ${tickets.toLocaleString('en-US')} tickets…`);
  const data = join(scratch, 'data');
  await generateDemo({ outDir: data, tickets, seed: 11 });
  const workspace = join(scratch, 'ws');
  await importSources([{ path: data }], { workspace });
  await buildIndex({ workspace });
  const runDir = join(scratch, 'replayed');
  await replay({ workspace, runDir, candidates: ['past-ticket', 'macro', 'knowledge-base'].map(responderFor), concurrency: 4 });
  return runDir;
}

/** The run's results and description only: what judging reads from the run folder. */
async function copyRun(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const file of ['run.json', 'results.jsonl']) await copyFile(join(from, file), join(to, file));
}

if (values.child) {
  process.stdout.write(`${JSON.stringify(await judgeOnce(values.child))}\n`);
} else {
  const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-judge-bench-'));
  try {
    const source = values.run ?? (await demoRun(scratch, Number(values.tickets)));
    const runDir = join(scratch, 'run');
    await copyRun(source, runDir);
    const tries: Try[] = [];
    for (let index = 0; index < Number(values.tries); index++) {
      log(`judging, try ${index + 1} of ${values.tries}…`);
      tries.push(await runChild<Try>(fileURLToPath(import.meta.url), ['--child', runDir]));
    }
    const answers = tries[0]!.answers;
    // The median leads: on a machine shared with other work the best try is the quietest minute, not the code.
    const of = (pick: (values: number[]) => number) => {
      const seconds = pick(tries.map((t) => t.seconds));
      const cpuSeconds = pick(tries.map((t) => t.cpuSeconds));
      return { seconds, cpuSeconds, answersPerSecond: answers / seconds, answersPerCpuSecond: answers / cpuSeconds };
    };
    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      load: load(),
      run: values.run ?? `demo history of ${values.tickets} tickets`,
      answers,
      tries,
      median: of(median),
      best: of((values) => Math.min(...values)),
      worst: of((values) => Math.max(...values)),
    };
    process.stdout.write(`\nJudging ${answers.toLocaleString('en-US')} answers (${result.run}), ${tries.length} fresh processes\n\n`);
    const row = (measure: string, key: 'seconds' | 'cpuSeconds', rate: 'answersPerSecond' | 'answersPerCpuSecond') => [
      measure,
      ...[result.median, result.best, result.worst].flatMap((at) => [fixed(at[key], 2), fixed(at[rate])]),
    ];
    process.stdout.write(
      `${formatTable(
        ['measure', 'median s', 'answers/s', 'best s', 'answers/s', 'worst s', 'answers/s'],
        [row('judgeRun, wall', 'seconds', 'answersPerSecond'), row('judgeRun, CPU (all threads)', 'cpuSeconds', 'answersPerCpuSecond')],
      )}\n`,
    );
    process.stdout.write(`\nload ${result.load.join(' ')} on ${result.machine.cpus} × ${result.machine.cpu ?? 'unknown CPU'}, ${result.machine.node}\n`);
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`JSON: ${values.out}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
