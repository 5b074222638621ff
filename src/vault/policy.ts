import type { Permission, Role } from '../contract/roles.js';
import { PERMISSIONS } from '../contract/roles.js';

/** The one table of who may do what (ARCHITECTURE.md, "Profiles, roles, permissions"). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: ['space.list', 'space.manage', 'profile.list', 'profile.manage', 'audit.read', 'stats.read', 'index.manage', 'self.password'],
  editor: ['memory.read', 'memory.write', 'memory.delete', 'space.list', 'stats.read', 'self.password'],
  auditor: ['audit.read', 'stats.read', 'profile.list', 'space.list', 'self.password'],
  viewer: ['memory.read', 'space.list', 'self.password'],
};

/** Every service operation names the permission it needs here. */
export const OPERATION_PERMISSION = {
  addMemory: 'memory.write',
  getMemory: 'memory.read',
  listMemories: 'memory.read',
  searchMemories: 'memory.read',
  memoryHistory: 'memory.read',
  updateMemory: 'memory.write',
  deleteMemory: 'memory.delete',
  purgeMemory: 'memory.delete',
  createSpace: 'space.manage',
  listSpaces: 'space.list',
  grantSpace: 'space.manage',
  revokeSpace: 'space.manage',
  addProfile: 'profile.manage',
  listProfiles: 'profile.list',
  changeRole: 'profile.manage',
  removeProfile: 'profile.manage',
  changePassword: 'self.password',
  listAudit: 'audit.read',
  verifyAudit: 'audit.read',
  stats: 'stats.read',
  reindex: 'index.manage',
} as const satisfies Record<string, Permission>;

export type Operation = keyof typeof OPERATION_PERMISSION;

export function roleMay(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/**
 * Profile management has one extra rule: only the owner touches the owner, and the owner
 * role is never handed out (a vault has exactly one owner).
 */
export function mayManageProfile(actor: Role, target: Role | null, newRole: Role | null): boolean {
  if (newRole === 'owner') return false;
  if (target === 'owner') return false;
  return roleMay(actor, 'profile.manage');
}
