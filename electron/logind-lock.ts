import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The screen lock on Linux. Electron's powerMonitor has no `lock-screen` there. systemd-logind
 * tells it two ways on the login session's object: GNOME and KDE set its `LockedHint` property
 * when their screen lock comes on (a PropertiesChanged signal), and `Lock` is sent when something
 * asks logind to lock the session (`loginctl lock-session`). GLib's `gdbus` reads both, as on
 * every desktop that has GLib, so the shell needs no D-Bus library of its own: one `gdbus call`
 * finds the session, one `gdbus monitor` follows it. Where either fails there is no lock
 * signal, and Settings says so.
 */

const LOGIN1 = 'org.freedesktop.login1';
const SESSION_LOCK = `${LOGIN1}.Session.Lock`;
const PROPERTIES_CHANGED = 'org.freedesktop.DBus.Properties.PropertiesChanged';
/** An object path as gdbus prints one (D-Bus paths are ASCII letters, digits, `_` and `/`). */
const SESSION_REPLY = /^\(objectpath '(\/org\/freedesktop\/login1\/session\/[A-Za-z0-9_]+)',\)$/;

export interface LogindOptions {
  /** A D-Bus address; the system bus when absent (tests run a private bus). */
  address?: string;
  /** The gdbus program. */
  gdbus?: string;
  /** How long finding the session, and then subscribing, may each take before the answer is "no signal". */
  timeoutMs?: number;
}

export interface LogindWatch {
  /** The session object whose `Lock` is followed. */
  session: string;
  stop(): void;
}

const busArgs = (address?: string): string[] => (address ? ['--address', address] : ['--system']);

/**
 * The login session object, or null where logind, the bus or gdbus is missing. "auto" is the
 * caller's session (gdbus runs as our child, so ours), or the user's graphical session for an
 * app the desktop started outside any session (systemd's app-*.scope units).
 */
function sessionOf(options: Required<Pick<LogindOptions, 'gdbus' | 'timeoutMs'>> & LogindOptions): Promise<string | null> {
  const args = [...busArgs(options.address), '--dest', LOGIN1, '--object-path', '/org/freedesktop/login1', '--method', `${LOGIN1}.Manager.GetSession`, 'auto'];
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
  const settings = { gdbus: 'gdbus', timeoutMs: 1_000, ...options };
  const session = await sessionOf(settings);
  if (!session) return null;
  const monitor: ChildProcess = spawn(settings.gdbus, ['monitor', ...busArgs(settings.address), '--dest', LOGIN1, '--object-path', session], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lockLine = `${session}: ${SESSION_LOCK} ()`;
  const hintLine = `${session}: ${PROPERTIES_CHANGED} ('${LOGIN1}.Session', `;
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
      else if (line === lockLine || (line.startsWith(hintLine) && line.includes("'LockedHint': <true>"))) onLock();
    });
  });
}
