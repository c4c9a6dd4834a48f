/**
 * The docs' generated lists (candidates, judges, export formats, report files): one bullet per entry
 * of a map, as the guide writes them. Here, below every stage, so the readers' map can use it too.
 */

const WIDTH = 100;

/** Words on lines of at most `WIDTH` columns, the first after `lead`, the others after `indent`. */
export function wrapped(text: string, indent = '  ', lead = ''): string {
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(' ')) {
    const next = line === lead ? `${lead}${word}` : `${line} ${word}`;
    if (next.length > WIDTH && line !== lead) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  return [...lines, line].join('\n');
}

/** "- `name` — summary;" per entry, the last ending the sentence. */
export function markdownList(entries: ReadonlyArray<{ name: string; summary: string }>): string {
  return entries.map(({ name, summary }, index) => wrapped(`- \`${name}\` — ${summary}${index === entries.length - 1 ? '.' : ';'}`)).join('\n');
}
