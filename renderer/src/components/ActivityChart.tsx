import type { AuditActivity } from '../../../src/contract/vault.js';

/** Filtered events per time bucket, denials and failures stacked in red on top of the rest. */
export function ActivityChart({ activity }: { activity: AuditActivity }) {
  const buckets = activity.buckets;
  if (buckets.length === 0) return <p className="hint">No events match.</p>;
  const max = Math.max(...buckets.map((b) => b.ok + b.denied + b.failed));
  const width = 1000;
  const height = 90;
  const step = width / Math.max(buckets.length, 1);
  const refused = buckets.reduce((n, b) => n + b.denied + b.failed, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`Activity over time: ${activity.total} events, ${refused} denied or failed`}>
        {buckets.map((b, i) => {
          const okH = (b.ok / max) * height;
          const badH = ((b.denied + b.failed) / max) * height;
          return (
            <g key={b.start}>
              <title>{`${new Date(b.start).toLocaleString()}: ${b.ok} ok, ${b.denied} denied, ${b.failed} failed`}</title>
              <rect className="ok" x={i * step} y={height - okH} width={Math.max(step - 1, 1)} height={okH} />
              <rect className="denied" x={i * step} y={height - okH - badH} width={Math.max(step - 1, 1)} height={badH} />
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">
        {buckets.length} buckets of {Math.round(activity.bucketMs / 60_000)} min, from {new Date(buckets[0]!.start).toLocaleString()}; red: denied or failed.
      </figcaption>
    </figure>
  );
}
