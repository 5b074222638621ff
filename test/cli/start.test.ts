import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MEMVAULT_VERSION } from '../../src/contract/version.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the memvault bin', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reports the version of package.json', () => {
    expect(MEMVAULT_VERSION).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/memvault.js'), '--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(MEMVAULT_VERSION);
  });

  it('runs dist/ only while it is at least as new as every source file, else the sources', () => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-bin-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist/cli'), { recursive: true });
    mkdirSync(join(dir, 'src/cli'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    copyFileSync(join(ROOT, 'bin/memvault.js'), join(dir, 'bin/memvault.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'dist/cli/main.js'), "export async function main() { console.log('dist'); return 0; }\n");
    writeFileSync(join(dir, 'src/cli/main.ts'), "export async function main(): Promise<number> { console.log('src'); return 0; }\n");
    const which = () => spawnSync(process.execPath, [join(dir!, 'bin/memvault.js')], { encoding: 'utf8' }).stdout.trim();
    const at = (path: string, seconds: number) => utimesSync(join(dir!, path), seconds, seconds);

    expect(which()).toBe('src');
    writeFileSync(join(dir, 'dist/.built'), '');
    at('src/cli/main.ts', 1_000);
    at('dist/.built', 2_000);
    expect(which()).toBe('dist');
    at('src/cli/main.ts', 3_000);
    expect(which()).toBe('src');
  });

  it('npm start without an Electron binary serves the app in the browser and prints a one-time login link', async () => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-start-'));
    const child = spawn(process.execPath, [join(ROOT, 'bin/start.js'), '--json', '--no-open', '--port', '0'], {
      env: { ...process.env, MEMVAULT_VAULT: join(dir, 'vault.db'), MEMVAULT_STATE_DIR: join(dir, 'state') },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const printed = JSON.parse(line) as { url: string; loginLink: string };
      expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.loginLink).toMatch(new RegExp(`^${printed.url}/#login=[A-Za-z0-9_-]{32}$`));
      expect(stderr).toContain('no Electron binary here; opening the app in your browser instead');
      const page = await fetch(`${printed.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('npm start opens the desktop shell where the Electron binary and the built shell are present', () => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-start-electron-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'node_modules/electron/dist'), { recursive: true });
    mkdirSync(join(dir, 'dist-electron/electron'), { recursive: true });
    copyFileSync(join(ROOT, 'bin/start.js'), join(dir, 'bin/start.js'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    // A stand-in for the binary electron's install script would have downloaded.
    writeFileSync(join(dir, 'node_modules/electron/path.txt'), 'electron');
    writeFileSync(join(dir, 'node_modules/electron/dist/electron'), '#!/bin/sh\necho "electron $*"\n');
    chmodSync(join(dir, 'node_modules/electron/dist/electron'), 0o755);
    writeFileSync(join(dir, 'dist-electron/electron/main.js'), '');
    const r = spawnSync(process.execPath, [join(dir, 'bin/start.js'), '--no-open'], { encoding: 'utf8' });
    // The project folder, whose package.json names the shell as main.
    expect(r.stdout.trim()).toBe(`electron ${join(dir, 'bin', '..')} --no-open`);
    expect(r.stderr).not.toContain('no Electron binary');
  });
});
