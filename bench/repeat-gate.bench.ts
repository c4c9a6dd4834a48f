import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random } from '../datasets/text/random.ts';
import { compareRuns } from '../eval/metrics/compare.ts';
import type { ExplorerTicket, RunReport, TryVerdict } from '../eval/metrics/run-report.ts';
import { fixed, formatTable, log, machine } from './_shared.ts';

/**
 * How the CI gate treats repeated runs (`simulate --repeat k`), against the two other ways to read
 * them: tries paired one by one as if each were a ticket, and the first try alone. Runs are
 * synthesised: each ticket has its own chance of success (easy, middling or hard), a drop lowers
 * every ticket's chance by a few points, and a ticket's tries are either independent draws or
 * mostly one draw repeated (a model at temperature 0). `npm run bench:repeat-gate`; the table goes
 * in docs/ci.md, the JSON in bench/results/repeat-gate.json.
 */

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '200' },
    tickets: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '3' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/repeat-gate.json', import.meta.url)) },
  },
});
const PAIRS = Number(values.pairs);
const TICKETS = Number(values.tickets);
const REPEAT = Number(values.repeat);
const SETTINGS = { permutations: 500, resamples: 200 };

/** Each ticket's chance of a successful try: six in ten easy, the others middling or hard. */
function ticketChances(seed: number, drop: number): number[] {
  const random = new Random(seed);
  return Array.from({ length: TICKETS }, () => Math.max(0, (random.chance(0.6) ? 0.95 : random.chance(0.5) ? 0.5 : 0.1) - drop));
}

/** Each ticket's tries; with `alike`, each try repeats the ticket's first draw with that chance. */
function drawTries(chances: readonly number[], seed: number, alike: number): boolean[][] {
  const random = new Random(seed);
  return chances.map((chance) => {
    const first = random.chance(chance);
    return Array.from({ length: REPEAT }, () => (random.chance(alike) ? first : random.chance(chance)));
  });
}

const verdictOf = (ok: boolean): TryVerdict => ({ sent: true, verdict: ok ? 'correct' : 'wrong', outcome: ok ? 'automated' : 'ai-then-agent' });

/** A run shaped as a committed baseline: one candidate, every ticket closed after one reply. */
function report(tickets: ReadonlyArray<{ id: string; tries: readonly boolean[] }>, repeat: number): RunReport {
  const explorer: ExplorerTicket[] = tickets.map(({ id, tries }) => ({
    ticketId: id,
    createdAt: '2026-06-01T00:00:00.000Z',
    channel: 'email',
    language: 'en',
    tags: [],
    subject: '',
    question: '',
    humanReply: '',
    answers: [{ candidate: 'bot', decision: 'reply', text: '', confidence: 0.9, judges: [], sources: [], ...verdictOf(tries[0]!), ...(repeat > 1 && { tries: tries.map(verdictOf) }) }],
  }));
  // Only what a comparison reads is filled in.
  return { schemaVersion: 1, run: { workspace: '', candidates: ['bot'], selection: {}, ...(repeat > 1 && { repeat }) }, metrics: { seed: 42, candidates: [{ candidate: 'bot' }] }, tickets: explorer } as unknown as RunReport;
}

const READINGS = {
  'share per ticket (the gate)': (tries: boolean[][]) => report(tries.map((each, index) => ({ id: `t${index}`, tries: each })), REPEAT),
  'tries paired one by one': (tries: boolean[][]) => report(tries.flatMap((each, index) => each.map((ok, attempt) => ({ id: `t${index}#${attempt}`, tries: [ok] }))), 1),
  'first try only (no repeats)': (tries: boolean[][]) => report(tries.map((each, index) => ({ id: `t${index}`, tries: [each[0]!] })), 1),
} as const;

const rows: string[][] = [];
for (const [label, alike] of [['independent draws', 0], ['90 % follow one draw', 0.9]] as const) {
  const failures = Object.fromEntries(Object.keys(READINGS).map((reading) => [reading, [0, 0, 0]])) as Record<keyof typeof READINGS, number[]>;
  for (let pair = 1; pair <= PAIRS; pair++) {
    const baseline = drawTries(ticketChances(pair, 0), pair + 10_000, alike);
    [0, 0.05, 0.1].forEach((drop, column) => {
      const current = drawTries(ticketChances(pair, drop), pair + 20_000 + column * 10_000, alike);
      for (const [reading, build] of Object.entries(READINGS) as Array<[keyof typeof READINGS, (tries: boolean[][]) => RunReport]>) {
        if (!compareRuns(build(baseline), build(current), SETTINGS).passed) failures[reading][column]! += 1;
      }
    });
  }
  for (const reading of Object.keys(READINGS) as Array<keyof typeof READINGS>) rows.push([label, reading, ...failures[reading].map((count) => `${fixed((100 * count) / PAIRS, 1)} %`)]);
  log(`${label}: done`);
}
process.stdout.write(`${PAIRS} pairs of runs, ${TICKETS} tickets × ${REPEAT} tries; share of runs the gate fails:\n`);
process.stdout.write(`${formatTable(['tries of a ticket', 'reading', 'unchanged (false alarms)', '5-point drop', '10-point drop'], rows)}\n`);
await mkdir(dirname(values.out), { recursive: true });
await writeFile(values.out, `${JSON.stringify({ machine: machine(), pairs: PAIRS, tickets: TICKETS, repeat: REPEAT, rows }, null, 2)}\n`);
log(`JSON: ${values.out}`);
