/** Who wrote a memory or did an action: an agent or a profile, told apart at a glance. */
export function Provenance({ source }: { source: string }) {
  const [kind, name] = source.includes(':') ? [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':') + 1)] : ['profile', source];
  return (
    <span className={`badge ${kind === 'agent' ? 'agent' : ''}`} title={kind === 'agent' ? 'written by an agent' : 'written by a profile'}>
      {kind}: {name}
    </span>
  );
}
