import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../datasets/records.ts';
import { createCandidates, SimulationConfigSchema, type SimulationConfig } from '../../../eval/config/config.ts';
import { identityDifferences, runIdentity, type RunIdentityInputs } from '../../../eval/replay/run-identity.ts';
import type { Responder } from '../../../eval/types.ts';
import type { IndexManifest } from '../../../pipelines/index-manifest.ts';

const manifest = { format: 1, model: 'builtin', modelPath: 'model', modelKey: 'm1', dimensions: 64, builtAt: '2025-02-01T00:00:00Z', tables: 'tables-1', importId: 'import-1', knowledgePassages: 1, tickets: 2, texts: 3 } satisfies IndexManifest;

function ticket(id: string, question: string, language: string): Ticket {
  return {
    id,
    source: 'test',
    createdAt: '2025-01-02T09:00:00.000Z',
    channel: 'email',
    language,
    subject: question,
    customer: { name: 'Ana' },
    tags: [],
    messages: [{ role: 'customer', sentAt: '2025-01-02T09:00:00.000Z', text: question }],
  } as Ticket;
}

const tickets = [ticket('1', 'Where is my parcel?', 'en'), ticket('2', 'Où est mon colis ?', 'fr')];
const responder = (id: string, config?: Responder['config']): Responder => ({ id, ...(config !== undefined && { config }), respond: () => Promise.reject(new Error('not asked')) });
const llm = { type: 'llm', id: 'gpt', baseUrl: 'http://127.0.0.1:11434/v1', model: 'small', system: 'Réponds en français.', timeoutMs: 1000, maxRetries: 2 };

const inputs = (changes: Partial<RunIdentityInputs> = {}): RunIdentityInputs => ({ selection: { sample: 2, seed: 42 }, tickets, candidates: [responder('gpt', llm), responder('past-ticket')], manifest, ...changes });
const differences = (changes: Partial<RunIdentityInputs>) => identityDifferences(runIdentity(inputs()), runIdentity(inputs(changes)));

describe('run identity', () => {
  it('is the same for the same run, whatever the order of candidates or of config keys', () => {
    const reordered = runIdentity(inputs({ candidates: [responder('past-ticket'), responder('gpt', Object.fromEntries(Object.entries(llm).reverse()))] }));
    expect(reordered.key).toBe(runIdentity(inputs()).key);
    expect(identityDifferences(runIdentity(inputs()), reordered)).toEqual([]);
  });

  it('counts the tries per ticket only for a repeated run, so a run that was not repeated keeps its key', () => {
    expect(runIdentity(inputs({ repeat: 1 })).key).toBe(runIdentity(inputs()).key);
    expect(runIdentity(inputs()).repeat).toBeUndefined();
    expect(runIdentity(inputs({ repeat: 3 })).key).not.toBe(runIdentity(inputs()).key);
    expect(differences({ repeat: 3 })).toEqual(['the tries per ticket (--repeat 1 then, 3 now)']);
    expect(identityDifferences(runIdentity(inputs({ repeat: 3 })), runIdentity(inputs({ repeat: 5 })))).toEqual(['the tries per ticket (--repeat 3 then, 5 now)']);
  });

  it('names the refit pace of a run refitted per period, and not the tables its periods rebuild, so a resume that rebuilds them is the same run', () => {
    const refitted = runIdentity(inputs({ refitEvery: 90 }));
    expect(runIdentity(inputs()).refitEvery).toBeUndefined();
    expect(refitted.key).not.toBe(runIdentity(inputs()).key);
    expect(refitted.index).toEqual({ importId: 'import-1', model: 'builtin' });
    expect(runIdentity(inputs({ refitEvery: 90, manifest: { ...manifest, tables: 'tables-2', modelKey: 'm2', modelCutoff: '2025-01-01T00:00:00.000Z' } })).key).toBe(refitted.key);
    expect(differences({ refitEvery: 90 })).toEqual(["the model's refits (one model for the window then, a refit every 90 days now)"]);
    expect(identityDifferences(refitted, runIdentity(inputs({ refitEvery: 30 })))).toEqual(["the model's refits (a refit every 90 days then, a refit every 30 days now)"]);
    expect(identityDifferences(refitted, runIdentity(inputs({ refitEvery: 90, manifest: { ...manifest, importId: 'import-2' } })))).toEqual(['the search index (built from another import)']);
  });

  it('is the same when only how the endpoint is reached changes (a resume after 429s may lower the rate)', () => {
    const patient = runIdentity(inputs({ candidates: [responder('gpt', { ...llm, timeoutMs: 60_000, maxRetries: 8, requestsPerMinute: 30, concurrency: 1 }), responder('past-ticket')] }));
    expect(patient.key).toBe(runIdentity(inputs()).key);
  });

  it('is the same for two selections that pick the same tickets', () => {
    expect(runIdentity(inputs({ selection: { sample: 100, seed: 7 } })).key).toBe(runIdentity(inputs()).key);
  });

  it('says which tickets, candidates and settings differ', () => {
    expect(differences({ selection: { sample: 1, seed: 9 }, tickets: tickets.slice(0, 1) })).toEqual(['the tickets (2 tickets, sample of 2, seed 42 then; 1 tickets, sample of 1, seed 9 now)']);
    expect(differences({ candidates: [responder('past-ticket')] })).toEqual(['the candidates (gpt, past-ticket then; past-ticket now)']);
    expect(differences({ candidates: [responder('gpt', { ...llm, model: 'large', system: 'Answer in English.' }), responder('past-ticket')] })).toEqual(['candidate "gpt" (model, system changed)']);
    expect(differences({ candidates: [responder('gpt', llm), responder('past-ticket', { type: 'past-ticket', minConfidence: 0.4 })] })).toEqual(['candidate "past-ticket" (no settings then, some now)']);
    expect(differences({ manifest: { ...manifest, tables: 'tables-2' } })).toEqual(['the search index (rebuilt since)']);
    expect(differences({ manifest: { ...manifest, tables: 'tables-2', importId: 'import-2' } })).toEqual(['the search index (built from another import)']);
  });

  it.each([
    ['English', 0, 'Where is my parcel? It has been ten days.'],
    ['French', 1, 'Où est mon colis ? Cela fait dix jours.'],
  ])('sees a ticket whose text a new import changed under the same id (%s)', (_, index, question) => {
    const changed = tickets.map((original, at) => (at === index ? ticket(original.id, question, original.language!) : original));
    expect(differences({ tickets: changed })).toEqual(['the tickets (same selection, but the import changed them)']);
  });

  it('tells an LLM judge added from one whose model changed, and ignores its cache and retries', () => {
    const endpoint = { baseUrl: 'https://api.example/v1', model: 'judge-1', timeoutMs: 1000 };
    const judged = runIdentity(inputs({ llmJudge: { endpoint, cacheDir: '/tmp/a' } }));
    expect(identityDifferences(runIdentity(inputs()), judged)).toEqual(['the LLM judge (no settings then, some now)']);
    expect(runIdentity(inputs({ llmJudge: { endpoint: { ...endpoint, timeoutMs: 9000 }, cacheDir: '/tmp/b' } })).key).toBe(judged.key);
    expect(identityDifferences(judged, runIdentity(inputs({ llmJudge: { endpoint: { ...endpoint, model: 'judge-2' } } })))).toEqual(['the LLM judge (model changed)']);
  });
});

describe('createCandidates', () => {
  it('gives each candidate of a config the settings it was declared with', () => {
    const config: SimulationConfig = SimulationConfigSchema.parse({
      candidates: [{ ...llm, prompt: '{{question}}' }, { type: 'knowledge-base', minConfidence: 0.6 }, { id: 'both', type: 'composite', parts: ['gpt', 'macro'] }],
    });
    const configured = createCandidates(config, '/tmp/shadowdesk-no-workspace');
    expect(configured.map((candidate) => candidate.config)).toEqual([
      { ...llm, prompt: '{{question}}', cache: true },
      { type: 'knowledge-base', minConfidence: 0.6 },
      { id: 'both', type: 'composite', parts: ['gpt', 'macro'] },
    ]);
  });
});
