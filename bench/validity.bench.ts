import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { judgeRun } from '../eval/judges/judge-run.ts';
import type { JudgedTicket } from '../eval/judges/types.ts';
import { readResults, replay, selectTickets } from '../eval/replay/replay.ts';
import { responderFor } from '../eval/responders/index.ts';
import { importSources } from '../pipelines/import.ts';
import { buildIndex } from '../pipelines/search-index.ts';
import { replayWindowStart } from '../eval/simulate.ts';
import { log, machine } from './_shared.ts';
import { VALIDITY_DATASETS, type ValidityDataset } from './_validity-datasets.ts';
import { renderValidityTable, validityTable, type LabelledItem } from './_validity-metrics.ts';

/**
 * The judge against people (issue 17): every validation dataset is replayed with the built-in
 * candidates and judged; a seeded sample of the sent answers (the same number per candidate) is
 * joined with the labels in bench/validity/labels.csv, which people wrote blind — from a dump
 * with no candidate, no verdict and no source (`--dump`) — and the figures are computed on the
 * half nobody tuned on. An item is one (ticket, answer text): candidates that sent the same text
 * share its label, and an answer that changed since it was labelled has no label until it is
 * labelled again.
 */

process.env.LANCEDB_LOG ??= 'error';

const { values } = parseArgs({
  options: {
    dump: { type: 'string' },
    labels: { type: 'string', default: fileURLToPath(new URL('./validity/labels.csv', import.meta.url)) },
    'per-candidate': { type: 'string', default: '160' },
    'max-tickets': { type: 'string', default: '800' },
    seed: { type: 'string', default: '17' },
    half: { type: 'string', default: 'report' },
    /** Where to write the tune half's labelled answers with their judges, to study and tune on (the report half is never studied). */
    'tune-items': { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/validity.json', import.meta.url)) },
  },
});
const PER_CANDIDATE = Number(values['per-candidate']);
const SEED = Number(values.seed);
const CANDIDATES = ['past-ticket', 'macro', 'knowledge-base', 'composite'];

/** An answer a person can label: what the customer asked, what the agent replied, what the candidate would have sent. */
export interface DrawnAnswer {
  /** sha256 of dataset, ticket and answer text, 12 hex: the same text to the same ticket is one item. */
  id: string;
  dataset: string;
  ticketId: string;
  candidate: string;
  /** How many sent answers the candidate had to draw from, over how many it drew: the answer's weight. */
  weight: number;
  question: string;
  reference: string;
  answer: string;
  judged: JudgedTicket;
}

const sha = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);

/** The tune half and the report half, fixed by the item's id so no later change moves an item between them. */
const halfOf = (id: string): 'tune' | 'report' => (Number.parseInt(id.slice(-1), 16) % 2 === 0 ? 'tune' : 'report');

async function drawAnswers(dataset: ValidityDataset, scratch: string): Promise<{ drawn: DrawnAnswer[]; judged: JudgedTicket[] }> {
  const workspace = join(scratch, dataset.name);
  await importSources(dataset.paths.map((path) => ({ path })), { workspace });
  const all = await selectTickets(workspace);
  const span = Date.parse(all.at(-1)!.createdAt) - Date.parse(all[0]!.createdAt);
  const holdoutDays = Math.max(1, Math.round((span * (dataset.replayShare ?? 0.2)) / 86_400_000));
  const selection = { holdoutDays, sample: Number(values['max-tickets']), seed: SEED };
  // As simulate does: the built-in model fitted only on what existed before the replay starts.
  await buildIndex({ workspace, cutoff: await replayWindowStart(workspace, selection) });
  const runDir = join(workspace, 'runs', 'validity');
  await replay({ workspace, runDir, candidates: CANDIDATES.map(responderFor), selection });
  const { judged, tickets } = await judgeRun({ runDir });
  const results = await readResults(runDir);
  const drawn: DrawnAnswer[] = [];
  for (const candidate of CANDIDATES) {
    const sent = judged.flatMap((entry, index) => {
      const view = tickets.get(entry.ticketId);
      return entry.candidate === candidate && entry.sent && view?.humanReply ? [{ entry, view, answer: results[index]!.answer.text }] : [];
    });
    const chosen = sent.map((item) => ({ item, key: sha(String(SEED), item.entry.ticketId) })).sort((a, b) => a.key.localeCompare(b.key)).slice(0, PER_CANDIDATE);
    for (const { item } of chosen) {
      drawn.push({
        id: sha(dataset.name, item.entry.ticketId, item.answer),
        dataset: dataset.name,
        ticketId: item.entry.ticketId,
        candidate,
        weight: sent.length / chosen.length,
        question: item.view.question,
        reference: item.view.humanReply!,
        answer: item.answer,
        judged: item.entry,
      });
    }
  }
  return { drawn, judged };
}

/** The labelling file: one item per line, shuffled across datasets, with nothing that hints at a verdict. */
async function writeDump(file: string, drawn: readonly DrawnAnswer[]): Promise<void> {
  const items = new Map(drawn.map((answer) => [answer.id, answer]));
  const lines = [...items.values()]
    .sort((a, b) => sha(String(SEED), a.id).localeCompare(sha(String(SEED), b.id)))
    .map((answer) => JSON.stringify({ id: answer.id, dataset: answer.dataset, language: answer.judged.language, customer: answer.question, agent: answer.reference, answer: answer.answer }));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${lines.join('\n')}\n`);
  log(`${items.size} items to label (from ${drawn.length} drawn answers) written to ${file}`);
}

/** labels.csv: id,label — the people’s labels, committed without any text. */
async function readLabels(file: string): Promise<Map<string, string>> {
  const text = await readFile(file, 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  if (header !== 'id,label') throw new Error(`${file}: expected the header "id,label"`);
  return new Map(rows.map((row, index) => {
    const [id, label] = row.split(',');
    if (!id || !['correct', 'wrong', 'needs-human'].includes(label ?? '')) throw new Error(`${file}:${index + 2}: expected an item id and one of correct, wrong, needs-human`);
    return [id, label!];
  }));
}

const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-validity-'));
try {
  const perDataset: Array<{ dataset: string; drawn: DrawnAnswer[]; judged: JudgedTicket[] }> = [];
  for (const dataset of VALIDITY_DATASETS) {
    const missing = dataset.paths.find((path) => !existsSync(path));
    if (missing) {
      log(`${dataset.name}: skipped, ${missing} is absent`);
      continue;
    }
    log(`${dataset.name}…`);
    perDataset.push({ dataset: dataset.name, ...(await drawAnswers(dataset, scratch)) });
  }
  if (values.dump) {
    await writeDump(values.dump, perDataset.flatMap((entry) => entry.drawn));
  } else {
    const labels = await readLabels(values.labels);
    const drawnIds = new Set(perDataset.flatMap(({ drawn }) => drawn.map((answer) => answer.id)));
    const unmatched = [...labels.keys()].filter((id) => !drawnIds.has(id)).length;
    // A label whose answer is no longer drawn (a candidate changed it) measures nothing: say so, never drop it silently.
    log(`${labels.size - unmatched} of ${labels.size} labels match an answer drawn today${unmatched > 0 ? `; ${unmatched} answers changed since they were labelled: dump and label them again` : ''}`);
    const half = values.half as 'tune' | 'report' | 'all';
    const rows = perDataset.map(({ dataset, drawn, judged }) => {
      const items: LabelledItem[] = drawn.flatMap((answer) => {
        const label = labels.get(answer.id);
        return label && (half === 'all' || halfOf(answer.id) === half) ? [{ answer, label }] : [];
      });
      return { dataset, ...validityTable(items, judged) };
    });
    if (values['tune-items']) {
      if (half !== 'tune') throw new Error('--tune-items reads the tune half only: add --half tune');
      const lines = perDataset.flatMap(({ drawn }) =>
        drawn.flatMap((answer) => {
          const label = labels.get(answer.id);
          if (!label || halfOf(answer.id) !== 'tune') return [];
          const { judged, ...rest } = answer;
          return [JSON.stringify({ ...rest, label, verdict: judged.verdict, contained: judged.resolution.contained, judges: judged.judges })];
        }),
      );
      await writeFile(values['tune-items'], `${lines.join('\n')}\n`);
      log(`${lines.length} labelled answers of the tune half written to ${values['tune-items']}`);
    }
    process.stdout.write(`\nThe judge against blind labels, ${half} half (${new Date().toISOString().slice(0, 10)})\n\n`);
    process.stdout.write(renderValidityTable(rows));
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify({ machine: machine(), half, seed: SEED, perCandidate: PER_CANDIDATE, rows }, null, 2)}\n`);
    process.stdout.write(`\nJSON: ${values.out}\n`);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
