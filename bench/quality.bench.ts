import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_DATA_DIR } from '../datasets/demo/location.ts';
import type { Ticket } from '../datasets/records.ts';
import { ticketHistory } from '../eval/judges/history.ts';
import { judgeRun } from '../eval/judges/judge-run.ts';
import { computeMetrics, type Rate } from '../eval/metrics/metrics.ts';
import { readResults, replay, selectTickets } from '../eval/replay/replay.ts';
import { responderFor } from '../eval/responders/index.ts';
import { importSources } from '../pipelines/import.ts';
import { buildIndex } from '../pipelines/search-index.ts';
import { openSearcher, type SearchMode } from '../pipelines/search-tables.ts';
import { readRecords } from '../pipelines/workspace.ts';

/**
 * The whole simulation on public customer-support datasets (../shared/datasets, read in place,
 * never copied) and on the demo brand, with the built-in model and candidates: retrieval quality
 * against each dataset's intent labels, automation, accuracy and wrong answers with intervals,
 * whether the verdict agrees with the labels, and seconds per stage.
 */

process.env.LANCEDB_LOG ??= 'error';

const { values } = parseArgs({
  options: {
    holdout: { type: 'string', default: '0.2' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/quality.json', import.meta.url)) },
  },
});
const HOLDOUT_SHARE = Number(values.holdout);
const DATASETS = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const CANDIDATES = ['past-ticket', 'macro', 'knowledge-base', 'composite'];
const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-quality-'));
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Dataset {
  name: string;
  paths: string[];
  /** How time travel is approximated when the data has no timestamps. */
  time: string;
  /** Whether a knowledge passage is the right policy for a labelled ticket, where the data says. */
  rightKnowledge?: (intent: string, passageId: string) => boolean;
}

const datasets: Dataset[] = [
  { name: 'demo (Maison Lune, generated)', paths: [DEMO_DATA_DIR], time: 'real timestamps' },
  {
    name: 'ABCD (guidelines and kb as knowledge, sample conversations)',
    paths: ['guidelines.json', 'kb.json', 'abcd_sample.json', 'abcd_processed_sample_20.jsonl'].map((file) => join(DATASETS, 'abcd', file)),
    time: 'none in the data: conversations dated one hour apart in file order',
    // Knowledge ids are abcd:<flow>/<subflow>; the conversations' subflow names differ, their flows match.
    rightKnowledge: (intent, passageId) => passageId.startsWith(`abcd:${intent.split('/')[0]}/`),
  },
  {
    name: 'Bitext (27 intents)',
    paths: [join(DATASETS, 'bitext_customer_support', 'Bitext_Sample_Customer_Support_Training_Dataset.v2023-09-19.csv')],
    time: 'none in the data: rows dated one hour apart in file order',
  },
  {
    name: 'multilingual tickets (queues as intents)',
    paths: [join(DATASETS, 'multilingual_tickets_tobibueck', 'dataset-tickets-multi-lang3-4k.prefix.csv')],
    time: 'none in the data: rows dated one hour apart in file order',
  },
];

/** The dataset's own label: an `intent:` tag, else the queue (the multilingual set's only label), else the intent of the macro the agent used. */
function intentOf(ticket: Ticket): string | undefined {
  const tag = ticket.tags.find((entry) => entry.startsWith('intent:')) ?? ticket.tags.find((entry) => entry.startsWith('queue:'));
  if (tag) return tag.slice(tag.indexOf(':') + 1);
  return ticketHistory(ticket).reference?.macro?.replace(/^[A-Z]{2}\s*-\s*/, '').toLowerCase();
}

function kappa(pairs: Array<[boolean, boolean]>): number | null {
  if (pairs.length === 0) return null;
  const n = pairs.length;
  const observed = pairs.filter(([a, b]) => a === b).length / n;
  const pa = pairs.filter(([a]) => a).length / n;
  const pb = pairs.filter(([, b]) => b).length / n;
  const expected = pa * pb + (1 - pa) * (1 - pb);
  return expected === 1 ? null : (observed - expected) / (1 - expected);
}

const rate = (value: Rate) => (value.value === null ? '–' : `${(value.value * 100).toFixed(1)}% (${((value.low ?? 0) * 100).toFixed(1)}–${((value.high ?? 0) * 100).toFixed(1)})`);

const results: Array<Record<string, unknown>> = [];
try {
  for (const dataset of datasets) {
    if (!dataset.paths.every(existsSync)) {
      log(`${dataset.name}: skipped, ${dataset.paths.find((path) => !existsSync(path))} is absent`);
      continue;
    }
    log(`${dataset.name}…`);
    const workspace = join(scratch, dataset.name.replace(/\W+/g, '-'));
    const seconds: Record<string, number> = {};
    let started = performance.now();
    await importSources(dataset.paths.map((path) => ({ path })), { workspace });
    seconds.import = (performance.now() - started) / 1000;
    started = performance.now();
    await buildIndex({ workspace });
    seconds.index = (performance.now() - started) / 1000;

    const tickets = new Map<string, Ticket>();
    for await (const ticket of readRecords(workspace, 'ticket')) tickets.set(ticket.id, ticket);
    const all = await selectTickets(workspace);
    const span = Date.parse(all.at(-1)!.createdAt) - Date.parse(all[0]!.createdAt);
    const holdoutDays = Math.max(1, Math.round((span * HOLDOUT_SHARE) / 86_400_000));
    const holdout = await selectTickets(workspace, { holdoutDays });

    // Retrieval: does the nearest past ticket carry the same intent label?
    const retrieval: Array<Record<string, unknown>> = [];
    const searcher = await openSearcher(workspace);
    const labelled = holdout.filter((ticket) => intentOf(ticket));
    for (const mode of ['vector', 'fts', 'hybrid'] as SearchMode[]) {
      let recall = 0;
      let reciprocal = 0;
      for (const ticket of labelled) {
        const question = ticketHistory(ticket).question?.text ?? '';
        const hits = await searcher.search(`${ticket.subject}\n${question}`, { table: 'tickets', mode, limit: 10, asOf: ticket.createdAt, excludeTicketId: ticket.id });
        const relevant = hits.map((hit) => intentOf(tickets.get(hit.id)!) === intentOf(ticket));
        recall += relevant.slice(0, 5).filter(Boolean).length / 5;
        const first = relevant.indexOf(true);
        reciprocal += first >= 0 ? 1 / (first + 1) : 0;
      }
      retrieval.push({ mode, queries: labelled.length, precisionAt5: recall / Math.max(1, labelled.length), mrr: reciprocal / Math.max(1, labelled.length) });
    }
    if (dataset.rightKnowledge) {
      const everyLabelled = all.filter((ticket) => intentOf(ticket));
      for (const mode of ['vector', 'fts', 'hybrid'] as SearchMode[]) {
        let found = 0;
        let reciprocal = 0;
        for (const ticket of everyLabelled) {
          const question = ticketHistory(ticket).question?.text ?? '';
          const hits = await searcher.search(`${ticket.subject}\n${question}`, { table: 'knowledge', mode, limit: 5 });
          const first = hits.findIndex((hit) => dataset.rightKnowledge!(intentOf(ticket)!, hit.id));
          if (first >= 0) {
            found++;
            reciprocal += 1 / (first + 1);
          }
        }
        retrieval.push({ mode: `${mode} (knowledge)`, queries: everyLabelled.length, recallAt5: found / Math.max(1, everyLabelled.length), mrr: reciprocal / Math.max(1, everyLabelled.length) });
      }
    }
    await searcher.close();

    const runDir = join(workspace, 'runs', 'quality');
    started = performance.now();
    await replay({ workspace, runDir, candidates: CANDIDATES.map(responderFor), selection: { holdoutDays } });
    seconds.replay = (performance.now() - started) / 1000;
    started = performance.now();
    const { judged } = await judgeRun({ runDir });
    const metrics = computeMetrics(judged);
    seconds.judge = (performance.now() - started) / 1000;

    // The verdict against the labels: a correct verdict should go with an answer whose source has the ticket's intent.
    const results_ = await readResults(runDir);
    const sourceIntent = (index: number): string | undefined => {
      const source = results_[index]!.answer.sources.find((entry) => entry.type === 'ticket');
      return source ? intentOf(tickets.get(source.id)!) : undefined;
    };
    const candidates = metrics.candidates.map((candidate) => {
      const pairs: Array<[boolean, boolean]> = [];
      judged.forEach((entry, index) => {
        if (entry.candidate !== candidate.candidate || !entry.sent || entry.verdict === 'cannot-judge') return;
        const own = intentOf(tickets.get(entry.ticketId)!);
        const cited = sourceIntent(index);
        if (own && cited) pairs.push([entry.verdict === 'correct', cited === own]);
      });
      return {
        candidate: candidate.candidate,
        automation: candidate.automation.verified,
        accuracy: candidate.accuracy,
        wrongRate: candidate.wrongRate,
        labelPairs: pairs.length,
        labelAgreement: pairs.length ? pairs.filter(([a, b]) => a === b).length / pairs.length : null,
        labelKappa: kappa(pairs),
      };
    });
    results.push({ dataset: dataset.name, time: dataset.time, tickets: all.length, replayed: holdout.length, holdoutDays, seconds, retrieval, candidates });
    await rm(workspace, { recursive: true, force: true });
  }

  const out = process.stdout;
  out.write(`\nQuality on public datasets and the demo, built-in model and candidates (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version})\n`);
  for (const result of results) {
    const seconds = result.seconds as Record<string, number>;
    out.write(`\n${result.dataset}: ${(result.replayed as number).toLocaleString('en-US')} of ${(result.tickets as number).toLocaleString('en-US')} tickets replayed (last ${result.holdoutDays} days); time: ${result.time}\n`);
    out.write(`  seconds: import ${seconds.import!.toFixed(1)}, index ${seconds.index!.toFixed(1)}, replay ${seconds.replay!.toFixed(1)}, judge ${seconds.judge!.toFixed(1)}\n`);
    const rows = result.retrieval as Array<{ mode: string; queries: number; precisionAt5?: number; recallAt5?: number; mrr: number }>;
    out.write(`  past tickets of the same intent: ${rows.filter((row) => row.precisionAt5 !== undefined).map((row) => `${row.mode} P@5 ${row.precisionAt5!.toFixed(3)} MRR ${row.mrr.toFixed(3)}`).join(' · ')}\n`);
    const knowledge = rows.filter((row) => row.recallAt5 !== undefined);
    if (knowledge.length > 0) out.write(`  the ticket's policy in the top 5 (${knowledge[0]!.queries} tickets): ${knowledge.map((row) => `${row.mode} ${row.recallAt5!.toFixed(3)} MRR ${row.mrr.toFixed(3)}`).join(' · ')}\n`);
    out.write(`  ${'candidate'.padEnd(16)}${'automation'.padEnd(22)}${'accuracy'.padEnd(22)}${'wrong answers'.padEnd(22)}verdict vs labels\n`);
    for (const candidate of result.candidates as Array<{ candidate: string; automation: Rate; accuracy: Rate; wrongRate: Rate; labelPairs: number; labelAgreement: number | null; labelKappa: number | null }>) {
      const labels = candidate.labelAgreement === null ? '–' : `${(candidate.labelAgreement * 100).toFixed(0)}% agree, κ ${candidate.labelKappa?.toFixed(2) ?? '–'} (n=${candidate.labelPairs})`;
      out.write(`  ${candidate.candidate.padEnd(16)}${rate(candidate.automation).padEnd(22)}${rate(candidate.accuracy).padEnd(22)}${rate(candidate.wrongRate).padEnd(22)}${labels}\n`);
    }
  }
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, results }, null, 2)}\n`);
  out.write(`\nJSON: ${values.out}\n`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
