import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/memvault.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const PASSWORD = 'early-typed-secret-1';

/** A real terminal: tmux runs the command, keys are sent as a user types them, and the screen is read back. */
describe.skipIf(!hasTmux)('the password prompt in a real terminal (tmux)', () => {
  let dir: string | undefined;
  const session = `memvault-test-${process.pid}`;
  afterEach(() => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const start = (args: string) => {
    dir = mkdtempSync(join(tmpdir(), 'memvault-tty-'));
    const env = `MEMVAULT_VAULT=${join(dir, 'vault.db')} MEMVAULT_INSECURE_TEST_KDF=1 MEMVAULT_STATE_DIR=${join(dir, 'state')}`;
    const init = spawnSync(process.execPath, [BIN, '--json', 'init', '--owner', 'tess'], { env: { ...process.env, MEMVAULT_VAULT: join(dir, 'vault.db'), MEMVAULT_INSECURE_TEST_KDF: '1', MEMVAULT_STATE_DIR: join(dir, 'state'), MEMVAULT_PASSWORD: PASSWORD }, encoding: 'utf8' });
    expect(init.status).toBe(0);
    expect(spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '30', `env ${env} ${process.execPath} ${BIN} ${args}; echo "exit=$?"; sleep 30`]).status).toBe(0);
  };
  const screen = () => spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 100; i++) {
      if (pattern.test(screen())) return screen();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`not on screen: ${pattern}\n${screen()}`);
  };

  it('a password typed at once is never shown, and the command runs', async () => {
    start('list');
    // Typed the moment the CLI has turned echo off, while it is still loading (before its prompt).
    // Keys sent before that reach a terminal no program can silence yet; on a loaded machine
    // Node's own start can take longer than any fixed delay, so the test reads the terminal's mode.
    const tty = spawnSync('tmux', ['display', '-p', '-t', session, '#{pane_tty}'], { encoding: 'utf8' }).stdout.trim();
    const echoOff = () => /(^|\s)-echo(\s|$)/.test(spawnSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' }).stdout);
    for (let i = 0; i < 1000 && !echoOff(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(screen()).not.toContain('Password for the owner:');
    spawnSync('tmux', ['send-keys', '-t', session, PASSWORD, 'Enter']);
    const shown = await waitFor(/exit=\d+/);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).toContain('exit=0');
  });

  it('Ctrl+C at the prompt exits 130 with a line', async () => {
    start('list');
    await waitFor(/Password for the owner:/);
    spawnSync('tmux', ['send-keys', '-t', session, 'C-c']);
    const shown = await waitFor(/exit=\d+/);
    expect(shown).toContain('memvault: cancelled');
    expect(shown).toContain('exit=130');
  });
});
