import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../src/contract/roles.js';
import type { ProfileInfo, SpaceInfo } from '../../../src/contract/vault.js';
import { useClient } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { LocalTime } from '../components/LocalTime.js';

/** Spaces and profiles, for owners and admins. The core decides who may change whom; nobody is offered the owner's role or profile, which the core refuses to everyone. */
export function PeopleScreen() {
  const client = useClient();
  const [spaces, setSpaces] = useState<SpaceInfo[]>([]);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [spaceName, setSpaceName] = useState('');
  const [newProfile, setNewProfile] = useState({ name: '', role: 'editor' as Role, password: '', spaces: '' });
  const [grant, setGrant] = useState({ space: '', profile: '' });
  const [reset, setReset] = useState({ profile: '', password: '' });

  const load = useCallback(async () => {
    try {
      const [s, p] = await Promise.all([client.call('listSpaces'), client.call('listProfiles')]);
      setSpaces(s);
      setProfiles(p);
    } catch (err) {
      setError(err);
    }
  }, [client]);
  useEffect(() => void load(), [load]);

  const run = async <T,>(work: () => Promise<T>, message: string | ((result: T) => string)) => {
    setError(null);
    try {
      const result = await work();
      setNotice(typeof message === 'string' ? message : message(result));
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const assignable = ROLES.filter((r) => r !== 'owner');

  return (
    <div className="stack">
      <h2>Spaces & profiles</h2>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
      <section className="card" aria-labelledby="spaces-title">
        <h3 id="spaces-title">Spaces</h3>
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>Memories</th>
              <th>Profiles</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {spaces.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.memories}</td>
                <td>{s.members.join(', ')}</td>
                <td>
                  <LocalTime iso={s.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form className="row" onSubmit={(e: FormEvent) => (e.preventDefault(), void run(() => client.call('createSpace', spaceName), `Space ${spaceName} created.`))}>
          <label htmlFor="space-name">New space</label>
          <input id="space-name" value={spaceName} onChange={(e) => setSpaceName(e.target.value)} required />
          <button type="submit">Create space</button>
        </form>
        <form className="row" onSubmit={(e: FormEvent) => e.preventDefault()}>
          <label htmlFor="grant-space">Space</label>
          <select id="grant-space" value={grant.space} onChange={(e) => setGrant({ ...grant, space: e.target.value })}>
            <option value="">choose…</option>
            {spaces.map((s) => (
              <option key={s.id}>{s.name}</option>
            ))}
          </select>
          <label htmlFor="grant-profile">Profile</label>
          <select id="grant-profile" value={grant.profile} onChange={(e) => setGrant({ ...grant, profile: e.target.value })}>
            <option value="">choose…</option>
            {profiles.filter((p) => p.role !== 'owner').map((p) => (
              <option key={p.id}>{p.name}</option>
            ))}
          </select>
          <button type="button" disabled={!grant.space || !grant.profile} onClick={() => void run(() => client.call('grantSpace', grant.space, grant.profile), `${grant.profile} may now use ${grant.space}.`)}>
            Grant
          </button>
          <button type="button" disabled={!grant.space || !grant.profile} onClick={() => void run(() => client.call('revokeSpace', grant.space, grant.profile), `${grant.profile} no longer holds ${grant.space}; its key was rotated.`)}>
            Revoke
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="profiles-title">
        <h3 id="profiles-title">Profiles</h3>
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Spaces</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {profiles.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>
                  {p.role === 'owner' ? (
                    p.role
                  ) : (
                    <select aria-label={`Role of ${p.name}`} value={p.role} onChange={(e) => void run(() => client.call('changeRole', p.name, e.target.value as Role), `${p.name} is now ${e.target.value}.`)}>
                      {assignable.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  )}
                </td>
                <td>{p.spaces.join(', ')}</td>
                <td>
                  {p.role !== 'owner' && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        if (window.confirm(`Remove profile ${p.name}? Its spaces get new keys.`)) void run(() => client.call('removeProfile', p.name), `Profile ${p.name} removed.`);
                      }}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            const spacesOf = newProfile.spaces.split(/[\s,]+/).filter(Boolean);
            void run(() => client.call('addProfile', { name: newProfile.name, role: newProfile.role, password: newProfile.password, spaces: spacesOf }), `Profile ${newProfile.name} added.`).then(() =>
              setNewProfile({ name: '', role: 'editor', password: '', spaces: '' }),
            );
          }}
        >
          <h4>Add a profile</h4>
          <div className="row">
            <label htmlFor="profile-name">Name</label>
            <input id="profile-name" value={newProfile.name} onChange={(e) => setNewProfile({ ...newProfile, name: e.target.value })} required />
            <label htmlFor="profile-role">Role</label>
            <select id="profile-role" value={newProfile.role} onChange={(e) => setNewProfile({ ...newProfile, role: e.target.value as Role })}>
              {assignable.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
            <label htmlFor="profile-password">First password</label>
            <input id="profile-password" type="password" autoComplete="new-password" minLength={8} value={newProfile.password} onChange={(e) => setNewProfile({ ...newProfile, password: e.target.value })} required />
            <label htmlFor="profile-spaces">Spaces</label>
            <input id="profile-spaces" value={newProfile.spaces} onChange={(e) => setNewProfile({ ...newProfile, spaces: e.target.value })} placeholder="default work" />
            <button type="submit">Add profile</button>
          </div>
          <p className="hint">Give the first password to its holder; they change it with “Change my password” in Settings.</p>
        </form>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void run(async () => {
              const done = await client.call('resetPassword', reset.profile, reset.password);
              setReset({ profile: '', password: '' });
              return done;
            }, (done) => `Password of ${done.profile.name} reset; its open sessions end.${done.lostSpaces.length > 0 ? ` It no longer holds ${done.lostSpaces.join(', ')}.` : ''}`);
          }}
        >
          <h4>Reset a forgotten password</h4>
          <div className="row">
            <label htmlFor="reset-profile">Profile</label>
            <select id="reset-profile" value={reset.profile} onChange={(e) => setReset({ ...reset, profile: e.target.value })} required>
              <option value="">choose…</option>
              {profiles.filter((p) => p.role !== 'owner').map((p) => (
                <option key={p.id}>{p.name}</option>
              ))}
            </select>
            <label htmlFor="reset-password">New password</label>
            <input id="reset-password" type="password" autoComplete="new-password" minLength={8} value={reset.password} onChange={(e) => setReset({ ...reset, password: e.target.value })} required />
            <button type="submit">Reset password</button>
          </div>
          <p className="hint">The profile gets new keys: it keeps the spaces you hold, loses the others (their keys rotate). The owner resets with the recovery key on the unlock screen.</p>
        </form>
      </section>
    </div>
  );
}
