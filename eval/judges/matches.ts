/**
 * What `text.matchAll(re)` finds, read with the global pattern itself: `matchAll` copies the
 * pattern at every call, and judging scans each text with a hundred patterns or so. As with
 * `matchAll`, the scan starts at the pattern's `lastIndex` and leaves it as it was, and an empty
 * match moves on by one character (a whole surrogate pair in a Unicode pattern). All the matches
 * are read before any is returned, so a caller may scan with the same pattern inside its loop.
 */
export function matchesOf(re: RegExp, text: string): RegExpExecArray[] {
  if (!re.global) throw new TypeError(`matchesOf needs a global pattern: ${re}`);
  const from = re.lastIndex;
  const found: RegExpExecArray[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    found.push(m);
    if (m[0] === '') re.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff && re.unicode ? 2 : 1);
  }
  re.lastIndex = from;
  return found;
}
