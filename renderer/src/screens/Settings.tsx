import { useEffect, useState, type FormEvent } from 'react';
import type { EmbedderInfo } from '../../../src/contract/embedder.js';
import type { IndexStatus } from '../../../src/contract/vault.js';
import { useClient, useMay, useSession } from '../app/client-context.js';
import { saveTheme, storedTheme, type Theme } from '../app/theme.js';
import { ErrorNote } from '../components/ErrorNote.js';

const IDLE_CHOICES_MIN = [1, 2, 5, 10, 15];

export function SettingsScreen() {
  const client = useClient();
  const may = useMay();
  const { state, refresh } = useSession();
  const [embedder, setEmbedder] = useState<EmbedderInfo | null>(null);
  const [index, setIndex] = useState<IndexStatus | null>(null);
  const [theme, setTheme] = useState<Theme>(storedTheme());
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reindexing, setReindexing] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [port, setPort] = useState(String(state.agentApiPort ?? ''));

  useEffect(() => {
    void Promise.all([client.call('embedderInfo'), client.call('indexStatus')]).then(([e, i]) => (setEmbedder(e), setIndex(i)), setError);
  }, [client]);

  const run = async (work: () => Promise<unknown>, message: string) => {
    setError(null);
    setNotice(null);
    try {
      await work();
      setNotice(message);
    } catch (err) {
      setError(err);
    }
  };
  const changePassword = (e: FormEvent) => {
    e.preventDefault();
    void run(() => client.call('changePassword', current, next), 'Password changed.').then(() => (setCurrent(''), setNext('')));
  };

  return (
    <div className="stack">
      <h2>Settings</h2>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
      <section className="card">
        <h3 style={{ marginTop: 0 }}>Auto-lock</h3>
        <label htmlFor="idle">Lock after this long without use</label>
        <select
          id="idle"
          value={Math.round(state.idleLockMs / 60_000)}
          onChange={(e) => void run(async () => (await client.setIdleLock(Number(e.target.value) * 60_000), await refresh()), 'Auto-lock changed.')}
        >
          {IDLE_CHOICES_MIN.map((m) => (
            <option key={m} value={m}>
              {m} min
            </option>
          ))}
        </select>
        <p className="hint">Locking clears the screen and zeroes this session’s keys on the host. Lock at once with the Lock button or Alt+Shift+L.</p>
        <p className="hint">
          {state.systemLock === null
            ? 'In a browser Memvault cannot see your computer sleep or its screen lock: only the timeout above and the Lock button lock it.'
            : state.systemLock.includes('lock-screen')
              ? 'It also locks when the computer sleeps or its screen locks.'
              : 'It also locks when the computer sleeps. The screen lock is not seen on this system: on Linux Memvault follows logind’s lock signal through gdbus, and here there is no logind session or no gdbus.'}
        </p>
      </section>
      {state.session && (
        <section className="card">
          <h3 style={{ marginTop: 0 }}>Password cost</h3>
          <p>
            Argon2id with {Math.round(state.session.kdf.memoryKiB / 1024)} MiB, {state.session.kdf.iterations} passes, {state.session.kdf.parallelism} lanes
            {state.lastUnlockMs !== null ? `: your last unlock took ${state.lastUnlockMs} ms on this machine.` : '.'}
          </p>
          <p className="hint">Chosen when the password was set, to take about half a second here and never below 64 MiB, 3 passes, 4 lanes; changing your password measures this machine again.</p>
        </section>
      )}
      <section className="card">
        <h3 style={{ marginTop: 0 }}>Theme</h3>
        <div className="row" role="radiogroup" aria-label="Theme">
          {(['light', 'dark'] as const).map((t) => (
            <label key={t} className="row" style={{ margin: 0, fontWeight: 500 }}>
              <input type="radio" name="theme" checked={theme === t} onChange={() => (saveTheme(t), setTheme(t))} /> {t}
            </label>
          ))}
        </div>
      </section>
      <section className="card">
        <h3 style={{ marginTop: 0 }}>Agent API</h3>
        <p>
          {state.agentApiUrl ? (
            <>
              On at <span className="mono">{state.agentApiUrl}</span> (REST <span className="mono">/v1</span>, MCP <span className="mono">/mcp</span>)
              {state.agentApiPort === null ? ', on the same loopback port as this app.' : '.'}
            </>
          ) : state.agentApiOn && state.agentApiPort !== null ? (
            <>On, but not listening: port {state.agentApiPort} is taken by another program. Choose another port.</>
          ) : (
            'Off.'
          )}
        </p>
        {(state.agentApiUrl || state.agentApiPort !== null) && may('agent.manage') && (
          <label className="row" style={{ fontWeight: 500 }}>
            <input
              type="checkbox"
              checked={state.agentApiOn}
              onChange={(e) => void run(async () => (await client.setAgentApi(e.target.checked), await refresh()), e.target.checked ? 'Agents are served again.' : 'The agent API is off: agents get 503 until it is on again.')}
            />{' '}
            Serve agents (REST and MCP)
          </label>
        )}
        {state.agentApiPort !== null && may('agent.manage') && (
          <form
            className="row"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void run(async () => (await client.setAgentApi(true, Number(port)), await refresh()), `Agents are served on port ${port}; update their configurations.`);
            }}
          >
            <label htmlFor="agent-port">Port</label>
            <input id="agent-port" type="number" min={1024} max={65535} required value={port} onChange={(e) => setPort(e.target.value)} />
            <button type="submit">Move agents to this port</button>
          </form>
        )}
        {state.agentApiUrl && !state.agentApiOn && state.agentApiPort === null && <p className="notice">The agent API is off for this run of Memvault.</p>}
        {state.agentApiPort === null && (
          <p className="hint">
            The agent API shares the app&apos;s port, chosen at start (<code>memvault start --port N</code>). To serve agents on a fixed port without the app, run{' '}
            <code>memvault serve --port 7437</code>.
          </p>
        )}
      </section>
      <section className="card">
        <h3 style={{ marginTop: 0 }}>Embedding model</h3>
        {embedder && (
          <p>
            {embedder.kind === 'offline' ? 'Built-in offline model' : 'OpenAI-compatible endpoint'} <span className="mono">{embedder.modelId}</span> ({embedder.dimensions} dimensions)
            {embedder.url ? (
              <>
                {' '}
                at <span className="mono">{embedder.url}</span>
              </>
            ) : null}
          </p>
        )}
        {index && <p className="hint">{index.stale > 0 ? `${index.stale} memories have vectors from an older model.` : 'Every memory is embedded with the current model.'}</p>}
        <p className="hint">
          The owner changes the model with <code>memvault embedder set</code>.
        </p>
        {may('index.manage') && (
          <button
            type="button"
            disabled={reindexing}
            onClick={() => {
              setReindexing(true);
              void run(async () => {
                const { reindexed } = await client.call('reindex');
                setIndex(await client.call('indexStatus'));
                setNotice(`${reindexed} memories re-embedded.`);
              }, 'Reindex done.').finally(() => setReindexing(false));
            }}
          >
            {reindexing ? 'Re-embedding…' : 'Re-embed stale memories'}
          </button>
        )}
      </section>
      <form className="card" onSubmit={changePassword}>
        <h3 style={{ marginTop: 0 }}>Change my password</h3>
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        <label htmlFor="new-password">New password</label>
        <input id="new-password" type="password" autoComplete="new-password" minLength={8} value={next} onChange={(e) => setNext(e.target.value)} required />
        <p>
          <button type="submit">Change password</button>
        </p>
      </form>
    </div>
  );
}
