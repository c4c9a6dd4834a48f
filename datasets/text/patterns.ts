/** A text as a regular expression matching it literally (inside a pattern built around it). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
