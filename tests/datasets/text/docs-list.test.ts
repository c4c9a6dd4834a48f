import { describe, expect, it } from 'vitest';
import { markdownList, wrapped } from '../../../datasets/text/docs-list.ts';

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

describe('wrapped', () => {
  it('puts the first line after the lead and the others after the indent, each within 100 columns', () => {
    const french = 'Le passage d’article le plus proche destiné aux clients (les documents internes et les macros ne sont jamais cités), comme le ferait l’IA native d’un helpdesk.';
    const english = 'The closest customer-facing article passage (internal docs and macros are never quoted), as a helpdesk’s native AI would.';
    for (const text of [french, english]) {
      const lines = wrapped(text, '  # ', '  # ').split('\n');
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.every((line) => line.length <= 100 && line.startsWith('  # '))).toBe(true);
      expect(lines.map((line) => line.slice('  # '.length)).join(' ')).toBe(text);
    }
  });
});
