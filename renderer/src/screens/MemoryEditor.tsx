import { useState, type FormEvent } from 'react';
import { ClientError } from '../../../src/contract/client.js';
import type { Memory } from '../../../src/contract/memory.js';
import type { SpaceInfo } from '../../../src/contract/vault.js';
import { useClient } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';

const tagsOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** Creates a memory, or edits one at the version it was read: a change made meanwhile is shown, never overwritten. */
export function MemoryEditor({ memory, spaces, onDone, onCancel }: { memory?: Memory; spaces: SpaceInfo[]; onDone: (id: string | null, message: string) => Promise<void>; onCancel: () => void }) {
  const client = useClient();
  const writable = spaces.filter((s) => s.granted);
  const [space, setSpace] = useState(memory?.space ?? writable[0]?.name ?? 'default');
  const [kind, setKind] = useState(memory?.kind ?? 'note');
  const [content, setContent] = useState(memory?.content ?? '');
  const [context, setContext] = useState(memory?.context ?? '');
  const [tags, setTags] = useState(memory?.tags.join(' ') ?? '');
  const [base, setBase] = useState(memory);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [duplicateOf, setDuplicateOf] = useState<string | null>(null);
  const [conflict, setConflict] = useState<number | null>(null);

  const save = async (force: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (base) {
        const updated = await client.call('updateMemory', { id: base.id, content, context, kind, tags: tagsOf(tags), expectedVersion: base.version });
        await onDone(updated.id, `Saved as version ${updated.version}.`);
      } else {
        const created = await client.call('addMemory', { space, kind, content, context, tags: tagsOf(tags), force });
        await onDone(created.id, 'Memory stored.');
      }
    } catch (err) {
      if (err instanceof ClientError && err.code === 'duplicate') setDuplicateOf(String(err.details.existingId ?? ''));
      else if (err instanceof ClientError && err.code === 'conflict' && typeof err.details.currentVersion === 'number') setConflict(err.details.currentVersion);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDuplicateOf(null);
    void save(false);
  };
  const reload = async () => {
    if (!base) return;
    try {
      const latest = await client.call('getMemory', base.id);
      setBase(latest);
      setContent(latest.content);
      setContext(latest.context);
      setKind(latest.kind);
      setTags(latest.tags.join(' '));
      setConflict(null);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="editor-title" aria-busy={busy}>
      <h3 id="editor-title" style={{ marginTop: 0 }}>
        {base ? `Edit memory (version ${base.version})` : 'New memory'}
      </h3>
      {!base && (
        <>
          <label htmlFor="editor-space">Space</label>
          <select id="editor-space" value={space} onChange={(e) => setSpace(e.target.value)}>
            {writable.map((s) => (
              <option key={s.id}>{s.name}</option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="editor-kind">Kind</label>
      <input id="editor-kind" value={kind} onChange={(e) => setKind(e.target.value)} list="kinds" required />
      <datalist id="kinds">
        <option value="fact" />
        <option value="preference" />
        <option value="episode" />
        <option value="note" />
      </datalist>
      <label htmlFor="editor-content">Content</label>
      <textarea id="editor-content" value={content} onChange={(e) => setContent(e.target.value)} required />
      <label htmlFor="editor-context">Context</label>
      <textarea id="editor-context" value={context} onChange={(e) => setContext(e.target.value)} style={{ minHeight: '3rem' }} />
      <p className="hint">Helps find the memory (the conversation around it, where it came from); searched by keyword, not shown as content.</p>
      <label htmlFor="editor-tags">Tags</label>
      <input id="editor-tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="space-separated" />
      <ErrorNote error={error} />
      {duplicateOf !== null && (
        <div className="notice" role="alert">
          <p style={{ margin: 0 }}>
            A near-identical memory is already stored in this space (<span className="mono">{duplicateOf}</span>).
          </p>
          <button type="button" onClick={() => void save(true)} disabled={busy}>
            Store anyway
          </button>
        </div>
      )}
      {conflict !== null && (
        <div className="notice" role="alert">
          <p style={{ margin: 0 }}>
            Someone changed this memory meanwhile: it is now at version {conflict}. Your text is kept here; load the latest version to see theirs, then edit
            again.
          </p>
          <button type="button" onClick={() => void reload()}>
            Load the latest version
          </button>
        </div>
      )}
      <p className="row">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
