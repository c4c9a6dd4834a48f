/**
 * Strings one of which every match of a pattern holds, read from its source: a pattern whose matches
 * all hold "refund" or "rembours" cannot match a text holding neither, which `includes` tells much
 * faster than the pattern's scan, tried at every position. The reading is conservative: a class, an
 * escape such as `\s`, a lookaround, an optional part or an alternative it cannot vouch for holds
 * nothing, so a text without any of the strings is one the pattern could never match.
 */

/** One choice of strings, one of which a match holds; undefined when nothing is sure. */
type Choice = string[] | undefined;

/** Escapes that stand for a set of characters, a position or a reference, never for one literal character. */
const CLASS_ESCAPES = new Set('dDwWsSbBpPkcxu0123456789nrtvf'.split(''));

const QUANTIFIER_RE = /^(?:[?*+]|\{(\d+)(?:,\d*)?\})\??/;

class Reader {
  private at = 0;

  constructor(private readonly source: string) {}

  alternatives(): Choice {
    const choices = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      choices.push(this.sequence());
    }
    if (choices.some((choice) => choice === undefined)) return undefined;
    return [...new Set(choices.flatMap((choice) => choice!))];
  }

  private sequence(): Choice {
    const choices: string[][] = [];
    let run = '';
    const endRun = () => {
      if (run !== '') choices.push([run]);
      run = '';
    };
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const atom = this.atom();
      const { least, quantified } = this.quantifier();
      if (atom.kind === 'char') {
        if (least > 0) run += atom.char;
        if (quantified) endRun();
        continue;
      }
      endRun();
      if (atom.kind === 'group' && atom.choice !== undefined && least > 0) choices.push(atom.choice);
    }
    endRun();
    // The most telling choice: the one whose shortest string is longest.
    return choices.sort((a, b) => shortest(b) - shortest(a))[0];
  }

  private atom(): { kind: 'char'; char: string } | { kind: 'group'; choice: Choice } | { kind: 'other' } {
    const ch = this.source[this.at++]!;
    if (ch === '\\') {
      const escaped = this.source[this.at++]!;
      if (!CLASS_ESCAPES.has(escaped)) return { kind: 'char', char: escaped };
      this.skipEscapeBody(escaped);
      return { kind: 'other' };
    }
    if (ch === '[') {
      while (this.at < this.source.length && this.source[this.at] !== ']') this.at += this.source[this.at] === '\\' ? 2 : 1;
      this.at++;
      return { kind: 'other' };
    }
    if (ch === '(') {
      const lookaround = /^\?(?:[=!]|<[=!])/.exec(this.source.slice(this.at, this.at + 3))?.[0];
      if (lookaround) this.at += lookaround.length;
      else if (this.source.startsWith('?:', this.at)) this.at += 2;
      else if (this.source.startsWith('?<', this.at)) this.at = this.source.indexOf('>', this.at) + 1;
      const choice = this.alternatives();
      this.at++;
      return lookaround ? { kind: 'other' } : { kind: 'group', choice };
    }
    if (ch === '.' || ch === '^' || ch === '$') return { kind: 'other' };
    return { kind: 'char', char: ch };
  }

  /** What follows `\\p`, `\\u`, `\\x`, `\\c`, `\\k` or a back-reference's digit belongs to the escape, not the text. */
  private skipEscapeBody(escaped: string): void {
    const next = this.source[this.at];
    if (next === '{' && 'pPu'.includes(escaped)) this.at = this.source.indexOf('}', this.at) + 1;
    else if (escaped === 'u') this.at += 4;
    else if (escaped === 'x') this.at += 2;
    else if (escaped === 'c') this.at += 1;
    else if (escaped === 'k') this.at = this.source.indexOf('>', this.at) + 1;
    else if (/\d/.test(escaped)) while (/\d/.test(this.source[this.at] ?? '')) this.at++;
  }

  /** How many times at least the atom before must occur (1 without a quantifier). */
  private quantifier(): { least: number; quantified: boolean } {
    const m = QUANTIFIER_RE.exec(this.source.slice(this.at, this.at + 12));
    if (!m) return { least: 1, quantified: false };
    this.at += m[0].length;
    const least = m[0][0] === '+' ? 1 : m[1] !== undefined ? Number(m[1]) : 0;
    return { least, quantified: true };
  }
}

function shortest(choice: readonly string[]): number {
  return Math.min(...choice.map((text) => text.length));
}

/**
 * Strings one of which every match of `source` (a pattern without flags that change matching, such as
 * `i`) holds, each at least `minLength` long; undefined when the source does not vouch for such strings.
 */
export function requiredLiterals(source: string, minLength = 3): string[] | undefined {
  const choice = new Reader(source).alternatives();
  return choice !== undefined && choice.length > 0 && shortest(choice) >= minLength ? choice : undefined;
}

/**
 * Which of many ASCII strings a text holds, all found in one pass: a trie walked from every position,
 * so a text is read once whatever the number of strings, where `includes` or a pattern of alternatives
 * would read it once per string or try every alternative at every position.
 */
export class LiteralIndex {
  /** Child of a node for each ASCII unit, 0 for none (the root is no one's child), 128 entries a node. */
  private next = new Int32Array(128);
  /** Per node, the id of the string ending there, or -1. */
  private ends: number[] = [-1];
  private readonly ids = new Map<string, number>();
  /** Per id, 1 while a text being read is known to hold it; all 0 between readings. */
  private held = new Uint8Array(0);

  /** How many strings the index holds; their ids are 0 to size - 1. */
  get size(): number {
    return this.ids.size;
  }

  /** The id of an ASCII string, added to the index if new. */
  id(literal: string): number {
    let id = this.ids.get(literal);
    if (id !== undefined) return id;
    id = this.ids.size;
    this.ids.set(literal, id);
    let node = 0;
    for (let i = 0; i < literal.length; i++) {
      const slot = node * 128 + literal.charCodeAt(i);
      if (this.next[slot] === 0) {
        this.next[slot] = this.ends.length;
        this.ends.push(-1);
        if (this.ends.length * 128 > this.next.length) {
          const grown = new Int32Array(this.next.length * 2);
          grown.set(this.next);
          this.next = grown;
        }
      }
      node = this.next[slot]!;
    }
    this.ends[node] = id;
    return id;
  }

  /**
   * The ids of the strings the text holds, in increasing order. A text holds a few of the hundreds of
   * strings, so they are listed rather than flagged in an array of all the ids to be read through.
   */
  found(text: string): number[] {
    if (this.held.length !== this.ids.size) this.held = new Uint8Array(this.ids.size);
    const { held } = this;
    const found: number[] = [];
    for (let start = 0; start < text.length; start++) {
      let node = 0;
      for (let i = start; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code >= 128) break;
        node = this.next[node * 128 + code]!;
        if (node === 0) break;
        const id = this.ends[node]!;
        if (id >= 0 && held[id] === 0) {
          held[id] = 1;
          found.push(id);
        }
      }
    }
    for (const id of found) held[id] = 0;
    return found.sort((a, b) => a - b);
  }
}

/** Each pattern's strings, read once; null when its source vouches for none or a flag changes what matches. */
const patternLiterals = new WeakMap<RegExp, readonly string[] | null>();

/**
 * Whether `text` may hold a match of `re`: false only when it holds none of the strings (of one
 * character or more) every match holds, which `includes` tells faster than the pattern's scan.
 */
export function mayHoldMatch(re: RegExp, text: string): boolean {
  let literals = patternLiterals.get(re);
  if (literals === undefined) {
    const all = re.ignoreCase || re.multiline ? undefined : requiredLiterals(re.source, 1);
    // A text holding "cannot" holds "can": only the strings holding none of the others need looking for.
    literals = all?.filter((literal) => !all.some((other) => other !== literal && literal.includes(other))) ?? null;
    patternLiterals.set(re, literals);
  }
  if (literals === null) return true;
  // A plain loop: a callback was a closure made at every check, and each text is checked for many patterns.
  for (const literal of literals) if (text.includes(literal)) return true;
  return false;
}
