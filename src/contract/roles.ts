export const ROLES = ['owner', 'admin', 'editor', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'memory.read',
  'memory.write',
  'memory.delete',
  'memory.purge',
  'memory.deleted',
  'space.list',
  'space.manage',
  'profile.list',
  'profile.manage',
  'audit.read',
  'stats.read',
  'index.manage',
  /** Choosing where memory content is sent to be embedded: the owner only. */
  'embedder.manage',
  'self.password',
  'agent.own',
  'agent.manage',
  /** Exporting and importing backups and team bundles, and the contacts they come from. */
  'backup.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
