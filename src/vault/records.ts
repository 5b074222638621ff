import { seal, open, associatedData } from '../crypto/aead.js';

/** The sealed columns of a memory version. */
export interface SealedFields {
  content: Uint8Array;
  tags: Uint8Array;
  metadata: Uint8Array;
  source: Uint8Array;
  embedding: Uint8Array | null;
}

export interface PlainFields {
  content: string;
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

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** Each field's associated data names its vault, space, record, field and version, so a moved ciphertext fails to open. */
function ad(place: RecordPlace, field: keyof SealedFields): Uint8Array {
  return associatedData('memvault-field-v1', place.vaultId, place.spaceId, place.memoryId, field, place.version);
}

export function sealEmbedding(key: Uint8Array, place: RecordPlace, vector: Float32Array): Uint8Array {
  return seal(key, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), ad(place, 'embedding'));
}

export function sealFields(key: Uint8Array, place: RecordPlace, f: PlainFields): SealedFields {
  return {
    content: seal(key, enc.encode(f.content), ad(place, 'content')),
    tags: seal(key, enc.encode(JSON.stringify(f.tags)), ad(place, 'tags')),
    metadata: seal(key, enc.encode(f.metadata), ad(place, 'metadata')),
    source: seal(key, enc.encode(f.source), ad(place, 'source')),
    embedding: f.embedding ? sealEmbedding(key, place, f.embedding) : null,
  };
}

export function openFields(key: Uint8Array, place: RecordPlace, s: SealedFields): PlainFields {
  const embedding = s.embedding ? open(key, s.embedding, ad(place, 'embedding')) : null;
  return {
    content: dec.decode(open(key, s.content, ad(place, 'content'))),
    tags: JSON.parse(dec.decode(open(key, s.tags, ad(place, 'tags')))) as string[],
    metadata: dec.decode(open(key, s.metadata, ad(place, 'metadata'))),
    source: dec.decode(open(key, s.source, ad(place, 'source'))),
    embedding: embedding ? new Float32Array(embedding.buffer, embedding.byteOffset, embedding.byteLength / 4) : null,
  };
}
