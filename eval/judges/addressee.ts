/**
 * Who the answer addresses. A reply reused from a past ticket keeps that ticket's addressee: on Twitter it
 * starts with the previous customer's @handle, by e-mail it greets them by name ("Bonjour Marie,"). Either
 * discloses another customer's identity, so each is reported as foreign personal data.
 *
 * Greetings are read on the written text (a name is capitalised) at the start of a sentence or line; an
 * agent's signature ("— Sophie, Maison Lune", "^JK") greets nobody and is not read. Patterns use only bounded
 * repetitions, so matching stays linear in the text length.
 */

import { fold } from './key-facts.ts';
import { textReader } from './recent.ts';
import { matchesOf } from './matches.ts';

export interface AddresseeInput {
  /** The customer's message: handles and names the customer wrote are theirs to see again. */
  question: string;
  answer: string;
  customer: { id?: string; name?: string; email?: string };
  /** The brand's own accounts, the agent side of the conversation. */
  brandHandles?: readonly string[];
  /** Knowledge articles and the customer's orders: the handles they mention are public or the customer's. */
  vouching: readonly string[];
  /** Replies to past tickets, and sources of unknown kind: they addressed someone else. */
  pastReplies: readonly string[];
}

/** An @handle, not the middle of an e-mail address or a URL path; Instagram handles may hold dots. */
const HANDLE_RE = /(?<![\p{L}\p{N}_@./\\-])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)/gu;
const LEADING_HANDLES_RE = /^(?:\s{0,5}@[A-Za-z0-9_.]{1,30}[,:]?){1,10}/;

const normalizeHandle = (handle: string) => handle.trim().replace(/^@/, '').toLowerCase();
/** "<contact>@itfirm.com": an e-mail with its local part templated away ends with a domain, not a handle. */
const DOMAIN_END_RE = /\.(?:com|net|org|fr|de|io|co|uk|eu|be|ch|es|it|info|biz)$/i;
/** Every handle starts with "@": the many texts without one are not scanned. A text is read once: the customer's message once, not once per candidate. */
const handlesIn = (text: string): readonly string[] =>
  recentHandles(text, () => (text.includes('@') ? matchesOf(HANDLE_RE, text) : []).map((m) => m[1]!).filter((handle) => !DOMAIN_END_RE.test(handle)));

const recentHandles = textReader<readonly string[]>();

function foreignHandles(input: AddresseeInput): string[] {
  // Most answers hold no handle: then whose handles are known is not read.
  const answered = handlesIn(input.answer);
  if (answered.length === 0) return [];
  const own = [input.customer.name, input.customer.id, ...(input.brandHandles ?? [])].filter((handle): handle is string => handle !== undefined);
  const known = new Set([...own, ...handlesIn(input.question), ...input.vouching.flatMap(handlesIn)].map(normalizeHandle));
  const foreign = new Map<string, string>();
  for (const handle of answered) {
    const key = normalizeHandle(handle);
    if (!known.has(key) && !foreign.has(key)) foreign.set(key, handle);
  }
  return [...foreign.values()];
}

// ---------------------------------------------------------------------------------------------------------
// Greetings

/** Greetings that open a sentence; thanks only count at the very start, since "Thanks, Sophie" closes a reply. */
const GREETING_RE =
  /(?<=^|[\n.!?]\s{0,3})(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|bonjour|bonsoir|salut|coucou|cher|chere|chers|cheres)(?![a-z])|^(?:thanks|thank\s+you|merci)(?:\s+(?:so\s+much|beaucoup))?(?![a-z])/g;
const NAME = String.raw`\p{Lu}(?:['’]\p{Lu})?\p{Ll}[\p{L}'’-]{0,28}`;
const TITLE = String.raw`(?:Mr|Mrs|Ms|Miss|Mx|Dr|M|Mme|Mlle|Monsieur|Madame|Mademoiselle)\.?`;
/** The name right after a greeting, closed by punctuation, so "Hello, If you…" names nobody. */
const ADDRESSED_RE = new RegExp(String.raw`[ \t]{0,3},?[ \t]{0,3}(?:${TITLE}[ \t]{1,3})?(${NAME})(?:[ \t]{1,3}(${NAME}))?(?=[ \t]{0,3}(?:[,!.:;?]|[-–—](?:[ \t]|$)|$))`, 'uy');
/** Capitalised words after a greeting that are no one's name. */
const NOT_A_NAME: ReadonlySet<string> = new Set(
  ('there all everyone everybody team again friend friends folks guys customer customers client cliente clients sir madam madame monsieur ' +
    'mademoiselle unfortunately however yes no sorry thanks please certainly sure absolutely welcome valued support ' +
    'malheureusement oui non desole desolee merci alors enfin effectivement bienvenue tous toutes mr mrs ms mx dr mme mlle')
    .split(' '),
);

interface Greeting {
  /** As written, for the report. */
  text: string;
  names: string[];
}

/** An answer two candidates share is read once. */
function greetings(answer: string): readonly Greeting[] {
  return recentGreetings(answer, () => greetingsIn(answer));
}

const recentGreetings = textReader<readonly Greeting[]>();

function greetingsIn(answer: string): Greeting[] {
  const body = answer.normalize('NFC').replace(LEADING_HANDLES_RE, '').trimStart();
  const folded = fold(body);
  const found: Greeting[] = [];
  for (const m of matchesOf(GREETING_RE, folded)) {
    ADDRESSED_RE.lastIndex = m.index + m[0].length;
    const addressed = ADDRESSED_RE.exec(body);
    if (!addressed) continue;
    const names = [addressed[1]!, addressed[2]].filter((name): name is string => name !== undefined && !NOT_A_NAME.has(fold(name)));
    if (names.length > 0) found.push({ text: body.slice(m.index, ADDRESSED_RE.lastIndex), names });
  }
  return found;
}

/** A lower-case letter then a capital: where "JaneDoe" splits. Module constants: tsx's esbuild writes a \p{…} literal as `new RegExp` where it stands. */
const CAMEL_RE = /(\p{Ll})(\p{Lu})/gu;
const NOT_LETTERS_RE = /[^\p{L}]+/u;

/** Words of a name or handle: "JaneDoe42" → jane, doe; "Marie-Hélène" → marie, helene. Read once per text: the customer's message once, not once per candidate. */
const nameWords = (text: string): readonly string[] =>
  recentNameWords(text, () =>
    fold(text.replace(CAMEL_RE, '$1 $2'))
      .split(NOT_LETTERS_RE)
      .filter((word) => word.length >= 2),
  );

const recentNameWords = textReader<readonly string[]>();

/** The same words as a set, made once per text rather than once per answer. */
const nameWordSet = (text: string): ReadonlySet<string> => recentNameWordSets(text, () => new Set(nameWords(text)));

const recentNameWordSets = textReader<ReadonlySet<string>>();

/** A handle-shaped customer name ("@bob", "bob_smith", or the handle the thread addresses) says nothing of their real name. */
function isHandle(name: string, input: AddresseeInput): boolean {
  if (name.startsWith('@') || (/^[\p{L}\p{N}_.]+$/u.test(name) && /[\d_]/.test(name))) return true;
  const handles = [...handlesIn(input.question), ...handlesIn(input.answer)].map(normalizeHandle);
  return handles.includes(normalizeHandle(name));
}

function foreignGreetings(input: AddresseeInput): string[] {
  // An answer that greets nobody by name needs none of the words below.
  const greeted = greetings(input.answer);
  if (greeted.length === 0) return [];
  const { name, id, email } = input.customer;
  const customerWords = [name, id, email?.split('@')[0]].filter((text): text is string => text !== undefined).flatMap(nameWords);
  const inPastReply = (word: string) => input.pastReplies.some((reply) => nameWordSet(reply).has(word));
  // "Alex" for "Alexandre", "Dan" for "Daniel": a short form of the customer's own name is theirs.
  // What the customer wrote is theirs too: a signature, or the person they write for.
  const isCustomers = (word: string) =>
    customerWords.some((own) => own === word || (Math.min(own.length, word.length) >= 3 && (own.startsWith(word) || word.startsWith(own)))) || nameWordSet(input.question).has(word);
  // Whether the customer's name is known is only asked of a greeting to someone else.
  let nameKnown: boolean | undefined;
  const found: string[] = [];
  for (const greeting of greeted) {
    const strangers = greeting.names.flatMap(nameWords).filter((word) => !isCustomers(word));
    if (strangers.length === 0) continue;
    nameKnown ??= name !== undefined && name.trim() !== '' && !isHandle(name.trim(), input);
    // Unknown customer name: a greeting name is only evidence when a past reply the answer reuses holds it.
    if (nameKnown) found.push(`the greeting "${greeting.text}" addresses someone other than the customer`);
    else if (strangers.some(inPastReply)) found.push(`the greeting "${greeting.text}" addresses a name taken from a past ticket's reply, not the customer`);
  }
  return found;
}

/** Handles and greeting names in the answer that are not the customer's: one line each, for the findings. */
export function foreignAddressees(input: AddresseeInput): string[] {
  const handles = foreignHandles(input).map((handle) => `handle @${handle} is neither the customer's, the brand's, nor in the customer's message or a knowledge source`);
  return [...handles, ...foreignGreetings(input)];
}
