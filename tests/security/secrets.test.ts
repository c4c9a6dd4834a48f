import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LLM_JUDGE_RUBRIC } from '../../eval/judges/llm-judge.ts';
import { runCli, type CliRun } from '../helpers/cli.ts';
import { startFakeEndpoint, type Behaviour, type FakeEndpoint, type RecordedRequest } from '../helpers/llm-server.ts';
import { buildReplayWorkspace } from '../helpers/replay-workspace.ts';

const KEY_ENV = 'SHADOWDESK_SECRETS_TEST_KEY';
const KEY = `sk-test-${randomBytes(16).toString('hex')}`;

const simulate = (args: string[]) => runCli(['simulate', ...args], { env: { [KEY_ENV]: KEY } });

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const isJudge = (request: RecordedRequest) => request.body.messages[0]?.content === LLM_JUDGE_RUBRIC;
const answer = { reply: JSON.stringify({ decision: 'reply', confidence: 0.9, answer: 'Your parcel is on its way; the tracking link is in your e-mail.', sources: ['K1'] }) };
const grade = { reply: JSON.stringify({ score: 1, reason: 'same resolution' }) };
/** What OpenAI answers to a wrong key: the key masked but for its last four characters. */
const unauthorized = { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: sk-test-****${KEY.slice(-4)}.`, code: 'invalid_api_key' } }) };

/** The same prompt always meets the same fate, so a retried 500 fails again and is recorded. */
const roll = (request: RecordedRequest, sides: number) => createHash('sha1').update(request.body.messages[1]?.content ?? '').digest().readUInt8(0) % sides;

function configOf(baseUrl: string, cache = true): string {
  const endpoint = (model: string) => ({ baseUrl, model, apiKeyEnv: KEY_ENV, maxRetries: 1, retryBaseMs: 1, redact: true, cache });
  return stringify({ candidates: [{ id: 'llm', type: 'llm', ...endpoint('test-model') }, { type: 'past-ticket' }], judge: { llm: endpoint('judge-model') } });
}

describe('API keys and personal data in a simulation', () => {
  let dir: string;
  let workspace: string;
  let endpoint: FakeEndpoint;
  let config: string;
  /** Switched between the phases; every request the CLI sends goes through it. */
  let behave: (request: RecordedRequest) => Behaviour = () => answer;
  const runs: CliRun[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shadowdesk-secrets-'));
    // A French mobile and an e-mail in every customer's first message, for the redaction check.
    workspace = await buildReplayWorkspace(dir, { signature: (index) => `\n--\nc${index}@example.com, 06 12 34 56 ${String(10 + index)}` });
    endpoint = await startFakeEndpoint((request) => behave(request));
    config = join(dir, 'shadowdesk.yaml');
    await writeFile(config, configOf(endpoint.baseUrl));
    // Failing phase: 401 and 500 for part of the answers and every judgement, so errors are recorded.
    behave = (request) => (isJudge(request) ? [unauthorized, { status: 500 }][roll(request, 2)]! : [unauthorized, { status: 500 }, answer][roll(request, 3)]!);
    runs.push(await simulate(['--config', config, '--workspace', workspace, '--run', join(dir, 'failing')]));
    behave = (request) => (isJudge(request) ? grade : answer);
    runs.push(await simulate(['--config', config, '--workspace', workspace, '--run', join(dir, 'working')]));
  }, 240_000);
  afterAll(async () => {
    await endpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs both phases, recording the endpoint errors, and sends the key to the endpoint', async () => {
    expect(runs.map((run) => [run.code, run.stderr])).toEqual([
      [0, expect.any(String)],
      [0, expect.any(String)],
    ]);
    const failingResults = await readFile(join(dir, 'failing', 'results.jsonl'), 'utf8');
    expect(failingResults).toContain('HTTP 401');
    expect(failingResults).toMatch(/HTTP 500, after 2 attempts/);
    expect(await readFile(join(dir, 'failing', 'judged.jsonl'), 'utf8')).toContain('the LLM judge failed');
    expect(await readFile(join(dir, 'working', 'judged.jsonl'), 'utf8')).toContain('same resolution');
    expect(endpoint.requests.some(isJudge)).toBe(true);
    // The key did go out, so the scans below would see it if anything wrote it down.
    for (const request of endpoint.requests) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('writes the key nowhere: not in the workspace, the runs, the LLM cache, nor stdout or stderr', async () => {
    const files = await filesUnder(dir);
    const names = files.map((path) => path.slice(dir.length + 1));
    for (const expected of ['results.jsonl', 'judged.jsonl', 'report.json', 'report.html', 'tickets.csv', 'summary.md', 'junit.xml']) {
      expect(names).toContain(join('failing', expected));
      expect(names).toContain(join('working', expected));
    }
    expect(names.some((name) => name.startsWith(join('ws', 'llm-cache')))).toBe(true);
    expect(names.some((name) => name.endsWith('import-issues.jsonl'))).toBe(true);
    for (const path of files) {
      const content = await readFile(path);
      expect(content.includes(KEY), path).toBe(false);
      expect(content.includes(`Bearer ${KEY}`), path).toBe(false);
    }
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(KEY);
      expect(run.stdout + run.stderr).not.toContain('Bearer ');
    }
  });

  it('sends placeholders, never the customers’ e-mails and phone numbers, when redaction is on', () => {
    const sent = endpoint.requests.map((request) => JSON.stringify(request.body)).join('\n');
    expect(sent).toContain('where is my parcel #ML10');
    expect(sent).not.toMatch(/c\d+@example\.com|06 12 34 56/);
    expect(sent).toContain('[EMAIL]');
    expect(sent).toContain('[PHONE]');
  });

  // An error reply (a 401) is quoted in the answer's error and the judge's reason, which reach
  // results, judged answers and every report: an endpoint or proxy echoing the Authorization
  // header once wrote the key there.
  it('keeps the key out of the run when the endpoint echoes it in an error', async () => {
    // Uncached, or the answers of the working phase would be replayed without a request.
    const uncached = join(dir, 'uncached.yaml');
    await writeFile(uncached, configOf(endpoint.baseUrl, false));
    behave = (request) => ({ status: 401, body: JSON.stringify({ error: { message: `rejected ${String(request.headers.authorization)}` } }) });
    const run = await simulate(['--config', uncached, '--workspace', workspace, '--run', join(dir, 'echo')]);
    expect(run.code).toBe(0);
    const leaking: string[] = [];
    for (const path of await filesUnder(join(dir, 'echo'))) if ((await readFile(path)).includes(KEY)) leaking.push(path.slice(dir.length + 1));
    expect(leaking).toEqual([]);
  }, 120_000);
});
