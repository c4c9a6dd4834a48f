import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { candidateSchemaOf, createCandidates, simulationConfigSchemaOf, type SimulationConfig } from '../../../eval/config/config.ts';
import { configJsonSchema } from '../../../eval/config/config-schema.ts';
import type { TicketContext } from '../../../eval/types.ts';
import { builtinCandidates, candidatesDocList, candidatesHelp, defaultCandidates, RESPONDERS, responderFor, responderIn, responderMap } from '../../../eval/responders/index.ts';
import { echo, WITH_ECHO } from '../../helpers/echo-responder.ts';

const GUIDE = new URL('../../../docs/guide-support-lead.md', import.meta.url).pathname;
const LIST = /(<!-- candidates: [^\n]*-->\n)([\s\S]*?)(\n<!-- end of candidates -->)/;

describe('the candidate map', () => {
  it('builds the built-in candidates by name and refuses an unknown one or one that needs settings, naming them', () => {
    expect(builtinCandidates()).toEqual(['knowledge-base', 'past-ticket', 'macro', 'composite', 'oracle']);
    expect(responderFor('composite').id).toBe('composite');
    expect(() => responderFor('gpt-9')).toThrow('unknown candidate "gpt-9"; built-in candidates: knowledge-base, past-ticket, macro, composite, oracle');
    expect(() => responderFor('llm')).toThrow('candidate "llm" needs settings (id, baseUrl, model): declare it in shadowdesk.yaml');
  });

  it('replays by default the built-in kinds marked so, in the map\'s order, and says so in the help and the docs', () => {
    const flagged = Object.values(RESPONDERS).filter((definition) => 'byDefault' in definition && definition.byDefault).map((definition) => definition.name);
    expect(defaultCandidates()).toEqual(flagged);
    expect(defaultCandidates()).toEqual(['knowledge-base', 'past-ticket', 'macro', 'composite']);
    expect(candidatesHelp()).toContain('(default: knowledge-base,past-ticket,macro,composite)');
    expect(candidatesDocList().replace(/\s+/g, ' ')).toMatch(/`simulate` replays `knowledge-base`, `past-ticket`, `macro` and `composite`\.$/);
    const withDefaultEcho = responderMap([...Object.values(RESPONDERS), { ...echo, byDefault: true }]);
    expect(defaultCandidates(withDefaultEcho)).toEqual(['knowledge-base', 'past-ticket', 'macro', 'composite', 'echo']);
    expect(candidatesHelp(withDefaultEcho)).toMatch(/\(default: knowledge-base,past-ticket,macro,composite,echo\)$/);
    expect(candidatesDocList(withDefaultEcho).replace(/\s+/g, ' ')).toMatch(/`macro`, `composite` and `echo`\.$/);
  });

  it('refuses two kinds under one name', () => {
    expect(() => responderMap([echo, echo])).toThrow('two candidate kinds are named "echo"');
  });

  it('derives the config schema, its JSON Schema, the help and the docs list from the map: a registered kind shows up in each', async () => {
    const schema = simulationConfigSchemaOf(candidateSchemaOf(WITH_ECHO));
    const config = schema.parse({ candidates: [{ type: 'echo', id: 'parrot', prefix: '» ' }, { type: 'composite', id: 'mix', parts: ['echo', 'parrot'] }] });
    expect(simulationConfigSchemaOf(candidateSchemaOf()).safeParse(config).error?.issues[0]?.path).toEqual(['candidates', 0, 'type']);
    expect(JSON.stringify(configJsonSchema(WITH_ECHO))).toContain('"echo"');
    expect(JSON.stringify(configJsonSchema())).not.toContain('"echo"');
    expect(candidatesHelp(WITH_ECHO)).toMatch(/oracle, echo \(default: knowledge-base,past-ticket,macro,composite\)$/);
    expect(candidatesDocList(WITH_ECHO)).toContain('- `echo` — repeats the customer\'s question back');
    // SimulationConfig's type is the real map's; this config was checked against the copy's schema just above.
    const [parrot, mix] = createCandidates(config as SimulationConfig, '/tmp/unused', WITH_ECHO);
    const context = { ticket: { question: 'Où est mon colis ?' } } as TicketContext;
    expect((await parrot!.respond(context)).text).toBe('» Où est mon colis ?');
    expect((await mix!.respond(context)).text).toBe('Re: Où est mon colis ?');
    expect(responderIn(WITH_ECHO, 'echo').id).toBe('echo');
  });

  it('the support lead\'s guide lists the built-in candidates as the map does (UPDATE_DOCS=1 rewrites it)', async () => {
    const guide = await readFile(GUIDE, 'utf8');
    expect(guide).toMatch(LIST);
    const fresh = guide.replace(LIST, (_, open: string, _list: string, close: string) => `${open}${candidatesDocList()}${close}`);
    if (process.env.UPDATE_DOCS) await writeFile(GUIDE, fresh);
    expect(guide, 'the candidates list in docs/guide-support-lead.md is stale: run UPDATE_DOCS=1 npx vitest run tests/eval/responders/index.test.ts').toBe(fresh);
  });
});
