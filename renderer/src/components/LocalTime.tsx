/** Local time, with UTC on hover. */
export function LocalTime({ iso }: { iso: string | null }) {
  if (!iso) return <span className="hint">never</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={`${d.toISOString().replace('T', ' ').replace('.000Z', ' UTC')}`}>
      {d.toLocaleString()}
    </time>
  );
}
