import { execFile, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
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
 * (_llm-endpoint-child.ts). Measured side by side, for each (L, c): bare POSTs over node:http's
 * kept-alive connections at concurrency c, the client's own transport without its queue (what the
 * endpoint allows on this machine, which it shares with the harness); the LLM client (queue,
 * pacing, retries, JSON); and the whole replay of demo tickets through the `llm` responder (ticket
 * selection, retrieval, prompt building, results written to disk). The target: replay ≥
 * 0.95 × c / L. Then the harness's capacity: the replay against an endpoint answering at once.
 */

const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    /** Tickets replayed per setting: a seeded sample of the demo's last 90 days (the long setting's own count apart). */
    tickets: { type: 'string', default: '128' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/llm.json', import.meta.url)) },
  },
});

interface Setting {
  latencyMs: number;
  concurrency: number;
  /** Requests of a long setting, drawn from the whole history (the 90-day window holds 271 tickets); --tickets otherwise. */
  requests?: number;
}

/**
 * A hosted model's usual latency at a few concurrencies, and one fast local model, also over 512
 * requests: 128 requests at c = 16 are 8 rounds of 100 ms, so the slowest reply of the last round
 * moves the ratio by 1–2 % whatever the caller (bare POSTs reach 0.93–0.96 there, 0.97 over 512).
 * The long setting measures what the harness keeps once it runs, the short one what a small run gets.
 */
const SETTINGS: Setting[] = [
  { latencyMs: 500, concurrency: 4 },
  { latencyMs: 500, concurrency: 16 },
  { latencyMs: 1000, concurrency: 32 },
  { latencyMs: 100, concurrency: 16 },
  { latencyMs: 100, concurrency: 16, requests: 512 },
];
const CLI = fileURLToPath(new URL('../bin/shadowdesk.js', import.meta.url));
const REPLY = JSON.stringify({ decision: 'reply', confidence: 0.9, answer: 'Bonjour, votre colis arrive sous 48 heures.', sources: [] });

interface Row {
  latencyMs: number;
  concurrency: number;
  requests: number;
  /** c / L: answers per second if the harness cost nothing. */
  ideal: number;
  /** Bare POSTs over kept-alive node:http connections, c at a time: what the endpoint allows on this machine. */
  bareHttp: number;
  client: number;
  /** From the replay's first request to its end. */
  replay: number;
  /** From calling the replay to its first request: selecting tickets, opening the index and the model. */
  replayStartSeconds: number;
  /** CPU the replay used per ticket (user + system), in ms: what leaves room for other work. */
  replayCpuMsPerTicket: number;
}

interface Capacity {
  latencyMs: number;
  concurrency: number;
  tickets: number;
  /** From the replay's first request to its end. */
  ticketsPerSecond: number;
  cpuMsPerTicket: number;
}

const perSecond = (count: number, since: number) => count / ((performance.now() - since) / 1000);

/**
 * `count` bare POSTs of the same body, `concurrency` at a time, over kept-alive connections: the
 * client's transport without its queue, retries or JSON. Bare fetch, measured here before, cost
 * about three times the CPU a request (0.84–1.44 against 0.26–0.48 ms) and reached 0.88–0.92 of
 * c / L at 100 ms where this reaches 0.92–0.95: the ceiling it showed was fetch's, not the endpoint's.
 */
async function bareHttp(url: string, count: number, concurrency: number): Promise<number> {
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'system', content: '' }, { role: 'user', content: 'Bonjour' }] });
  const agent = new Agent({ keepAlive: true });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const sent = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        response.on('data', () => undefined);
        response.on('end', resolve);
        response.on('error', reject);
      });
      sent.on('error', reject);
      sent.end(body);
    });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < count) await post();
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    return perSecond(count, started);
  } finally {
    agent.destroy();
  }
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

/**
 * The replay of `sample` demo tickets (every ticket of the window without one; of the whole history
 * with `wholeHistory`) through the `llm` responder, timed from its first request (the start, paid
 * once per run, apart).
 */
async function timedReplay(workspace: string, runDir: string, endpoint: ChildEndpoint, latencyMs: number, concurrency: number, sample?: number, wholeHistory = false) {
  // No response cache: every ticket asks the endpoint, as a first run of a candidate does. The
  // replay's own default concurrency: four times the endpoint's.
  const candidate = createLlmResponder({ id: 'llm:bench', endpoint: { baseUrl: endpoint.baseUrl, model: `bench-${latencyMs}-${concurrency}`, concurrency } });
  const cpu = process.cpuUsage();
  const started = performance.now();
  endpoint.mark();
  const summary = await replay({ workspace, runDir, candidates: [candidate], selection: { ...(!wholeHistory && { holdoutDays: 90 }), seed: 42, ...(sample !== undefined && { sample }) } });
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  const firstRequestAt = await endpoint.firstRequestAt();
  return {
    tickets: summary.tickets,
    perSecond: summary.tickets / ((ended - firstRequestAt) / 1000),
    startSeconds: (firstRequestAt - started) / 1000,
    cpuMsPerTicket: (used.user + used.system) / 1000 / summary.tickets,
  };
}

async function measure(workspace: string, scratch: string, { latencyMs, concurrency, requests }: Setting): Promise<Row> {
  const sample = requests ?? Number(values.tickets);
  const endpoint = await startChildEndpoint(latencyMs);
  try {
    const bare = await bareHttp(`${endpoint.baseUrl}/chat/completions`, sample, concurrency);

    const client = createLlmClient({ baseUrl: endpoint.baseUrl, model: `bench-${latencyMs}-${concurrency}`, concurrency });
    const started = performance.now();
    await Promise.all(Array.from({ length: sample }, (_, index) => client.chat([{ role: 'user', content: `Bonjour ${index}` }])));
    const viaClient = perSecond(sample, started);

    const viaReplay = await timedReplay(workspace, join(scratch, `run-${latencyMs}-${concurrency}-${sample}`), endpoint, latencyMs, concurrency, sample, requests !== undefined);
    return {
      latencyMs,
      concurrency,
      requests: sample,
      ideal: concurrency / (latencyMs / 1000),
      bareHttp: bare,
      client: viaClient,
      replay: viaReplay.perSecond,
      replayStartSeconds: viaReplay.startSeconds,
      replayCpuMsPerTicket: viaReplay.cpuMsPerTicket,
    };
  } finally {
    await endpoint.close();
  }
}

/**
 * The most tickets a second the replay sends here at the fast row's concurrency: an endpoint
 * answering at once, every ticket of the window. The nearer a setting's c / L comes to it, the
 * less spare time the harness has to send the next request the moment a reply comes.
 */
const CAPACITY = { latencyMs: 1, concurrency: 16 };

async function measureCapacity(workspace: string, scratch: string): Promise<Capacity> {
  const endpoint = await startChildEndpoint(CAPACITY.latencyMs);
  try {
    const { tickets, perSecond: ticketsPerSecond, cpuMsPerTicket } = await timedReplay(workspace, join(scratch, 'run-capacity'), endpoint, CAPACITY.latencyMs, CAPACITY.concurrency);
    return { ...CAPACITY, tickets, ticketsPerSecond, cpuMsPerTicket };
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
  for (const setting of SETTINGS) {
    log(`latency ${setting.latencyMs} ms, concurrency ${setting.concurrency}, ${setting.requests ?? values.tickets} requests…`);
    rows.push(await measure(workspace, scratch, setting));
  }
  log(`capacity: latency ${CAPACITY.latencyMs} ms, concurrency ${CAPACITY.concurrency}…`);
  const capacity = await measureCapacity(workspace, scratch);
  const ratio = (value: number, of: number) => fixed(value / of, 3);
  process.stdout.write(
    [
      `An LLM candidate against an endpoint on 127.0.0.1 of fixed latency L, c requests in flight; n demo tickets (of the last 90 days at ${values.tickets}, of the whole history beyond); answers/s, ideal = c / L.`,
      '',
      formatTable(
        ['L', 'c', 'n', 'ideal/s', 'bare http/s', 'client/s', 'replay/s', 'replay ÷ ideal', 'replay ÷ bare http', 'replay start s', 'replay CPU ms/ticket'],
        rows.map((row) => [
          `${row.latencyMs} ms`,
          String(row.concurrency),
          String(row.requests),
          fixed(row.ideal, 1),
          fixed(row.bareHttp, 1),
          fixed(row.client, 1),
          fixed(row.replay, 1),
          ratio(row.replay, row.ideal),
          ratio(row.replay, row.bareHttp),
          fixed(row.replayStartSeconds, 1),
          fixed(row.replayCpuMsPerTicket, 1),
        ]),
      ),
      '',
      `Harness capacity at c = ${CAPACITY.concurrency}: ${fixed(capacity.ticketsPerSecond, 1)} tickets/s from the first request, against an endpoint answering in ${CAPACITY.latencyMs} ms (all ${capacity.tickets} tickets of the window, CPU ${fixed(capacity.cpuMsPerTicket, 1)} ms/ticket).`,
      `Target: replay ≥ 0.95 × c / L, from its first request (the start, paid once per run, apart). Load average ${loadAtStart[0]} at the start, ${load()[0]} at the end (${machine().cpus} cores).`,
      '',
    ].join('\n'),
  );
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify({ machine: machine(), load: { start: loadAtStart, end: load() }, tickets: Number(values.tickets), rows, capacity }, null, 2)}\n`);
  log(`wrote ${values.out}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
