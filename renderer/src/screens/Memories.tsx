import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { MEMORY_STATES, SEARCH_MODES, type Memory, type SearchHit } from '../../../src/contract/memory.js';
import type { SpaceInfo } from '../../../src/contract/vault.js';
import { useClient, useMay } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Provenance } from '../components/Provenance.js';
import { LocalTime } from '../components/LocalTime.js';
import { MemoryDetail } from './MemoryDetail.js';
import { MemoryEditor } from './MemoryEditor.js';
import { EMPTY_FILTERS, toFilter, type FilterForm } from './memory-filters.js';
import { ProgressBar, useProgress } from './Unlock.js';

const PAGE = 50;
const TYPE_DELAY_MS = 250;

interface Listing {
  items: { memory: Memory; hit?: SearchHit }[];
  nextCursor: string | null;
}

export function MemoriesScreen() {
  const client = useClient();
  const may = useMay();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('m');
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTERS);
  const [spaces, setSpaces] = useState<SpaceInfo[]>([]);
  const [listing, setListing] = useState<Listing>({ items: [], nextCursor: null });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<'new' | Memory | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const progress = useProgress(client, loading);
  const seesDeleted = may('memory.deleted');
  /** Only the newest request may fill the list: answers to earlier keystrokes or filters are dropped. */
  const latest = useRef(0);
  const [selected, setSelected] = useState<Memory | null>(null);

  /** Puts the chosen memory in the URL (a reload or a link shows the same one). */
  const show = useCallback(
    (id: string | null) => {
      const next = new URLSearchParams(params);
      if (id) next.set('m', id);
      else next.delete('m');
      setParams(next);
    },
    [params, setParams],
  );
  const select = useCallback(
    (id: string | null) => {
      show(id);
      setEditing(null);
    },
    [show],
  );

  useEffect(() => {
    void client.call('listSpaces').then(setSpaces, setError);
  }, [client]);

  const load = useCallback(
    async (cursor: string | null) => {
      const request = ++latest.current;
      setLoading(true);
      setError(null);
      try {
        const filter = toFilter(form, seesDeleted);
        if (form.text.trim()) {
          const hits = await client.call('searchMemories', { ...filter, text: form.text.trim(), mode: form.mode, k: 50 });
          if (request === latest.current) setListing({ items: hits.map((hit) => ({ memory: hit.memory, hit })), nextCursor: null });
        } else {
          const page = await client.call('listMemories', { ...filter, limit: PAGE, ...(cursor ? { cursor } : {}) });
          if (request === latest.current) setListing((prev) => ({ items: [...(cursor ? prev.items : []), ...page.items.map((memory) => ({ memory }))], nextCursor: page.nextCursor }));
        }
      } catch (err) {
        if (request === latest.current) setError(err);
      } finally {
        if (request === latest.current) setLoading(false);
      }
    },
    [client, form, seesDeleted],
  );

  // Search as you type: one request a quarter second after the last key.
  useEffect(() => {
    const t = window.setTimeout(() => void load(null), form.text ? TYPE_DELAY_MS : 0);
    return () => window.clearTimeout(t);
  }, [load, form]);

  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const toggle = (id: string) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const bulk = async (op: 'archiveMemories' | 'deleteMemories') => {
    if (op === 'deleteMemories' && !window.confirm(`Delete ${chosen.size} memories? They stay in history until purged.`)) return;
    try {
      const { changed } = await client.call(op, { ids: [...chosen] });
      setNotice(`${changed} memories ${op === 'archiveMemories' ? 'archived' : 'deleted'}.`);
      setChosen(new Set());
      await load(null);
    } catch (err) {
      setError(err);
    }
  };
  const changed = useCallback(
    async (id: string | null, message: string) => {
      setEditing(null);
      await load(null);
      show(id);
      // Last: the notice says the change is done and on screen, so nothing after it closes a new editor.
      setNotice(message);
    },
    [load, show],
  );

  // The chosen memory from the list, or read by its id (a link from the audit log to one not on this page).
  useEffect(() => {
    if (!selectedId) return setSelected(null);
    const listed = listing.items.find((i) => i.memory.id === selectedId)?.memory;
    if (listed) return setSelected(listed);
    let current = true;
    client.call('getMemory', selectedId).then(
      (m) => current && setSelected(m),
      (err) => current && (setSelected(null), setError(err)),
    );
    return () => {
      current = false;
    };
  }, [client, listing, selectedId]);

  return (
    <div className="stack">
      <div className="row">
        <h2 style={{ margin: 0 }}>Memories</h2>
        <span className="spacer" />
        {may('memory.write') && (
          <button type="button" className="primary" onClick={() => (setNotice(null), setEditing('new'))}>
            New memory
          </button>
        )}
      </div>
      <form className="filters card" role="search" onSubmit={(e) => (e.preventDefault(), void load(null))}>
        <div style={{ flex: '1 1 18rem' }}>
          <label htmlFor="q">Search</label>
          <input id="q" type="search" value={form.text} onChange={(e) => set('text', e.target.value)} placeholder="What do your agents know about…" style={{ width: '100%' }} />
        </div>
        <div>
          <label htmlFor="mode">Mode</label>
          <select id="mode" value={form.mode} onChange={(e) => set('mode', e.target.value as FilterForm['mode'])}>
            {SEARCH_MODES.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="space">Space</label>
          <select id="space" value={form.space} onChange={(e) => set('space', e.target.value)}>
            <option value="">all</option>
            {spaces.filter((s) => s.granted).map((s) => (
              <option key={s.id}>{s.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="kind">Kind</label>
          <input id="kind" value={form.kind} onChange={(e) => set('kind', e.target.value)} size={8} placeholder="any" />
        </div>
        <div>
          <label htmlFor="tag">With tags</label>
          <input id="tag" value={form.tag} onChange={(e) => set('tag', e.target.value)} size={10} placeholder="all of" />
        </div>
        <div>
          <label htmlFor="source">Written by</label>
          <input id="source" value={form.source} onChange={(e) => set('source', e.target.value)} size={12} placeholder="agent:coder" />
        </div>
        <div>
          <label htmlFor="since">From</label>
          <input id="since" type="date" value={form.since} onChange={(e) => set('since', e.target.value)} />
        </div>
        <div>
          <label htmlFor="until">To</label>
          <input id="until" type="date" value={form.until} onChange={(e) => set('until', e.target.value)} />
        </div>
        <div>
          <label htmlFor="state">State</label>
          <select id="state" value={form.state} onChange={(e) => set('state', e.target.value as FilterForm['state'])}>
            {MEMORY_STATES.filter((s) => s !== 'deleted' || may('memory.deleted')).map((s) => (
              <option key={s}>{s}</option>
            ))}
            <option value="any">any</option>
          </select>
        </div>
      </form>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
      <ProgressBar event={progress} />
      <div className="memories">
        <section aria-label="Results">
          {chosen.size > 0 && (
            <div className="row card" role="toolbar" aria-label="Selected memories">
              <span>{chosen.size} selected</span>
              {may('memory.write') && (
                <button type="button" onClick={() => void bulk('archiveMemories')}>
                  Archive selected
                </button>
              )}
              {may('memory.delete') && (
                <button type="button" className="danger" onClick={() => void bulk('deleteMemories')}>
                  Delete selected
                </button>
              )}
              <button type="button" onClick={() => setChosen(new Set())}>
                Clear selection
              </button>
            </div>
          )}
          <p className="hint" aria-live="polite">
            {loading ? 'Loading…' : form.text ? `${listing.items.length} matches (${form.mode})` : `${listing.items.length} memories, newest first`}
          </p>
          {listing.items.map(({ memory, hit }) => (
            <div key={memory.id} className="row" style={{ alignItems: 'flex-start', flexWrap: 'nowrap' }}>
              <input type="checkbox" aria-label={`Select memory ${memory.id}`} checked={chosen.has(memory.id)} onChange={() => toggle(memory.id)} style={{ marginTop: '0.9rem' }} />
              <button type="button" className="memory-item" aria-current={memory.id === selectedId} onClick={() => select(memory.id)}>
                <span className="content">{memory.content.length > 240 ? `${memory.content.slice(0, 240)}…` : memory.content}</span>
                <span className="row hint" style={{ marginTop: '0.3rem' }}>
                  <Provenance source={memory.source} />
                  <span className="badge">{memory.space}</span>
                  <span className="badge">{memory.kind}</span>
                  {memory.state !== 'active' && <span className="badge warn">{memory.state}</span>}
                  {memory.tags.map((t) => (
                    <span key={t} className="badge">
                      #{t}
                    </span>
                  ))}
                  <LocalTime iso={memory.updatedAt} />
                </span>
                {hit && (
                  <span className="hint" style={{ display: 'block' }}>
                    score {hit.score.toFixed(3)} · why: {hit.vectorRank !== null ? `meaning #${hit.vectorRank}` : 'no meaning match'} ·{' '}
                    {hit.keywordRank !== null ? `keywords #${hit.keywordRank}` : 'no keyword match'}
                  </span>
                )}
              </button>
            </div>
          ))}
          {listing.nextCursor && (
            <button type="button" onClick={() => void load(listing.nextCursor)} disabled={loading}>
              Load more
            </button>
          )}
        </section>
        <section aria-label="Memory">
          {editing === 'new' && <MemoryEditor spaces={spaces} onDone={changed} onCancel={() => setEditing(null)} />}
          {editing && editing !== 'new' && <MemoryEditor spaces={spaces} memory={editing} onDone={changed} onCancel={() => setEditing(null)} />}
          {!editing && selected && <MemoryDetail memory={selected} onEdit={() => setEditing(selected)} onChanged={changed} />}
          {!editing && !selected && <p className="hint card">Choose a memory to see it in full, with its history.</p>}
        </section>
      </div>
    </div>
  );
}
