import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ContactInfo, ImportReport, PublicIdentityInfo } from '../../../src/contract/backup.js';
import type { SpaceInfo } from '../../../src/contract/vault.js';
import { useClient } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { LocalTime } from '../components/LocalTime.js';

/** A QR code from the core's module matrix, drawn as SVG (no image URL, so the CSP needs nothing more). */
function QrCode({ qr, label }: { qr: PublicIdentityInfo['qr']; label: string }) {
  const quiet = 4;
  const span = qr.size + 2 * quiet;
  const cells: string[] = [];
  for (let r = 0; r < qr.size; r++) for (let c = 0; c < qr.size; c++) if (qr.modules[r * qr.size + c] === '1') cells.push(`M${c + quiet},${r + quiet}h1v1h-1z`);
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${span} ${span}`} width={span * 4} height={span * 4} className="qr">
      <rect width={span} height={span} fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  );
}

/** Backups (passphrase or teammates), imports with a preview first, and the contacts team bundles come from. Owner and admin. */
export function BackupsScreen() {
  const client = useClient();
  const [identity, setIdentity] = useState<PublicIdentityInfo | null>(null);
  const [contacts, setContacts] = useState<ContactInfo[]>([]);
  const [spaces, setSpaces] = useState<SpaceInfo[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [exp, setExp] = useState({ file: '', passphrase: '', to: '', spaces: '', withAudit: false });
  const [imp, setImp] = useState({ file: '', passphrase: '' });
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [newContact, setNewContact] = useState({ name: '', key: '' });

  const load = useCallback(async () => {
    try {
      const [id, c, s] = await Promise.all([client.call('publicIdentity'), client.call('listContacts'), client.call('listSpaces')]);
      setIdentity(id);
      setContacts(c);
      setSpaces(s);
    } catch (err) {
      setError(err);
    }
  }, [client]);
  useEffect(() => void load(), [load]);

  const run = async <T,>(work: () => Promise<T>, message: (result: T) => string | null) => {
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      const result = await work();
      setNotice(message(result));
      await load();
      return result;
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);
  const importArgs = () => ({ file: imp.file, ...(imp.passphrase ? { passphrase: imp.passphrase } : {}) });

  return (
    <div className="stack">
      <h2>Backups</h2>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
      {busy && <p aria-busy="true">Working… large vaults take a while.</p>}

      <section className="card" aria-labelledby="export-title">
        <h3 id="export-title">Export</h3>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            const to = list(exp.to);
            void run(
              () => client.call('exportBackup', { file: exp.file, spaces: list(exp.spaces), withAudit: exp.withAudit, ...(to.length ? { to } : { passphrase: exp.passphrase }) }),
              (done) => `Wrote ${done.file}: ${done.memories} memories, ${done.versions} versions${done.recipients.length ? `, for ${done.recipients.join(', ')}` : ', locked with the passphrase'}.`,
            );
          }}
        >
          <div className="row">
            <label htmlFor="export-file">File (full path on this computer)</label>
            <input id="export-file" value={exp.file} onChange={(e) => setExp({ ...exp, file: e.target.value })} placeholder="/home/you/memvault-backup.mvb" required />
          </div>
          <div className="row">
            <label htmlFor="export-spaces">Spaces</label>
            <input id="export-spaces" value={exp.spaces} onChange={(e) => setExp({ ...exp, spaces: e.target.value })} placeholder={`all: ${spaces.map((s) => s.name).join(', ')}`} />
          </div>
          <div className="row">
            <label htmlFor="export-passphrase">Passphrase</label>
            <input id="export-passphrase" type="password" autoComplete="new-password" minLength={8} value={exp.passphrase} onChange={(e) => setExp({ ...exp, passphrase: e.target.value })} disabled={exp.to !== ''} />
            <label htmlFor="export-to">or for contacts</label>
            <input id="export-to" value={exp.to} onChange={(e) => setExp({ ...exp, to: e.target.value })} placeholder={contacts.filter((c) => c.verified).map((c) => c.name).join(', ') || 'no verified contacts yet'} />
          </div>
          <label className="row">
            <input type="checkbox" checked={exp.withAudit} onChange={(e) => setExp({ ...exp, withAudit: e.target.checked })} /> Include the audit log
          </label>
          <button type="submit" disabled={busy}>
            Export backup
          </button>
          <p className="hint">Without the passphrase (or a contact’s key) the file is useless. It is written under a temporary name and renamed when complete.</p>
        </form>
      </section>

      <section className="card" aria-labelledby="import-title">
        <h3 id="import-title">Import</h3>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setPreview(null);
            void run(
              () => client.call('importBackup', { ...importArgs(), dryRun: true }),
              () => null,
            ).then((report) => report && setPreview(report));
          }}
        >
          <div className="row">
            <label htmlFor="import-file">File</label>
            <input id="import-file" value={imp.file} onChange={(e) => (setImp({ ...imp, file: e.target.value }), setPreview(null))} required />
            <label htmlFor="import-passphrase">Passphrase (not for a team bundle)</label>
            <input id="import-passphrase" type="password" autoComplete="off" value={imp.passphrase} onChange={(e) => (setImp({ ...imp, passphrase: e.target.value }), setPreview(null))} />
            <button type="submit" disabled={busy}>
              Preview
            </button>
          </div>
        </form>
        {preview && (
          <div data-testid="import-preview">
            <p>
              The file is intact. Importing would add <strong>{preview.added}</strong>, update <strong>{preview.updated}</strong>, skip <strong>{preview.skipped}</strong> and keep{' '}
              <strong>{preview.conflicts}</strong> conflicts{preview.spacesCreated.length > 0 ? `, creating ${preview.spacesCreated.join(', ')}` : ''}.
              {preview.quarantine && ` The sender is not verified: everything goes into ${preview.quarantine}.`}
            </p>
            {preview.notes.length > 0 && (
              <ul>
                {preview.notes.slice(0, 20).map((n) => (
                  <li key={n.id}>
                    <span className="mono">{n.id.slice(0, 8)}</span> {n.outcome}: {n.reason}
                  </li>
                ))}
              </ul>
            )}
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(
                  () => client.call('importBackup', importArgs()),
                  (r) => `Imported: ${r.added} added, ${r.updated} updated, ${r.skipped} skipped, ${r.conflicts} conflicts.`,
                ).then(() => setPreview(null))
              }
            >
              Import now
            </button>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="identity-title">
        <h3 id="identity-title">Your key for teammates</h3>
        {identity && (
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <QrCode qr={identity.qr} label={`QR code of ${identity.profile}'s public key`} />
            <div className="stack">
              <p className="mono" style={{ wordBreak: 'break-all' }}>
                {identity.key}
              </p>
              <button type="button" onClick={() => void client.copy(identity.key).then(() => setNotice('Public key copied.'))}>
                Copy key
              </button>
              <p>
                Words: <strong data-testid="own-words">{identity.words.join(' ')}</strong>
              </p>
              <p className="mono">{identity.digits.join(' ')}</p>
              <p className="hint">A teammate adds this key, then compares the words or digits with you in person or on a call before verifying you.</p>
            </div>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="contacts-title">
        <h3 id="contacts-title">Contacts</h3>
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>Fingerprint words</th>
              <th>Verified</th>
              <th>Last bundle</th>
              <th>Added</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.words.join(' ')}</td>
                <td>
                  {c.verified ? (
                    'yes'
                  ) : (
                    <button type="button" onClick={() => void run(() => client.call('verifyContact', c.name), () => `${c.name} verified.`)}>
                      Verify {c.name}
                    </button>
                  )}
                </td>
                <td>{c.lastSequence ? `#${c.lastSequence}` : '–'}</td>
                <td>
                  <LocalTime iso={c.addedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          className="row"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void run(
              () => client.call('addContact', newContact.name, newContact.key, false),
              (c) => `Contact ${c.name} added, not verified: compare “${c.words.join(' ')}” with them, then verify.`,
            ).then((c) => c && setNewContact({ name: '', key: '' }));
          }}
        >
          <label htmlFor="contact-name">Name</label>
          <input id="contact-name" value={newContact.name} onChange={(e) => setNewContact({ ...newContact, name: e.target.value })} required />
          <label htmlFor="contact-key">Public key</label>
          <input id="contact-key" value={newContact.key} onChange={(e) => setNewContact({ ...newContact, key: e.target.value })} placeholder="mvpk1:…" required />
          <button type="submit">Add contact</button>
        </form>
      </section>
    </div>
  );
}
