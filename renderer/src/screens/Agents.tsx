import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { AGENT_CONFIG_CLIENTS, AGENT_CONFIG_LABELS, agentConfig } from '../../../src/contract/agent-configs.js';
import { AGENT_DEFAULTS, AGENT_GRANTS, type AgentGrant, type AgentInfo, type IssuedAgent } from '../../../src/contract/agent.js';
import type { AuditEvent } from '../../../src/contract/audit.js';
import type { SpaceInfo } from '../../../src/contract/vault.js';
import { useClient, useMay, useSession } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { LocalTime } from '../components/LocalTime.js';

export function AgentsScreen() {
  return (
    <Routes>
      <Route index element={<AgentList />} />
      <Route path=":name" element={<AgentPage />} />
    </Routes>
  );
}

function IssuedToken({ issued, onClose }: { issued: IssuedAgent; onClose: () => void }) {
  const { state } = useSession();
  const client = useClient();
  const [copied, setCopied] = useState(false);
  const mcpUrl = `${state.agentApiUrl ?? 'http://127.0.0.1:7437'}/mcp`;
  const binPath = state.binPath;
  const input = { mcpUrl, token: issued.token, binPath: binPath ?? '', tokenFile: '/ABSOLUTE/PATH/TO/memvault-token', vaultPath: state.vaultPath };
  // The stdio configuration needs a CLI this machine can run; the packaged desktop app has none to offer.
  const clients = AGENT_CONFIG_CLIENTS.filter((c) => c !== 'claude-desktop' || binPath !== null);
  return (
    <section className="card stack" aria-labelledby="token-title">
      <h3 id="token-title">Token for {issued.agent.name}</h3>
      <p>This token is shown once. Copy it now; Memvault keeps only a hash of it.</p>
      <p className="mono recovery" aria-label="Agent token">
        {issued.token}
      </p>
      <button type="button" onClick={() => void client.copy(issued.token).then(() => setCopied(true))}>
        {copied ? 'Copied' : 'Copy token'}
      </button>
      <h4>Ready-to-paste configurations</h4>
      <p className="hint">For Claude Desktop, save the token in a file only you can read (chmod 600) and put its path in place of the placeholder.</p>
      {clients.map((c) => (
        <div key={c}>
          <h5 style={{ margin: '0.4rem 0' }}>{AGENT_CONFIG_LABELS[c]}</h5>
          <pre className="config" aria-label={`${AGENT_CONFIG_LABELS[c]} configuration`}>
            {JSON.stringify(agentConfig(c, input), null, 2)}
          </pre>
        </div>
      ))}
      <button type="button" className="primary" onClick={onClose}>
        Done
      </button>
    </section>
  );
}

function AgentList() {
  const client = useClient();
  const [agents, setAgents] = useState<AgentInfo[]>([]);
  const [spaces, setSpaces] = useState<SpaceInfo[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [issued, setIssued] = useState<IssuedAgent | null>(null);
  const [name, setName] = useState('');
  const [chosenSpaces, setChosenSpaces] = useState<string[]>([]);
  const [grants, setGrants] = useState<AgentGrant[]>(['read', 'write']);
  const [expires, setExpires] = useState('90');

  const load = useCallback(async () => {
    try {
      const [a, s] = await Promise.all([client.call('listAgents'), client.call('listSpaces')]);
      setAgents(a);
      setSpaces(s.filter((x) => x.granted));
    } catch (err) {
      setError(err);
    }
  }, [client]);
  useEffect(() => void load(), [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const result = await client.call('addAgent', { name, spaces: chosenSpaces, grants, ...(expires ? { expiresInDays: Number(expires) } : {}) });
      setIssued(result);
      setName('');
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const flip = <T,>(list: T[], item: T) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

  return (
    <div className="stack">
      <h2>Agents</h2>
      <ErrorNote error={error} />
      {issued && <IssuedToken issued={issued} onClose={() => setIssued(null)} />}
      <table className="plain card">
        <thead>
          <tr>
            <th>Agent</th>
            <th>State</th>
            <th>Spaces</th>
            <th>May</th>
            <th>Last used</th>
            <th>Expires</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id}>
              <td>
                <Link to={a.name}>{a.name}</Link>
              </td>
              <td>
                <span className={`badge ${a.state === 'active' ? 'ok' : a.state === 'paused' ? 'warn' : 'bad'}`}>{a.state}</span>
              </td>
              <td>{a.spaces.join(', ')}</td>
              <td>{a.grants.join(', ')}</td>
              <td>
                <LocalTime iso={a.lastUsedAt} />
              </td>
              <td>{a.expiresAt ? <LocalTime iso={a.expiresAt} /> : <span className="hint">never</span>}</td>
            </tr>
          ))}
          {agents.length === 0 && (
            <tr>
              <td colSpan={6} className="hint">
                No agents yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <form className="card" onSubmit={create}>
        <h3 style={{ marginTop: 0 }}>Create an agent credential</h3>
        <label htmlFor="agent-name">Name</label>
        <input id="agent-name" value={name} onChange={(e) => setName(e.target.value)} required placeholder="coder" />
        <fieldset>
          <legend>Spaces</legend>
          {spaces.map((s) => (
            <label key={s.id} className="row" style={{ fontWeight: 500 }}>
              <input type="checkbox" checked={chosenSpaces.includes(s.name)} onChange={() => setChosenSpaces(flip(chosenSpaces, s.name))} /> {s.name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Permissions</legend>
          {AGENT_GRANTS.map((g) => (
            <label key={g} className="row" style={{ fontWeight: 500 }}>
              <input type="checkbox" checked={grants.includes(g)} onChange={() => setGrants(flip(grants, g))} /> {g}
            </label>
          ))}
        </fieldset>
        <label htmlFor="agent-expires">Expires after (days; empty: never)</label>
        <input id="agent-expires" type="number" min={1} max={3650} value={expires} onChange={(e) => setExpires(e.target.value)} />
        <p className="hint">
          Limits: {AGENT_DEFAULTS.requestsPerMinute} requests a minute, {AGENT_DEFAULTS.dailyWrites} writes a day.
        </p>
        <button type="submit" className="primary">
          Create credential
        </button>
      </form>
    </div>
  );
}

function AgentPage() {
  const { name = '' } = useParams();
  const client = useClient();
  const may = useMay();
  const [agent, setAgent] = useState<AgentInfo | null>(null);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [issued, setIssued] = useState<IssuedAgent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const canAudit = may('audit.read');

  const load = useCallback(async () => {
    try {
      setAgent((await client.call('listAgents')).find((a) => a.name === name) ?? null);
      if (canAudit) setEvents(await client.call('listAudit', { actorType: 'agent', actorId: name, order: 'desc', limit: 500 }));
    } catch (err) {
      setError(err);
    }
  }, [client, name, canAudit]);
  useEffect(() => void load(), [load]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await load();
    } catch (err) {
      setError(err);
    }
  };
  if (!agent)
    return (
      <div className="stack">
        <ErrorNote error={error} />
        <p>
          No agent named {name}. <Link to="..">All agents</Link>
        </p>
      </div>
    );
  const live = agent.state !== 'revoked';
  return (
    <div className="stack">
      <p>
        <Link to="..">← All agents</Link>
      </p>
      <h2>Agent {agent.name}</h2>
      <ErrorNote error={error} />
      {issued && <IssuedToken issued={issued} onClose={() => setIssued(null)} />}
      <dl className="props card">
        <dt>State</dt>
        <dd>{agent.state}</dd>
        <dt>Spaces</dt>
        <dd>{agent.spaces.join(', ')}</dd>
        <dt>May</dt>
        <dd>{agent.grants.join(', ')}</dd>
        <dt>Created</dt>
        <dd>
          <LocalTime iso={agent.createdAt} /> by {agent.createdBy}
        </dd>
        <dt>Last used</dt>
        <dd>
          <LocalTime iso={agent.lastUsedAt} />
        </dd>
        <dt>Requests</dt>
        <dd>{may('audit.read') ? `${events.length}${events.length === 500 ? '+' : ''} logged` : 'visible to auditors'} · limit {agent.requestsPerMinute} a minute</dd>
        <dt>Writes today</dt>
        <dd>
          {agent.writesToday} of {agent.dailyWrites}
        </dd>
        <dt>Expires</dt>
        <dd>{agent.expiresAt ? <LocalTime iso={agent.expiresAt} /> : 'never'}</dd>
      </dl>
      <div className="row">
        {agent.state === 'active' && (
          <button type="button" onClick={() => void act(() => client.call('pauseAgent', agent.name))}>
            Pause
          </button>
        )}
        {agent.state === 'paused' && (
          <button type="button" onClick={() => void act(() => client.call('resumeAgent', agent.name))}>
            Resume
          </button>
        )}
        {live && (
          <button type="button" onClick={() => void act(async () => setIssued(await client.call('rotateAgent', agent.name)))}>
            Rotate token
          </button>
        )}
        {live && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Revoke ${agent.name}? Its token stops working at once.`)) void act(() => client.call('revokeAgent', agent.name));
            }}
          >
            Revoke
          </button>
        )}
      </div>
      {may('audit.read') && (
        <section className="card" aria-labelledby="timeline-title">
          <h3 id="timeline-title">Timeline</h3>
          <ol className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {events.slice(0, 100).map((e) => (
              <li key={e.seq} className="row">
                <LocalTime iso={e.time} />
                <span className={`badge ${e.outcome === 'ok' ? '' : 'bad'}`}>{e.outcome}</span>
                <strong>{e.action}</strong>
                <span className="mono hint">{e.targets.join(' ')}</span>
              </li>
            ))}
            {events.length === 0 && <li className="hint">No requests yet.</li>}
          </ol>
        </section>
      )}
    </div>
  );
}
