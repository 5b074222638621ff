import { ErrorNote } from '../components/ErrorNote.js';

export function SignInNeeded({ error }: { error?: unknown }) {
  return (
    <main className="center stack">
      <h1>Memvault</h1>
      {error ? <ErrorNote error={error} /> : null}
      <p>This browser is not signed in to Memvault.</p>
      <p className="hint">
        Open the one-time login link that <code>npm start</code> (or <code>memvault start</code>) printed in its terminal. Each link works once, for two
        minutes; press Enter in that terminal for a new one.
      </p>
    </main>
  );
}
