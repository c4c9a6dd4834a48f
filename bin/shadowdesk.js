#!/usr/bin/env node
// A git checkout runs the TypeScript sources through tsx, so edits take effect without a build;
// the published package ships only the compiled dist/ (see `npm run build`).
import { existsSync } from 'node:fs';

const sources = new URL('./shadowdesk.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/bin/shadowdesk.js', import.meta.url).href);
}
