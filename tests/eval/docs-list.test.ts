import { describe, expect, it } from 'vitest';
import { markdownList } from '../../eval/docs-list.ts';

describe('markdownList', () => {
  it('writes one bullet per entry, wrapped at 100 columns under the bullet, the last ending the sentence', () => {
    const summary = 'la réponse la plus proche, adaptée au client : son nom, le numéro de sa dernière commande, le suivi et le lien de suivi';
    const list = markdownList([{ name: 'past-ticket', summary }, { name: 'oracle', summary: 'the agent’s own reply' }]);
    const lines = list.split('\n');
    expect(lines.every((line) => line.length <= 100)).toBe(true);
    expect(lines[0]).toMatch(/^- `past-ticket` — la réponse/);
    expect(lines[1]).toMatch(/^ {2}\S/);
    expect(list.replace(/\n {2}/g, ' ')).toBe(`- \`past-ticket\` — ${summary};\n- \`oracle\` — the agent’s own reply.`);
  });
});
