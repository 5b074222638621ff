import { z } from 'zod';
import { ROLES, type Role } from './roles.js';
import { spaceNameSchema } from './memory.js';

export const profileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'profile names: 1-64 letters, digits, _ . -');
export const roleSchema = z.enum(ROLES);
/** Length only: a password manager's generated passwords must all pass. */
export const passwordSchema = z.string().min(8, 'passwords need at least 8 characters').max(1024);

export const addProfileSchema = z.strictObject({
  name: profileNameSchema,
  role: roleSchema,
  password: passwordSchema,
  spaces: z.array(spaceNameSchema).max(64).default([]),
});
export type AddProfileInput = z.input<typeof addProfileSchema>;

export const auditQuerySchema = z.strictObject({
  afterSeq: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(10_000).default(100),
  actorId: z.string().max(128).optional(),
  action: z.string().max(64).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
});
export type AuditQueryInput = z.input<typeof auditQuerySchema>;

export interface ProfileInfo {
  id: string;
  name: string;
  role: Role;
  spaces: string[];
  createdAt: string;
}

export interface SpaceInfo {
  id: string;
  name: string;
  createdAt: string;
  members: string[];
  granted: boolean;
  memories: number;
}

export interface SessionInfo {
  profile: string;
  role: Role;
  spaces: string[];
}

export interface VaultStats {
  vaultId: string;
  profiles: number;
  spaces: { name: string; active: number; archived: number; deleted: number }[];
  auditEvents: number;
}

/** Long work the vault reports while it runs: loading a space into the index (at the first list or search). */
export interface ProgressEvent {
  phase: 'index';
  space: string;
  done: number;
  total: number;
}

/** What the upkeep after an unlock did, and what it left for an owner or admin. */
export interface UpkeepReport {
  resealed: number;
  reindexed: number;
  resealLeft: number;
  reindexLeft: number;
}

export interface IndexStatus {
  modelId: string;
  stale: number;
  mayReindex: boolean;
}
