import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The screen lock on Linux. Electron's powerMonitor has no `lock-screen` there; systemd-logind
 * sends `Lock` on the login session's object when the screen locks (GNOME, KDE, loginctl
 * lock-session). GLib's `gdbus` reads it, as on every desktop that has GLib, so the shell needs
 * no D-Bus library of its own: one `gdbus call` finds this process's session, one `gdbus
 * monitor` follows it. Where either fails there is no lock signal, and Settings says so.
 */

const LOGIN1 = 'org.freedesktop.login1';
const SESSION_LOCK = `${LOGIN1}.Session.Lock`;
/** An object path as gdbus prints one (D-Bus paths are ASCII letters, digits, `_` and `/`). */
const SESSION_REPLY = /^\(objectpath '(\/org\/freedesktop\/login1\/session\/[A-Za-z0-9_]+)',\)$/;

export interface LogindOptions {
  /** A D-Bus address; the system bus when absent (tests run a private bus). */
  address?: string;
  /** The process whose login session is followed. */
  pid?: number;
  /** The gdbus program. */
  gdbus?: string;
  /** How long finding the session and subscribing may take before the answer is "no signal". */
  timeoutMs?: number;
}

export interface LogindWatch {
  /** The session object whose `Lock` is followed. */
  session: string;
  stop(): void;
}

const busArgs = (address?: string): string[] => (address ? ['--address', address] : ['--system']);

/** This process's login session object, or null where logind, the bus or gdbus is missing. */
function sessionOf(options: Required<Pick<LogindOptions, 'gdbus' | 'timeoutMs' | 'pid'>> & LogindOptions): Promise<string | null> {
  const args = [...busArgs(options.address), '--dest', LOGIN1, '--object-path', '/org/freedesktop/login1', '--method', `${LOGIN1}.Manager.GetSessionByPID`, String(options.pid)];
  return new Promise((resolve) => {
    execFile(options.gdbus, ['call', ...args], { timeout: options.timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      resolve(err ? null : (SESSION_REPLY.exec(stdout.trim())?.[1] ?? null));
    });
  });
}

/**
 * Calls `onLock` each time logind locks this process's session. Resolves once the monitor is
 * subscribed, or to null where no lock signal can be had.
 */
export async function watchLogindLock(onLock: () => void, options: LogindOptions = {}): Promise<LogindWatch | null> {
  const settings = { gdbus: 'gdbus', timeoutMs: 3_000, pid: process.pid, ...options };
  const session = await sessionOf(settings);
  if (!session) return null;
  const monitor: ChildProcess = spawn(settings.gdbus, ['monitor', ...busArgs(settings.address), '--dest', LOGIN1, '--object-path', session], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lockLine = `${session}: ${SESSION_LOCK} ()`;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (watch: LogindWatch | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!watch) monitor.kill();
      resolve(watch);
    };
    const timer = setTimeout(() => settle(null), settings.timeoutMs);
    monitor.on('error', () => settle(null));
    monitor.on('exit', () => settle(null));
    createInterface({ input: monitor.stdout! }).on('line', (line) => {
      // gdbus says who owns the name once it has subscribed; "does not have an owner" means no logind.
      if (line.startsWith(`The name ${LOGIN1} is owned by :`)) settle({ session, stop: () => monitor.kill() });
      else if (line === `The name ${LOGIN1} does not have an owner`) settle(null);
      else if (line === lockLine) onLock();
    });
  });
}
