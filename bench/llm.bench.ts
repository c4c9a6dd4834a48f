import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { createLlmClient } from '../eval/llm/client.ts';
import { replay } from '../eval/replay/replay.ts';
import { createLlmResponder } from '../eval/responders/llm.ts';
import { fixed, formatTable, load, log, machine } from './_shared.ts';

/**
 * What the harness costs around an LLM candidate. An OpenAI-compatible endpoint on 127.0.0.1 answers
 * every request after a fixed latency L; with c requests in flight the best any caller can do is
 * c / L answers per second. The endpoint runs in a process of its own, as a real one does
 * (_llm-endpoint-child.ts). Measured side by side, for each (L, c): bare `fetch`
 * calls at concurrency c (what the endpoint allows), the LLM client (queue, pacing, retries, JSON),
 * and the whole replay of demo tickets through the `llm` responder (ticket selection, retrieval,
 * prompt building, results written to disk). The target: replay ≥ 0.95 × c / L.
 */

const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    /** Tickets replayed per setting: a seeded sample of the demo's last 90 days. */
    tickets: { type: 'string', default: '128' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/llm.json', import.meta.url)) },
  },
});

/** [latency ms, concurrency]: a hosted model's usual latency at a few concurrencies, and one fast local model. */
const SETTINGS: Array<[number, number]> = [
  [500, 4],
  [500, 16],
  [1000, 32],
  [100, 16],
];
const CLI = fileURLToPath(new URL('../bin/shadowdesk.js', import.meta.url));
const REPLY = JSON.stringify({ decision: 'reply', confidence: 0.9, answer: 'Bonjour, votre colis arrive sous 48 heures.', sources: [] });

interface Row {
  latencyMs: number;
  concurrency: number;
  requests: number;
  /** c / L: answers per second if the harness cost nothing. */
  ideal: number;
  bareFetch: number;
  client: number;
  /** From the replay's first request to its end. */
  replay: number;
  /** From calling the replay to its first request: selecting tickets, opening the index and the model. */
  replayStartSeconds: number;
  /** CPU the replay used per ticket (user + system), in ms: what leaves room for other work. */
  replayCpuMsPerTicket: number;
}

const perSecond = (count: number, since: number) => count / ((performance.now() - since) / 1000);

/** `count` bare POSTs of the same body, `concurrency` at a time. */
async function bareFetch(url: string, count: number, concurrency: number): Promise<number> {
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'system', content: '' }, { role: 'user', content: 'Bonjour' }] });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < count) await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return perSecond(count, started);
}

/** The fake endpoint in its own process: its URL, and when the first request since a mark came (on the harness's clock). */
interface ChildEndpoint {
  baseUrl: string;
  mark(): void;
  firstRequestAt(): Promise<number>;
  close(): Promise<void>;
}

async function startChildEndpoint(latencyMs: number): Promise<ChildEndpoint> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./_llm-endpoint-child.ts', import.meta.url)), [String(latencyMs), REPLY], { execArgv: ['--import', 'tsx/esm'] });
  const next = async <T>() => (await once(child, 'message'))[0] as T;
  const { baseUrl } = await next<{ baseUrl: string }>();
  return {
    baseUrl,
    mark: () => child.send('mark'),
    async firstRequestAt() {
      child.send('first');
      return (await next<{ firstAt: number }>()).firstAt - performance.timeOrigin;
    },
    async close() {
      child.send('close');
      await once(child, 'exit');
    },
  };
}

async function measure(workspace: string, scratch: string, latencyMs: number, concurrency: number, sample: number): Promise<Row> {
  const endpoint = await startChildEndpoint(latencyMs);
  try {
    const settings = { baseUrl: endpoint.baseUrl, model: `bench-${latencyMs}-${concurrency}`, concurrency };
    const bare = await bareFetch(`${endpoint.baseUrl}/chat/completions`, sample, concurrency);

    const client = createLlmClient(settings);
    let started = performance.now();
    await Promise.all(Array.from({ length: sample }, (_, index) => client.chat([{ role: 'user', content: `Bonjour ${index}` }])));
    const viaClient = perSecond(sample, started);

    // No response cache: every ticket asks the endpoint, as a first run of a candidate does. The
    // replay's own default concurrency: twice the endpoint's.
    const candidate = createLlmResponder({ id: 'llm:bench', endpoint: settings });
    const cpu = process.cpuUsage();
    started = performance.now();
    endpoint.mark();
    const summary = await replay({ workspace, runDir: join(scratch, `run-${latencyMs}-${concurrency}`), candidates: [candidate], selection: { holdoutDays: 90, sample, seed: 42 } });
    const ended = performance.now();
    const used = process.cpuUsage(cpu);
    const firstRequestAt = await endpoint.firstRequestAt();
    // Opening the index and the model is paid once per run, whatever its length: timed apart.
    const startSeconds = (firstRequestAt - started) / 1000;
    const viaReplay = summary.tickets / ((ended - firstRequestAt) / 1000);
    return {
      latencyMs,
      concurrency,
      requests: sample,
      ideal: concurrency / (latencyMs / 1000),
      bareFetch: bare,
      client: viaClient,
      replay: viaReplay,
      replayStartSeconds: startSeconds,
      replayCpuMsPerTicket: (used.user + used.system) / 1000 / summary.tickets,
    };
  } finally {
    await endpoint.close();
  }
}

const loadAtStart = load();
const scratch = await mkdtemp(join(tmpdir(), 'shadowdesk-llm-bench-'));
try {
  let workspace = values.workspace;
  if (!workspace) {
    workspace = join(scratch, 'workspace');
    log('building the demo workspace with `shadowdesk demo`…');
    await promisify(execFile)(process.execPath, [CLI, 'demo', '--workspace', workspace], { maxBuffer: 64 * 1024 * 1024 });
  }
  const rows: Row[] = [];
  for (const [latencyMs, concurrency] of SETTINGS) {
    log(`latency ${latencyMs} ms, concurrency ${concurrency}…`);
    rows.push(await measure(workspace, scratch, latencyMs, concurrency, Number(values.tickets)));
  }
  const ratio = (value: number, of: number) => fixed(value / of, 3);
  process.stdout.write(
    [
      `An LLM candidate against an endpoint on 127.0.0.1 of fixed latency L, c requests in flight; ${values.tickets} demo tickets per setting (answers/s; ideal = c / L).`,
      '',
      formatTable(
        ['L', 'c', 'ideal/s', 'bare fetch/s', 'client/s', 'replay/s', 'replay ÷ ideal', 'replay ÷ bare fetch', 'replay start s', 'replay CPU ms/ticket'],
        rows.map((row) => [
          `${row.latencyMs} ms`,
          String(row.concurrency),
          fixed(row.ideal, 1),
          fixed(row.bareFetch, 1),
          fixed(row.client, 1),
          fixed(row.replay, 1),
          ratio(row.replay, row.ideal),
          ratio(row.replay, row.bareFetch),
          fixed(row.replayStartSeconds, 1),
          fixed(row.replayCpuMsPerTicket, 1),
        ]),
      ),
      '',
      `Target: replay ≥ 0.95 × c / L, from its first request (the start, paid once per run, apart). Load average ${loadAtStart[0]} at the start, ${load()[0]} at the end (${machine().cpus} cores).`,
      '',
    ].join('\n'),
  );
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify({ machine: machine(), load: { start: loadAtStart, end: load() }, tickets: Number(values.tickets), rows }, null, 2)}\n`);
  log(`wrote ${values.out}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
