import type { Role } from '../contract/roles.js';
import type { MemoryVersion, MemoryState } from '../contract/memory.js';
import type { AgentState } from '../contract/agent.js';
import type { BoxKeyPair } from '../crypto/keys.js';
import type { Db } from '../store/database.js';
import type { StoredMemory } from '../store/plain-index.js';
import type { AuditDetails } from '../audit/mask.js';
import { forbidden } from './errors.js';
import type { AgentActor, ProfileActor, Session } from './session.js';
import type { PlainFields, SealedColumns } from './records.js';

/** Rows as SQLite returns them, and the small conversions every part of the vault service shares. */

export interface ProfileRow {
  id: string;
  name: string;
  role: Role;
  kdf: string;
  public_key: Buffer;
  wrapped_secret: Buffer;
  recovery_wrapped: Buffer | null;
  failed_attempts: number;
  last_failed_at: number;
  created_at: number;
}

export interface VersionRow {
  memory_id: string;
  version: number;
  kind: string;
  state: MemoryState;
  importance: number;
  valid_from: number | null;
  valid_until: number | null;
  changed_at: number;
  changed_by: string;
  change: MemoryVersion['change'];
  embed_model: string | null;
  key_epoch: number;
  record: Buffer | null;
  content: Buffer | null;
  tags: Buffer | null;
  metadata: Buffer | null;
  source: Buffer | null;
  embedding: Buffer | null;
}

export interface CurrentRow extends VersionRow {
  space_id: string;
  created_at: number;
  change_seq: number;
}

export interface AgentRow {
  id: string;
  name: string;
  id_hash: Buffer;
  verifier: Buffer;
  grants: string;
  state: AgentState;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  requests_per_minute: number;
  daily_writes: number;
  require_signing: number;
  box_public_key: Buffer | null;
}

/** Why an agent's token no longer works, or null while it does. */
export function agentRefusal(row: AgentRow, now: number): string | null {
  if (row.state !== 'active') return row.state;
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return null;
}

export interface AuditTrail {
  targets: string[];
  details: AuditDetails;
}

export const DEFAULT_SPACE = 'default';
export const DAY_MS = 86_400_000;
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
export const ms = (isoTime: string | null | undefined): number | null => (isoTime ? Date.parse(isoTime) : null);

/** Profile-only operations reach this after the permission check, which no agent passes. */
export function profileOf(session: Session): { actor: ProfileActor; keyPair: BoxKeyPair } {
  if (session.actor.type !== 'profile') throw forbidden('only a profile may do this');
  return { actor: session.actor, keyPair: session.keyPair };
}

export function agentOf(session: Session): AgentActor {
  if (session.actor.type !== 'agent') throw forbidden('only an agent may do this');
  return session.actor;
}

export function readMeta(db: Db, key: string): unknown {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: unknown } | undefined)?.value;
}

/** A current version with its opened fields, in the shape the index stores. */
export function decrypted(r: CurrentRow, f: PlainFields): StoredMemory {
  return {
    id: r.memory_id,
    spaceId: r.space_id,
    kind: r.kind,
    state: r.state,
    content: f.content,
    context: f.context,
    tags: f.tags,
    metadata: f.metadata,
    source: f.source,
    importance: r.importance,
    createdAt: r.created_at,
    updatedAt: r.changed_at,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    version: r.version,
  };
}

export function sealedOf(r: VersionRow): SealedColumns {
  return { record: r.record, content: r.content, tags: r.tags, metadata: r.metadata, source: r.source, embedding: r.embedding };
}

export function dedupe(tags: string[]): string[] {
  return [...new Set(tags)];
}

/** `createdAt.id`: every cursor of that shape (`cursorSchema`) is a position to list after. */
export function encodeCursor(createdAt: number, id: string): string {
  return `${createdAt}.${id}`;
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const dot = cursor.indexOf('.');
  return { createdAt: Number(cursor.slice(0, dot)), id: cursor.slice(dot + 1) };
}
