import { useEffect, useState, type FormEvent } from 'react';
import { ClientError, type VaultClient } from '../../../src/contract/client.js';
import type { ProgressEvent } from '../../../src/contract/vault.js';
import { useClient, useSession } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';

/** Polls the host's progress while `active`, for a bar during long work (loading a large space). */
export function useProgress(client: VaultClient, active: boolean): ProgressEvent | null {
  const [event, setEvent] = useState<ProgressEvent | null>(null);
  useEffect(() => {
    if (!active) return setEvent(null);
    const timer = window.setInterval(() => void client.progress().then(setEvent, () => {}), 300);
    return () => window.clearInterval(timer);
  }, [client, active]);
  return event;
}

const WORK: Partial<Record<ProgressEvent['phase'], string>> = {
  index: 'Loading space {space} into the search index',
  keys: 'Keying space {space} for the near-duplicate check',
  snapshot: 'Sealing the search index of space {space} into the vault',
};

export function ProgressBar({ event }: { event: ProgressEvent | null }) {
  const work = event && WORK[event.phase];
  if (!event || !work || event.total === 0 || event.done >= event.total) return null;
  return (
    <p>
      <label htmlFor="progress">
        {work.replace('{space}', event.space)}: {event.done.toLocaleString()} of {event.total.toLocaleString()}
      </label>
      <progress id="progress" className="progress" max={event.total} value={event.done} />
    </p>
  );
}

export function Unlock() {
  const client = useClient();
  const { state, refresh } = useSession();
  const [mode, setMode] = useState<'unlock' | 'recover'>('unlock');
  const [profile, setProfile] = useState(state.profiles[0] ?? '');
  const [password, setPassword] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [recovered, setRecovered] = useState(false);
  const progress = useProgress(client, busy);

  useEffect(() => {
    if (waitUntil <= now) return;
    const t = window.setTimeout(() => setNow(Date.now()), 250);
    return () => window.clearTimeout(t);
  }, [waitUntil, now]);
  const waiting = Math.max(0, Math.ceil((waitUntil - now) / 1000));

  const run = async (e: FormEvent, work: () => Promise<void>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
      if (err instanceof ClientError && err.retryAfterSeconds) {
        setWaitUntil(Date.now() + err.retryAfterSeconds * 1000);
        setNow(Date.now());
      }
    } finally {
      setBusy(false);
      setPassword('');
    }
  };

  if (mode === 'recover')
    return (
      <main className="center">
        <h1>Recover the owner</h1>
        <p className="hint">Enter the recovery key you saved when the vault was created, and a new owner password.</p>
        <form className="card" onSubmit={(e) => run(e, async () => (await client.recover(recoveryKey.trim(), password), setRecovered(true), setMode('unlock')))}>
          <label htmlFor="recovery">Recovery key</label>
          <input id="recovery" className="mono" value={recoveryKey} onChange={(e) => setRecoveryKey(e.target.value)} autoComplete="off" required style={{ width: '100%' }} />
          <label htmlFor="new-password">New owner password</label>
          <input id="new-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required />
          <ErrorNote error={error} />
          <p className="row">
            <button type="submit" className="primary" disabled={busy}>
              Set new password
            </button>
            <button type="button" onClick={() => setMode('unlock')}>
              Back
            </button>
          </p>
        </form>
      </main>
    );

  return (
    <main className="center">
      <h1>Unlock Memvault</h1>
      {recovered && <p className="success">The owner password is changed. Unlock with it now.</p>}
      <form className="card" onSubmit={(e) => run(e, async () => (await client.unlock(profile, password), await refresh()))} aria-busy={busy}>
        <label htmlFor="profile">Profile</label>
        <select id="profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
          {state.profiles.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <label htmlFor="password">Password</label>
        <input id="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required autoFocus />
        <ErrorNote error={error} />
        {waiting > 0 && (
          <p className="notice" role="status">
            Too many failed attempts: wait {waiting} s before the next one.
          </p>
        )}
        <ProgressBar event={progress} />
        <p className="row">
          <button type="submit" className="primary" disabled={busy || waiting > 0}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
          <button type="button" onClick={() => (setMode('recover'), setError(null))}>
            Forgot the owner password?
          </button>
        </p>
      </form>
    </main>
  );
}
