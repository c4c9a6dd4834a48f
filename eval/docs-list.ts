/** The docs' generated lists (candidates, judges): one bullet per entry of a map, as the guide writes them. */

const WIDTH = 100;

/** Words on lines of at most `WIDTH` columns, continuation lines indented under the bullet. */
function wrapped(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length > WIDTH && line !== '') {
      lines.push(line);
      line = `  ${word}`;
    } else line = next;
  }
  return [...lines, line].join('\n');
}

/** "- `name` — summary;" per entry, the last ending the sentence. */
export function markdownList(entries: ReadonlyArray<{ name: string; summary: string }>): string {
  return entries.map(({ name, summary }, index) => wrapped(`- \`${name}\` — ${summary}${index === entries.length - 1 ? '.' : ';'}`)).join('\n');
}
