/// <reference lib="dom" />
import type { Chart as ChartJs } from 'chart.js';

/**
 * DOM helpers of the report page. Every string from the report reaches the page through a text
 * node or an attribute set one by one: ticket text is untrusted and must display, never run.
 */

/** chart.js is inlined as its own script (its UMD build), so the page script finds it as a global. */
declare global {
  const Chart: typeof ChartJs;
}

export type Child = Node | string | number | null | undefined;

export interface Props {
  className?: string;
  dataset?: Record<string, string>;
  onclick?: (event: Event) => void;
  [attribute: string]: string | Record<string, string> | ((event: Event) => void) | undefined;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** Builds an element; string children become text nodes, so no data is ever parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined) continue;
    if (key === 'className') node.className = value as string;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'onclick') node.addEventListener('click', value as (event: Event) => void);
    else node.setAttribute(key, value as string);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function table(node: HTMLElement, head: readonly string[], rows: ReadonlyArray<readonly Child[]>, numeric?: readonly boolean[]): void {
  clear(node);
  const cellProps = (index: number) => (numeric?.[index] ? { className: 'num' } : null);
  node.appendChild(el('thead', null, [el('tr', null, head.map((text, index) => el('th', cellProps(index), [text])))]));
  node.appendChild(el('tbody', null, rows.map((row) => el('tr', null, row.map((cell, index) => el('td', cellProps(index), [cell]))))));
}

/** A table, or one row saying there is nothing to show. */
export function tableOr(node: HTMLElement, head: readonly string[], rows: ReadonlyArray<readonly Child[]>, numeric: readonly boolean[] | null, empty: string): void {
  table(node, head, rows, numeric ?? undefined);
  if (!rows.length) node.lastChild!.appendChild(el('tr', null, [el('td', { colspan: String(head.length) }, [empty])]));
}

export function pct(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const digits = Math.abs(value) < 0.1 && value !== 0 ? 1 : 0;
  return `${(value * 100).toFixed(digits)}%`;
}

export function rate(figure: { value: number | null; low: number | null; high: number | null } | null | undefined): string {
  if (!figure || figure.value === null) return '–';
  return figure.low === null || figure.high === null ? pct(figure.value) : `${pct(figure.value)} (${pct(figure.low)}–${pct(figure.high)})`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function pane(heading: string, children: readonly Child[]): HTMLDivElement {
  return el('div', { className: 'pane' }, [el('h4', null, [heading]), ...children]);
}

export const COLORS = ['#2f5fd0', '#d0432f', '#1f9d55', '#a05ad6', '#d68a00', '#0096a8', '#6b7a8f', '#c2185b', '#5d8f00', '#8d6e63', '#3949ab', '#00897b'];
