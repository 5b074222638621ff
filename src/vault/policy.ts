import type { AgentGrant } from '../contract/agent.js';
import type { Permission, Role } from '../contract/roles.js';
import { PERMISSIONS } from '../contract/roles.js';
import { OPERATIONS, type OperationName } from '../contract/operations.js';
import type { Actor } from './session.js';

/** The one table of who may do what (ARCHITECTURE.md, "Profiles, roles, permissions"). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: ['memory.purge', 'memory.deleted', 'space.list', 'space.manage', 'profile.list', 'profile.manage', 'audit.read', 'stats.read', 'index.manage', 'self.password', 'agent.own', 'agent.manage', 'backup.manage'],
  // History stays until an owner or admin purges it: editors forget (tombstone), never destroy.
  editor: ['memory.read', 'memory.write', 'memory.delete', 'space.list', 'stats.read', 'self.password', 'agent.own'],
  auditor: ['audit.read', 'stats.read', 'profile.list', 'space.list', 'self.password'],
  viewer: ['memory.read', 'space.list', 'self.password'],
};

/**
 * An agent credential may do what its grant says, in its own spaces, and list those spaces.
 * It never purges history, sees deleted memories, manages anything or reads the audit log.
 */
export const AGENT_GRANT_PERMISSION: Readonly<Record<AgentGrant, Permission>> = {
  read: 'memory.read',
  write: 'memory.write',
  delete: 'memory.delete',
};

/** Operations that need a permission (src/contract/operations.ts declares each one's). */
export type Operation = { [N in OperationName]: (typeof OPERATIONS)[N]['permission'] extends Permission ? N : never }[OperationName];

/** The permission each guarded operation needs, read off the declared surface. */
export const OPERATION_PERMISSION = Object.fromEntries(
  Object.entries(OPERATIONS).flatMap(([name, spec]) => (spec.permission === null ? [] : [[name, spec.permission]])),
) as Readonly<Record<Operation, Permission>>;

/** Operations that count against an agent's daily write quota. */
export const WRITE_OPERATIONS: ReadonlySet<Operation> = new Set(['addMemory', 'updateMemory', 'deleteMemory']);

export function roleMay(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function actorMay(actor: Actor, permission: Permission): boolean {
  if (actor.type === 'profile') return roleMay(actor.role, permission);
  return permission === 'space.list' || actor.grants.some((g) => AGENT_GRANT_PERMISSION[g] === permission);
}

/**
 * Profile management has one extra rule: only the owner touches the owner, and the owner
 * role is never handed out (a vault has exactly one owner).
 */
export function mayManageProfile(actor: Actor, target: Role | null, newRole: Role | null): boolean {
  if (newRole === 'owner') return false;
  if (target === 'owner') return false;
  return actorMay(actor, 'profile.manage');
}

/** Editors manage the agents they created; owner and admins manage every agent. */
export function mayManageAgent(actor: Actor, createdBy: string): boolean {
  if (actorMay(actor, 'agent.manage')) return true;
  return actorMay(actor, 'agent.own') && actor.type === 'profile' && actor.id === createdBy;
}

/** A profile hands an agent only memory permissions it holds itself. */
export function mayGrant(actor: Actor, grant: AgentGrant): boolean {
  return actorMay(actor, AGENT_GRANT_PERMISSION[grant]);
}
