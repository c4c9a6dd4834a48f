import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createCandidates, llmJudgeOf, loadSimulationConfig } from '../../../eval/config/config.ts';
import { parseConfig } from '../../../eval/config/config-file.ts';
import { isShadowdeskError, problemLine, type ShadowdeskError } from '../../../errors.ts';
import { parseRules } from '../../../eval/rules/schema.ts';
import { SimulationConfigSchema } from '../../../eval/config/config.ts';
import { RESPONDERS } from '../../../eval/responders/index.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

const parse = (text: string, file = 'shadowdesk.yaml') => parseConfig(text, file, SimulationConfigSchema);
const thrown = (run: () => unknown): ShadowdeskError => {
  try {
    run();
  } catch (error) {
    if (isShadowdeskError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
};
const errorOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('simulation config', () => {
  const tempDir = useTempDir();

  it('declares several candidates, composites of them and an LLM, in YAML or JSON alike', async () => {
    const yaml = `# compare what a helpdesk AI would do with our own mix
candidates:
  - type: knowledge-base
  - id: strict-macro
    type: macro
    minConfidence: 0.6
  - id: mix
    type: composite
    parts: [past-ticket, strict-macro, knowledge-base]
  - id: local-llm
    type: llm
    baseUrl: http://127.0.0.1:11434/v1
    model: llama3.1
selection:
  holdoutDays: 60
judge:
  llm:
    baseUrl: http://127.0.0.1:11434/v1
    model: qwen2.5
`;
    const dir = await tempDir();
    const fromYaml = await loadSimulationConfig(await writeTemp(dir, 'shadowdesk.yaml', yaml));
    const fromJson = await loadSimulationConfig(await writeTemp(dir, 'shadowdesk.json', JSON.stringify(fromYaml)));
    expect(fromJson).toEqual(fromYaml);
    expect(createCandidates(fromYaml, dir).map((candidate) => candidate.id)).toEqual(['knowledge-base', 'strict-macro', 'mix', 'local-llm']);
    expect(llmJudgeOf(fromYaml, dir)).toEqual({ endpoint: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5' }, cacheDir: join(dir, 'llm-cache') });
  });

  it('names the line and key of every mistake', () => {
    const message = errorOf(() =>
      parse(`candidates:
  - type: macro
    minConfidance: 0.5
  - id: gpt
    type: llm
    baseUrl: not a url
    model: gpt-4o-mini
    temperature: 3
  - type: magic
`),
    );
    expect(message).toContain('shadowdesk.yaml:3: candidates[0].minConfidance: unknown key (a typo?)');
    expect(message).toContain('shadowdesk.yaml:6: candidates[1].baseUrl:');
    expect(message).toContain('shadowdesk.yaml:8: candidates[1].temperature:');
    expect(message).toMatch(/shadowdesk\.yaml:9: candidates\[2\]\.type: /);
    expect(errorOf(() => parse('candidates: [', 'c.json'))).toMatch(/^c\.json:1: not valid JSON/);
    expect(errorOf(() => parse('selection: {}'))).toContain('shadowdesk.yaml:1: candidates:');
  });

  it('gives each mistake as an issue (file, line, key, hint), and the message is those issues, one a line', () => {
    const error = thrown(() => parse('candidates:\n  - type: knowlege-base\n  - type: macro\n    minConfidance: 0.5\nconcurence: 3\ndecision:\n  strictness: vérifié\n'));
    expect(error.code).toBe('SD_INPUT_INVALID');
    expect(error.issues).toEqual([
      expect.objectContaining({ file: 'shadowdesk.yaml', line: 2, key: 'candidates[0].type', hint: 'did you mean "knowledge-base"? allowed values: knowledge-base, past-ticket, macro, composite, oracle, llm' }),
      { file: 'shadowdesk.yaml', line: 4, key: 'candidates[1].minConfidance', message: 'unknown key (a typo?)', hint: 'did you mean "minConfidence"?' },
      expect.objectContaining({ file: 'shadowdesk.yaml', line: 7, key: 'decision.strictness', hint: 'did you mean "verified"? allowed values: contained, verified, confirmed' }),
      { file: 'shadowdesk.yaml', line: 5, key: 'concurence', message: 'unknown key (a typo?)', hint: 'did you mean "concurrency"?' },
    ]);
    expect(error.message).toBe(['invalid config:', ...error.issues.map((issue) => `  ${problemLine(issue)}`)].join('\n'));
    expect(error.message).not.toContain('did you mean');
    const syntax = thrown(() => parse('candidates: [', 'c.json'));
    expect(syntax.issues).toEqual([{ file: 'c.json', line: 1, message: expect.stringMatching(/^not valid JSON: /) }]);
    expect(syntax.message).toBe(problemLine(syntax.issues[0]!));
  });

  it('hints in every config file checked against a schema, a rules file too', () => {
    const error = thrown(() => parseRules('rules:\n  - name: Retours\n    when: {}\n    actoins: {}\n', 'rules.yaml'));
    expect(error.issues.find((issue) => issue.key?.endsWith('actoins'))).toMatchObject({ file: 'rules.yaml', line: 4, hint: 'did you mean "actions"?' });
  });

  it('declares the oracle, which alone reads the agent’s reply, and refuses settings it has no use for', () => {
    const [oracle, macro] = createCandidates(parse('candidates: [{type: oracle}, {type: macro}]'), '.');
    expect([oracle!.id, macro!.id]).toEqual(['oracle', 'macro']);
    expect([oracle!.readsAgentReply, macro!.readsAgentReply]).toEqual([true, undefined]);
    expect(errorOf(() => parse('candidates:\n  - type: oracle\n    minConfidence: 0.5\n'))).toContain('shadowdesk.yaml:3: candidates[0].minConfidence: unknown key');
    // Reports find the noise floor under the oracle's own id.
    expect(errorOf(() => parse('candidates:\n  - type: oracle\n    id: floor\n'))).toContain('shadowdesk.yaml:3: candidates[0].id:');
  });

  it('takes its candidate kinds and their settings from the map: an unknown kind lists them, a setting of another kind is named', () => {
    const unknown = errorOf(() => parse('candidates:\n  - type: wizard\n'));
    expect(unknown).toContain('shadowdesk.yaml:2: candidates[0].type:');
    for (const kind of Object.keys(RESPONDERS)) expect(unknown).toContain(`'${kind}'`);
    // Only the macro candidate signs its replies: before the map, every built-in kind accepted the key and ignored it.
    expect(errorOf(() => parse('candidates:\n  - type: past-ticket\n    agentName: Zoé\n'))).toContain('shadowdesk.yaml:3: candidates[0].agentName: unknown key');
    expect(parse('candidates:\n  - type: macro\n    agentName: Zoé\n').candidates[0]).toEqual({ type: 'macro', agentName: 'Zoé' });
  });

  it('refuses duplicate ids, unknown parts and a composite that contains itself', () => {
    const build = (text: string) => errorOf(() => createCandidates(parse(text), '.'));
    expect(build('candidates: [{type: macro}, {type: macro}]')).toContain('candidates[1].id: "macro" is declared twice');
    expect(build('candidates: [{id: mix, type: composite, parts: [past-ticket, wizard]}]')).toContain('mix.parts[1]: no candidate "wizard"');
    expect(build('candidates: [{id: a, type: composite, parts: [b]}, {id: b, type: composite, parts: [a]}]')).toContain('composite "a" contains itself');
  });
});
