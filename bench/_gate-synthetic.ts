import { parseArgs } from 'node:util';
import { readRunReport } from '../bin/commands/_gate-flags.ts';
import { BASELINE_SHARE, DROP_SHARES, judgedRerun, resampledRates, rowOf, runSeed, withWrongShare } from './_gate-rules.ts';
import { log } from './_shared.ts';

/**
 * The gate benchmark's cheaper section, in its own process so that it runs on the other core while
 * the end-to-end runs go on: reruns synthesised from a real run's verdicts, each turning a seeded
 * share of the tickets' sent answers wrong, against a baseline drawn afresh at p = 0.05 each time
 * (one lucky or unlucky baseline would bias every rerun the same way). Prints its rows as JSON.
 */

const { values } = parseArgs({ options: { run: { type: 'string' }, seed: { type: 'string' }, nulls: { type: 'string' }, drops: { type: 'string' } } });
const started = performance.now();
const demo = await readRunReport(values.run!);
const seed = Number(values.seed);
// The figures of the most accurate candidate show the size of each drop.
const shown = [...demo.metrics.candidates].sort((a, b) => (b.accuracy.value ?? 0) - (a.accuracy.value ?? 0))[0]!.candidate;
const plan: Array<[number, number]> = [[BASELINE_SHARE, Number(values.nulls)], ...DROP_SHARES.map((share): [number, number] => [share, Number(values.drops)])];
const rows = plan
  .filter(([, runs]) => runs > 0)
  .map(([share, runs]) => {
    const reruns = Array.from({ length: runs }, (_, rerun) => {
      // Apart from the end-to-end runs' seeds, so the two sections draw different tickets.
      const rerunSeed = runSeed(seed, share, rerun) + 50_000;
      return judgedRerun(withWrongShare(demo, BASELINE_SHARE, rerunSeed), withWrongShare(demo, share, rerunSeed + 1), resampledRates, shown, share, rerunSeed);
    });
    log(`synthetic p = ${share}: ${runs} reruns done`);
    return rowOf(share, reruns);
  });
process.stdout.write(`${JSON.stringify({ candidates: demo.metrics.candidates.map((entry) => entry.candidate), shown, rows, seconds: Math.round((performance.now() - started) / 100) / 10 })}\n`);
