import { seal, open, associatedData, DecryptionError } from '../crypto/aead.js';

export interface PlainFields {
  content: string;
  /** Empty when none was given (and for every version written before context existed). */
  context: string;
  tags: string[];
  metadata: string;
  source: string;
  embedding: Float32Array | null;
}

export interface RecordPlace {
  vaultId: string;
  spaceId: string;
  memoryId: string;
  version: number;
}

/**
 * The sealed columns of a `memory_versions` row: `record` (one sealed blob, format 2), or the
 * five per-field ciphertexts releases 0.1 and 0.2 wrote, which `rekeySpaces` converts.
 */
export interface SealedColumns {
  record: Uint8Array | null;
  content: Uint8Array | null;
  tags: Uint8Array | null;
  metadata: Uint8Array | null;
  source: Uint8Array | null;
  embedding: Uint8Array | null;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });
const U32 = 4;

/** The length-prefixed parts concatenate, so the vault-and-space prefix is encoded once per space. */
const adPrefixes = new Map<string, Uint8Array>();

function recordAd(place: RecordPlace): Uint8Array {
  const at = `${place.vaultId}\n${place.spaceId}`;
  let prefix = adPrefixes.get(at);
  if (!prefix) adPrefixes.set(at, (prefix = associatedData('memvault-record-v2', place.vaultId, place.spaceId)));
  const tail = associatedData(place.memoryId, place.version);
  const out = new Uint8Array(prefix.length + tail.length);
  out.set(prefix);
  out.set(tail, prefix.length);
  return out;
}

/**
 * One AEAD call per version (libsodium-wrappers' per-call cost dominated five small ones).
 * Plaintext: u32 length-prefixed embedding (float32 LE, empty for none), then content, tags
 * (JSON), metadata (JSON) and source, each u32 length-prefixed UTF-8, then the context the same
 * way only when there is one (so a record without context has the bytes it had before context
 * existed). Lengths are big-endian.
 */
export function sealRecord(key: Uint8Array, place: RecordPlace, f: PlainFields): Uint8Array {
  return seal(key, packRecord(f), recordAd(place));
}

export function packRecord(f: PlainFields): Uint8Array {
  const texts = [f.content, JSON.stringify(f.tags), f.metadata, f.source, ...(f.context ? [f.context] : [])].map((t) => enc.encode(t));
  const vector = f.embedding ? new Uint8Array(f.embedding.buffer, f.embedding.byteOffset, f.embedding.byteLength) : new Uint8Array(0);
  const out = new Uint8Array(U32 + vector.length + texts.reduce((n, t) => n + U32 + t.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of [vector, ...texts]) {
    view.setUint32(at, part.length);
    out.set(part, at + U32);
    at += U32 + part.length;
  }
  return out;
}

/** Parsed, not trusted: a record that authenticates but does not have this shape fails like a bad ciphertext. */
export function unpackRecord(plain: Uint8Array): PlainFields {
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  let at = 0;
  const next = (): Uint8Array => {
    if (at + U32 > plain.length) throw new DecryptionError();
    const length = view.getUint32(at);
    const start = at + U32;
    if (start + length > plain.length) throw new DecryptionError();
    at = start + length;
    return plain.subarray(start, at);
  };
  const vector = next();
  if (vector.length % 4 !== 0) throw new DecryptionError();
  const [content, tags, metadata, source] = [next(), next(), next(), next()].map(utf8);
  // One spelling per record: a context part is written only when it is not empty.
  let context = '';
  if (at < plain.length) {
    context = utf8(next());
    if (context === '') throw new DecryptionError();
  }
  if (at !== plain.length) throw new DecryptionError();
  return {
    content: content!,
    context,
    tags: parseTags(tags!),
    metadata: metadata!,
    source: source!,
    embedding: vector.length === 0 ? null : new Float32Array(vector.slice().buffer),
  };
}

export function openRecord(key: Uint8Array, place: RecordPlace, sealed: SealedColumns): PlainFields {
  if (sealed.record) return unpackRecord(open(key, sealed.record, recordAd(place)));
  return openPerField(key, place, sealed);
}

function utf8(bytes: Uint8Array): string {
  try {
    return dec.decode(bytes);
  } catch {
    throw new DecryptionError();
  }
}

function parseTags(text: string): string[] {
  let tags: unknown;
  try {
    tags = JSON.parse(text);
  } catch {
    throw new DecryptionError();
  }
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new DecryptionError();
  return tags as string[];
}

type Field = 'content' | 'tags' | 'metadata' | 'source' | 'embedding';

/** The format of releases 0.1 and 0.2: each field sealed alone, its name in the associated data. */
function openPerField(key: Uint8Array, place: RecordPlace, s: SealedColumns): PlainFields {
  const field = (name: Field): Uint8Array => {
    const sealed = s[name];
    if (!sealed) throw new DecryptionError();
    return open(key, sealed, associatedData('memvault-field-v1', place.vaultId, place.spaceId, place.memoryId, name, place.version));
  };
  const embedding = s.embedding ? field('embedding') : null;
  return {
    content: utf8(field('content')),
    context: '',
    tags: parseTags(utf8(field('tags'))),
    metadata: utf8(field('metadata')),
    source: utf8(field('source')),
    embedding: embedding ? new Float32Array(embedding.slice().buffer) : null,
  };
}
