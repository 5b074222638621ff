import { useEffect, useState } from 'react';
import type { Memory, MemoryVersion } from '../../../src/contract/memory.js';
import { useClient, useMay } from '../app/client-context.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { LocalTime } from '../components/LocalTime.js';
import { Provenance } from '../components/Provenance.js';
import { TextDiff } from '../components/TextDiff.js';

export function MemoryDetail({ memory, onEdit, onChanged }: { memory: Memory; onEdit: () => void; onChanged: (id: string | null, message: string) => Promise<void> }) {
  const client = useClient();
  const may = useMay();
  const [history, setHistory] = useState<MemoryVersion[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setError(null);
    void client.call('memoryHistory', memory.id).then(setHistory, setError);
  }, [client, memory.id, memory.version]);

  const act = async (work: () => Promise<unknown>, id: string | null, message: string) => {
    try {
      await work();
      await onChanged(id, message);
    } catch (err) {
      setError(err);
    }
  };
  const live = memory.state !== 'deleted';

  return (
    <article className="card stack" aria-labelledby="memory-title">
      <h3 id="memory-title" style={{ margin: 0 }}>
        Memory <span className="mono">{memory.id}</span>
      </h3>
      <p className="content" style={{ whiteSpace: 'pre-wrap', fontSize: '1.05rem' }}>
        {memory.content}
      </p>
      {memory.context && (
        <div>
          <h4 style={{ margin: '0 0 0.2rem' }}>Context</h4>
          <p className="hint" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
            {memory.context}
          </p>
        </div>
      )}
      <dl className="props">
        <dt>Written by</dt>
        <dd>
          <Provenance source={memory.source} />
        </dd>
        <dt>Space</dt>
        <dd>{memory.space}</dd>
        <dt>Kind</dt>
        <dd>{memory.kind}</dd>
        <dt>Tags</dt>
        <dd>{memory.tags.length ? memory.tags.map((t) => `#${t}`).join(' ') : <span className="hint">none</span>}</dd>
        <dt>State</dt>
        <dd>{memory.state}</dd>
        <dt>Version</dt>
        <dd>{memory.version}</dd>
        <dt>Created</dt>
        <dd>
          <LocalTime iso={memory.createdAt} />
        </dd>
        <dt>Changed</dt>
        <dd>
          <LocalTime iso={memory.updatedAt} />
        </dd>
      </dl>
      <ErrorNote error={error} />
      <div className="row">
        {live && may('memory.write') && (
          <button type="button" onClick={onEdit}>
            Edit
          </button>
        )}
        {live && may('memory.write') && (
          <button
            type="button"
            onClick={() =>
              void act(
                () => client.call('updateMemory', { id: memory.id, state: memory.state === 'archived' ? 'active' : 'archived', expectedVersion: memory.version }),
                memory.id,
                memory.state === 'archived' ? 'Memory restored.' : 'Memory archived.',
              )
            }
          >
            {memory.state === 'archived' ? 'Restore' : 'Archive'}
          </button>
        )}
        {live && may('memory.delete') && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm('Delete this memory? It stays in the history until it is purged.')) void act(() => client.call('deleteMemory', memory.id), null, 'Memory deleted.');
            }}
          >
            Delete
          </button>
        )}
        {may('memory.purge') && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm('Purge this memory and its whole history for good? This cannot be undone.')) void act(() => client.call('purgeMemory', memory.id), null, 'Memory purged.');
            }}
          >
            Purge
          </button>
        )}
      </div>
      <section aria-labelledby="history-title">
        <h4 id="history-title">History ({history.length} versions)</h4>
        <ol reversed className="stack" style={{ paddingLeft: '1.2rem' }}>
          {[...history].reverse().map((v) => {
            const previous = history.find((p) => p.version === v.version - 1);
            return (
              <li key={v.version}>
                <div className="row">
                  <strong>v{v.version}</strong>
                  <span className="badge">{v.change}</span>
                  <Provenance source={v.changedBy} />
                  <LocalTime iso={v.changedAt} />
                </div>
                {previous && previous.content !== v.content ? <TextDiff before={previous.content} after={v.content} /> : !previous ? <p className="content">{v.content}</p> : <p className="hint">content unchanged</p>}
                {previous && previous.tags.join(' ') !== v.tags.join(' ') && (
                  <p className="hint">
                    tags: {previous.tags.join(', ') || 'none'} → {v.tags.join(', ') || 'none'}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      </section>
    </article>
  );
}
