#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary (downloaded by electron's install
// script, which this repository's allowScripts denies on machines without GitHub access) and the
// built shell are present; otherwise the same app in the browser, through `memvault start`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);

function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  try {
    const binary = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const shell = join(root, 'dist-electron', 'electron', 'main.js');
// Electron is given the project folder, so app.getAppPath() is the root (package.json's main
// names the shell), as in the packaged app.
const [command, commandArgs] =
  binary && existsSync(shell) ? [binary, [root, ...args]] : [process.execPath, [join(root, 'bin', 'memvault.js'), 'start', ...args]];
if (command === process.execPath && binary === null) process.stderr.write('memvault: no Electron binary here; opening the app in your browser instead.\n');
const child = spawn(command, commandArgs, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
