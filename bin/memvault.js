#!/usr/bin/env node
// Runs the compiled CLI from dist/ (built by `npm run build`, which `npm install` runs) when it
// is at least as new as every source file: compiling the TypeScript through tsx on each start
// cost ~0.3 s. Otherwise (a clone being edited, no build yet) it runs the sources through tsx,
// so `npx memvault` never runs stale code.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

// Echo goes off the moment this process runs, not when the hidden prompt appears after the CLI
// has loaded: a password typed early would otherwise stand on the screen. Only for commands that
// may ask one on this terminal; readline takes the terminal over at the prompt and gives it back.
const args = process.argv.slice(2);
const NO_PROMPT = new Set(['serve', 'mcp', 'start', 'doctor', 'help', '--help', '-h', '--version', '-V', '--password-stdin']);
const asksHere =
  process.stdin.isTTY && !process.env.MEMVAULT_PASSWORD && args.length > 0 && !args.some((a) => NO_PROMPT.has(a)) && !(args.includes('audit') && args.includes('verify'));
if (asksHere) process.stdin.setRawMode(true);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return -1;
  }
}

let main;
if (builtAt() >= newestSource(join(root, 'src'))) ({ main } = await import('../dist/cli/main.js'));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
