import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchLogindLock, type LogindWatch } from '../../electron/logind-lock.js';

const FAKE_LOGIND = join(import.meta.dirname, '../support/fake-logind.pl');
const OURS = '/org/freedesktop/login1/session/_32';
const OTHER = '/org/freedesktop/login1/session/_33';

/** The first line a child prints. */
function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${child.stderr.read() ?? ''}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
}

const until = async (done: () => boolean, what: string, send: () => void) => {
  // Signals go out until one arrives: the bus gives no moment at which the subscription is known to be live for another connection.
  for (let i = 0; i < 50; i++) {
    send();
    await new Promise((r) => setTimeout(r, 50));
    if (done()) return;
  }
  throw new Error(`never saw ${what}`);
};

/** A private D-Bus (dbus-daemon) and on it a stand-in for logind, driven line by line. */
describe('the Linux screen lock, from logind over a real D-Bus', () => {
  let bus: ChildProcessWithoutNullStreams;
  let address: string;
  let logind: ChildProcessWithoutNullStreams | undefined;
  let watch: LogindWatch | null = null;

  beforeEach(async () => {
    bus = spawn('dbus-daemon', ['--session', '--print-address=1', '--nofork']);
    address = await firstLine(bus);
  });
  afterEach(() => {
    watch?.stop();
    watch = null;
    logind?.kill();
    logind = undefined;
    bus.kill();
  });

  const startLogind = async () => {
    logind = spawn('perl', [FAKE_LOGIND, address, OURS, OTHER]);
    expect(await firstLine(logind)).toBe('ready');
  };

  it('finds the session and locks when logind sends Lock for it, not for another session', async () => {
    await startLogind();
    let locks = 0;
    watch = await watchLogindLock(() => locks++, { address });
    expect(watch?.session).toBe(OURS);
    for (let i = 0; i < 3; i++) logind!.stdin.write(`lock ${OTHER}\n`);
    await until(() => locks > 0, 'the lock signal', () => logind!.stdin.write(`lock ${OURS}\n`));
    const seen = locks;
    for (let i = 0; i < 3; i++) logind!.stdin.write(`lock ${OTHER}\n`);
    await new Promise((r) => setTimeout(r, 300));
    expect(locks).toBe(seen);
  });

  it('locks when the desktop’s own screen lock sets LockedHint, not when it clears it', async () => {
    await startLogind();
    let locks = 0;
    watch = await watchLogindLock(() => locks++, { address });
    await until(() => locks > 0, 'LockedHint', () => logind!.stdin.write(`hint ${OURS}\n`));
    const seen = locks;
    for (let i = 0; i < 3; i++) logind!.stdin.write(`unhint ${OURS}\n`);
    for (let i = 0; i < 3; i++) logind!.stdin.write(`hint ${OTHER}\n`);
    await new Promise((r) => setTimeout(r, 300));
    expect(locks).toBe(seen);
  });

  it('is null where nobody provides logind on the bus', async () => {
    expect(await watchLogindLock(() => undefined, { address, timeoutMs: 1_000 })).toBeNull();
  });

  it('is null where gdbus is missing', async () => {
    await startLogind();
    expect(await watchLogindLock(() => undefined, { address, gdbus: 'no-such-gdbus-program' })).toBeNull();
  });

  it('stops following when stopped', async () => {
    await startLogind();
    let locks = 0;
    watch = await watchLogindLock(() => locks++, { address });
    await until(() => locks > 0, 'the lock signal', () => logind!.stdin.write(`lock ${OURS}\n`));
    watch!.stop();
    await new Promise((r) => setTimeout(r, 200));
    const seen = locks;
    for (let i = 0; i < 3; i++) logind!.stdin.write(`lock ${OURS}\n`);
    await new Promise((r) => setTimeout(r, 300));
    expect(locks).toBe(seen);
  });
});
