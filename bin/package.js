#!/usr/bin/env node
// `npm run package`: the desktop installers (AppImage and deb here; dmg on macOS, nsis on
// Windows). Needs the Electron binary, which electron's install script downloads from GitHub
// and which this repository's allowScripts denies where GitHub is not reachable.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const electronDir = join(root, 'node_modules', 'electron');
let binary = null;
try {
  binary = join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim());
} catch {
  binary = null;
}
if (!binary || !existsSync(binary)) {
  process.stderr.write(
    'memvault: cannot package: the Electron binary is missing (node_modules/electron/dist).\n' +
      'Where GitHub is reachable, run `npx install-electron` (or `node node_modules/electron/install.js`), then `npm run package` again.\n' +
      'The app still runs in your browser with `npm start`.\n',
  );
  process.exit(1);
}
const run = (command, args) => {
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npm', ['run', 'build']);
run('npm', ['run', 'build:electron']);
run('npm', ['run', 'rebuild:electron']);
run('npx', ['electron-builder', '--config', 'build/electron-builder.yml', ...process.argv.slice(2)]);
