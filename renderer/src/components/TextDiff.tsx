import { diffWords } from 'diff';

/** A word diff between two versions' text: insertions and deletions marked, the rest as it was. */
export function TextDiff({ before, after }: { before: string; after: string }) {
  return (
    <p className="diff content" style={{ whiteSpace: 'pre-wrap' }}>
      {diffWords(before, after).map((part, i) =>
        part.added ? <ins key={i}>{part.value}</ins> : part.removed ? <del key={i}>{part.value}</del> : <span key={i}>{part.value}</span>,
      )}
    </p>
  );
}
