import { useState, type FormEvent } from 'react';
import { useClient } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';

/** Creates the vault and its owner, then shows the recovery key once, until the owner says it is saved. */
export function FirstRun({ onDone }: { onDone: () => Promise<void> }) {
  const client = useClient();
  const [owner, setOwner] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const mismatch = again !== '' && again !== password;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      setRecoveryKey((await client.createVault(owner, password)).recoveryKey);
      setPassword('');
      setAgain('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (recoveryKey)
    return (
      <main className="center stack">
        <h1>Your recovery key</h1>
        <p>
          This key is the only way back in if the owner password is lost. It is shown <strong>once</strong>. Print it or store it in your password manager, away
          from this computer.
        </p>
        <p className="recovery mono" aria-label="Recovery key">
          {recoveryKey}
        </p>
        <div className="row">
          <button
            type="button"
            onClick={() => {
              void client.copy(recoveryKey).then(() => setCopied(true));
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
        </div>
        <label className="row" style={{ fontWeight: 500 }}>
          <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have saved the recovery key
        </label>
        <button
          type="button"
          className="primary"
          disabled={!saved}
          onClick={() => {
            setRecoveryKey(null);
            void onDone();
          }}
        >
          Open my vault
        </button>
      </main>
    );

  return (
    <main className="center">
      <h1>Create your vault</h1>
      <p className="hint">Memvault keeps your agents’ memories encrypted in one file on this computer. You are its owner.</p>
      <form className="card" onSubmit={submit} aria-busy={busy}>
        <label htmlFor="owner">Owner profile name</label>
        <input id="owner" value={owner} onChange={(e) => setOwner(e.target.value)} autoComplete="username" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}" />
        <p className="hint">Letters, digits, _ . - (up to 64).</p>
        <label htmlFor="password">Password</label>
        <input id="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required />
        <p className="hint">At least 8 characters; a passphrase from your password manager is best.</p>
        <label htmlFor="again">Password again</label>
        <input id="again" type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required aria-invalid={mismatch} />
        {mismatch && <p className="error">The two passwords differ.</p>}
        <ErrorNote error={error} />
        <p>
          <button type="submit" className="primary" disabled={busy || mismatch}>
            {busy ? 'Creating… (deriving the key takes a moment)' : 'Create vault'}
          </button>
        </p>
      </form>
    </main>
  );
}
