import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ACTOR_TYPES, OUTCOMES, type AuditEvent, type VerifyReport } from '../../../src/contract/audit.js';
import type { AuditActivity, AuditFilter } from '../../../src/contract/vault.js';
import { useClient, useMay } from '../app/client-context.js';
import { ActivityChart } from '../components/ActivityChart.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { LocalTime } from '../components/LocalTime.js';
import { download, exportAudit } from './audit-export.js';
import { dayEnd, dayStart } from './memory-filters.js';

const ROW_PX = 36;
const PAGE = 200;
const TAIL_MS = 3_000;
/** Denied or failed events in one bucket of the last day that make the alert strip show. */
const BURST = 5;
const FILTER_KEYS = ['actorType', 'actorId', 'action', 'outcome', 'since', 'until', 'text'] as const;

function filterFrom(params: URLSearchParams): AuditFilter {
  const f: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) f[key] = key === 'since' ? dayStart(value) : key === 'until' ? dayEnd(value) : value;
  }
  return f as AuditFilter;
}

const detailText = (e: AuditEvent) =>
  Object.entries(e.details)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

function Target({ id, canReadMemories }: { id: string; canReadMemories: boolean }) {
  if (id.startsWith('agent:')) return <Link to={`/agents/${encodeURIComponent(id.slice(6))}`}>{id}</Link>;
  if (canReadMemories && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return <Link to={`/memories?m=${encodeURIComponent(id)}`}>{id.slice(0, 8)}</Link>;
  return <span className="mono">{id.slice(0, 12)}</span>;
}

function ChainBadge({ report, at, onVerify, busy }: { report: VerifyReport | null; at: Date | null; onVerify: () => void; busy: boolean }) {
  return (
    <div className="row" role="status" aria-live="polite">
      {busy && <span className="badge">verifying the chain…</span>}
      {!busy && report && report.ok && at && (
        <span className="badge ok" data-testid="chain-badge">
          ✓ chain verified through #{report.events} at {at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </span>
      )}
      {!busy && report && !report.ok && (
        <span className="badge bad" data-testid="chain-badge">
          ✗ chain broken at #{report.firstBadSeq ?? '?'}: {report.reason}
        </span>
      )}
      <button type="button" onClick={onVerify} disabled={busy}>
        Verify again
      </button>
    </div>
  );
}

export function AuditScreen() {
  const client = useClient();
  const may = useMay();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFrom(params), [params]);
  const [activity, setActivity] = useState<AuditActivity | null>(null);
  const [pages, setPages] = useState<ReadonlyMap<number, AuditEvent[]>>(new Map());
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [verifiedAt, setVerifiedAt] = useState<Date | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [tail, setTail] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState<number | null>(null);
  const requested = useRef(new Set<number>());
  /** Bumped with each new count: a page answer for an older one (other filter, older top) is dropped. */
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  // Row i is the i-th newest event at or below `top`: the list stays put while new events arrive.
  const top = activity?.lastSeq ?? 0;
  const total = activity?.total ?? 0;

  /** A new filter starts from an empty table; a live-tail refresh keeps the rows on screen until their new pages arrive. */
  const loadActivity = useCallback(
    async (keepRows: boolean) => {
      try {
        const next = await client.call('auditActivity', filter);
        generation.current++;
        requested.current = new Set();
        setActivity(next);
        if (!keepRows) setPages(new Map());
      } catch (err) {
        setError(err);
      }
    },
    [client, filter],
  );
  useEffect(() => void loadActivity(false), [loadActivity]);

  const verify = useCallback(async () => {
    setVerifying(true);
    try {
      setReport(await client.call('verifyAudit'));
      setVerifiedAt(new Date());
    } catch (err) {
      setError(err);
    } finally {
      setVerifying(false);
    }
  }, [client]);
  // Verification reads the whole chain: it starts once the first rows are on screen, so a long log shows at once.
  const firstRowsShown = pages.size > 0 || activity?.total === 0;
  const started = useRef(false);
  useEffect(() => {
    if (!firstRowsShown || started.current) return;
    started.current = true;
    void verify();
  }, [firstRowsShown, verify]);

  useEffect(() => {
    if (!tail) return;
    const timer = window.setInterval(() => void loadActivity(true), TAIL_MS);
    return () => window.clearInterval(timer);
  }, [tail, loadActivity]);

  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const firstPage = items.length ? Math.floor(items[0]!.index / PAGE) : 0;
  const lastPage = items.length ? Math.floor(items[items.length - 1]!.index / PAGE) : 0;

  useEffect(() => {
    if (!activity || total === 0) return;
    const asked = generation.current;
    for (let p = firstPage; p <= lastPage; p++) {
      if (requested.current.has(p)) continue;
      requested.current.add(p);
      client.call('listAudit', { ...filter, beforeSeq: top + 1, order: 'desc', offset: p * PAGE, limit: PAGE }).then(
        (rows) => {
          if (asked === generation.current) setPages((prev) => new Map(prev).set(p, rows));
        },
        (err) => {
          if (asked !== generation.current) return;
          requested.current.delete(p);
          setError(err);
        },
      );
    }
  }, [client, filter, activity, top, total, firstPage, lastPage]);

  const setFilter = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = String(data.get(key) ?? '').trim();
      if (value) next.set(key, value);
    }
    setParams(next);
  };
  const runExport = async (format: 'jsonl' | 'csv') => {
    setExporting(0);
    try {
      const blob = await exportAudit(client, filter, format, setExporting);
      download(blob, `memvault-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`);
    } catch (err) {
      setError(err);
    } finally {
      setExporting(null);
    }
  };

  const dayAgo = Date.now() - 86_400_000;
  // Bursts are told apart only in buckets of an hour or less; wider ones would call a slow week a burst.
  const bursts = activity && activity.bucketMs <= 3_600_000 ? activity.buckets.filter((b) => Date.parse(b.start) >= dayAgo && b.denied + b.failed >= BURST) : [];
  const signedThrough = report?.signedThrough ?? 0;
  const badFrom = report && !report.ok ? (report.firstBadSeq ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;

  return (
    <div className="stack">
      <div className="row">
        <h2 style={{ margin: 0 }}>Audit log</h2>
        <span className="spacer" />
        <ChainBadge report={report} at={verifiedAt} onVerify={() => void verify()} busy={verifying} />
      </div>
      {bursts.length > 0 && (
        <div className="error strip" role="alert">
          <strong>Alert:</strong> {bursts.reduce((n, b) => n + b.denied + b.failed, 0)} denied or failed actions in {bursts.length} burst
          {bursts.length > 1 ? 's' : ''} in the last day (from {new Date(bursts[0]!.start).toLocaleString()}).{' '}
          <Link to="?outcome=denied">Show denials</Link> · <Link to="?outcome=failed">Show failures</Link>
        </div>
      )}
      <form className="filters card" onSubmit={setFilter} key={params.toString()} aria-label="Filter the audit log">
        <div>
          <label htmlFor="f-actorType">Actor kind</label>
          <select id="f-actorType" name="actorType" defaultValue={params.get('actorType') ?? ''}>
            <option value="">any</option>
            {ACTOR_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-actorId">Actor</label>
          <input id="f-actorId" name="actorId" defaultValue={params.get('actorId') ?? ''} size={10} />
        </div>
        <div>
          <label htmlFor="f-action">Action</label>
          <input id="f-action" name="action" defaultValue={params.get('action') ?? ''} size={12} placeholder="addMemory" />
        </div>
        <div>
          <label htmlFor="f-outcome">Outcome</label>
          <select id="f-outcome" name="outcome" defaultValue={params.get('outcome') ?? ''}>
            <option value="">any</option>
            {OUTCOMES.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-since">From</label>
          <input id="f-since" name="since" type="date" defaultValue={params.get('since') ?? ''} />
        </div>
        <div>
          <label htmlFor="f-until">To</label>
          <input id="f-until" name="until" type="date" defaultValue={params.get('until') ?? ''} />
        </div>
        <div>
          <label htmlFor="f-text">Details contain</label>
          <input id="f-text" name="text" defaultValue={params.get('text') ?? ''} size={12} />
        </div>
        <button type="submit">Apply</button>
        <button type="button" onClick={() => setParams(new URLSearchParams())}>
          Clear
        </button>
      </form>
      <ErrorNote error={error} />
      {activity && <ActivityChart activity={activity} />}
      <div className="row">
        <span aria-live="polite">{total.toLocaleString()} events</span>
        <label className="row" style={{ margin: 0, fontWeight: 500 }}>
          <input type="checkbox" checked={tail} onChange={(e) => setTail(e.target.checked)} /> Live tail
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => void runExport('jsonl')} disabled={exporting !== null}>
          Export JSONL
        </button>
        <button type="button" onClick={() => void runExport('csv')} disabled={exporting !== null}>
          Export CSV
        </button>
        {exporting !== null && <span role="status">exporting… {exporting.toLocaleString()} events</span>}
      </div>
      <p className="hint">Reading the log is logged too: each page the viewer loads, and each live-tail poll, is one listAudit or auditActivity event. ✓ marks events covered by a signed checkpoint.</p>
      <div className="audit-table audit-scroll" ref={scroller} tabIndex={0} aria-label="Audit events, scrollable">
        <div role="table" aria-label="Audit events" aria-rowcount={total + 1} style={{ height: virtualizer.getTotalSize() + ROW_PX, position: 'relative' }}>
          <div className="audit-head" role="row" aria-rowindex={1} style={{ position: 'sticky', top: 0, zIndex: 1, background: 'var(--panel)', height: ROW_PX }}>
            {['#', 'Time', 'Actor', 'Action', 'Target', 'Outcome', 'Details'].map((h) => (
              <span key={h} role="columnheader">
                {h}
              </span>
            ))}
          </div>
          {items.map((item) => {
            const e = pages.get(Math.floor(item.index / PAGE))?.[item.index % PAGE];
            const cls = e ? `audit-row${e.seq <= signedThrough ? ' signed' : ''}${e.seq >= badFrom ? ' broken' : ''}` : 'audit-row';
            return (
              <div key={item.key} role="row" aria-rowindex={item.index + 2} className={cls} style={{ position: 'absolute', top: ROW_PX, left: 0, right: 0, height: ROW_PX, transform: `translateY(${item.start}px)` }}>
                {e ? (
                  <>
                    <span role="cell" className="seq">
                      {e.seq}
                    </span>
                    <span role="cell">
                      <LocalTime iso={e.time} />
                    </span>
                    <span role="cell">
                      <span className="badge">{e.actorType}</span> {e.actorId}
                    </span>
                    <span role="cell">{e.action}</span>
                    <span role="cell">
                      {e.targets.slice(0, 2).map((t) => (
                        <Target key={t} id={t} canReadMemories={may('memory.read')} />
                      ))}
                    </span>
                    <span role="cell">
                      <span className={`badge ${e.outcome === 'ok' ? 'ok' : 'bad'}`}>{e.outcome}</span>
                    </span>
                    <span role="cell" title={detailText(e)}>
                      {detailText(e)}
                    </span>
                  </>
                ) : (
                  <span role="cell" className="hint">
                    loading…
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
