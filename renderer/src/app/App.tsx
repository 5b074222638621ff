import { useCallback, useEffect, useMemo, useState } from 'react';
import { HashRouter } from 'react-router';
import type { AppState, VaultClient } from '../../../src/contract/client.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { FirstRun } from '../screens/FirstRun.js';
import { SignInNeeded } from '../screens/SignInNeeded.js';
import { Unlock } from '../screens/Unlock.js';
import { ClientContext, SessionContext } from './client-context.js';
import { guardedClient } from './guarded-client.js';
import { Shell } from './Shell.js';
import { useIdleLock } from './use-idle-lock.js';

export function App({ client: raw, signedIn, loginError }: { client: VaultClient; signedIn: boolean; loginError?: unknown }) {
  const [state, setState] = useState<AppState | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Clearing the screen comes first: nothing of the vault stays rendered while the host locks.
  const clearToLocked = useCallback(() => setState((s) => (s && s.vault === 'unlocked' ? { ...s, vault: 'locked', session: null } : s)), []);
  const client = useMemo(() => guardedClient(raw, clearToLocked), [raw, clearToLocked]);

  const refresh = useCallback(async () => {
    try {
      setState(await client.state());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [client]);

  useEffect(() => {
    if (signedIn) void refresh();
  }, [signedIn, refresh]);

  const lock = useCallback(async () => {
    clearToLocked();
    try {
      await client.lock();
    } finally {
      await refresh();
    }
  }, [client, clearToLocked, refresh]);

  if (!signedIn) return <SignInNeeded error={loginError} />;
  if (!state)
    return (
      <main className="center">
        {error ? <ErrorNote error={error} /> : <p aria-busy="true">Opening Memvault…</p>}
      </main>
    );
  return (
    <ClientContext.Provider value={client}>
      <SessionContext.Provider value={{ state, refresh, lock }}>
        {state.vault === 'absent' && <FirstRun onDone={refresh} />}
        {state.vault === 'locked' && <Unlock />}
        {state.vault === 'unlocked' && (
          <HashRouter>
            <Unlocked idleLockMs={state.idleLockMs} lock={lock} />
          </HashRouter>
        )}
      </SessionContext.Provider>
    </ClientContext.Provider>
  );
}

function Unlocked({ idleLockMs, lock }: { idleLockMs: number; lock: () => Promise<void> }) {
  const lockNow = useCallback(() => void lock(), [lock]);
  useIdleLock(idleLockMs, lockNow);
  return <Shell />;
}
