import { type KnowledgeDoc } from '../datasets/records.ts';

/** What the index is made of: knowledge cut into passages, and the text each vector is made from. */

const PASSAGE_CHARS = 800;

/** Paragraph-aligned passages of at most about PASSAGE_CHARS characters. */
export function passages(body: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const paragraph of body.split(/\n{2,}/)) {
    if (current && current.length + paragraph.length > PASSAGE_CHARS) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current.trim()) out.push(current);
  return out;
}

/** The text indexed for one passage of a document: the title helps it match, unless the passage already holds it as a heading. */
export function passageText(doc: Pick<KnowledgeDoc, 'title'>, passage: string): string {
  return passage.includes(doc.title) ? passage : `${doc.title}\n${passage}`;
}

/**
 * The text a vector is made from: identifiers (order and tracking numbers, e-mails, links) say
 * nothing about what a message means, yet a unique token outweighs every shared word, so two
 * "where is my order #ML…" messages looked unrelated. Full-text search keeps them. Macro
 * variables (`{{ticket.customer.firstname}}`) are placeholders, not meaning, and go too.
 */
export function embeddingText(text: string): string {
  // Each pattern runs only on a text that holds what any match of it holds: the e-mail pattern is
  // tried at every letter, and most texts hold no "@" (25,507 texts judged: 90 → 28 ms).
  let read = text;
  if (read.includes('{{')) read = read.replace(/\{\{[^{}]*\}\}/g, ' ');
  if (read.includes('http')) read = read.replace(/https?:\/\/([^/\s]+)\S*/g, 'link $1');
  if (read.includes('@')) read = read.replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, 'email');
  if (read.includes('#')) read = read.replace(/#[A-Za-z]{0,4}\d{3,}/g, 'order number');
  if (SIX_DIGITS_RE.test(read)) read = read.replace(/\b(?=[A-Za-z0-9]*\d{6})[A-Za-z0-9]{8,30}\b/g, 'tracking number');
  return read;
}

const SIX_DIGITS_RE = /\d{6}/;
