import { z } from 'zod';
import type { Permission } from './roles.js';
import { agentInfoSchema, agentNameSchema, addAgentSchema, agentSelfSchema, issuedAgentSchema } from './agent.js';
import { auditEventSchema, verifyReportSchema } from './audit.js';
import {
  backupCheckSchema,
  backupInspectionSchema,
  backupPathSchema,
  checkBackupSchema,
  contactKeySchema,
  contactNameSchema,
  contactSchema,
  exportBackupSchema,
  exportedBackupSchema,
  importBackupSchema,
  importReportSchema,
  publicIdentitySchema,
} from './backup.js';
import { embedderConfigSchema, embedderInfoSchema } from './embedder.js';
import {
  addMemoriesResultSchema,
  addMemoriesSchema,
  addMemorySchema,
  listMemoriesSchema,
  memoryIdPrefixSchema,
  memoryIdSchema,
  memoryIdsSchema,
  memoryPageSchema,
  memorySchema,
  memoryVersionSchema,
  searchHitSchema,
  searchSchema,
  spaceNameSchema,
  updateMemorySchema,
  updateResultSchema,
} from './memory.js';
import {
  addProfileSchema,
  auditActivitySchema,
  auditFilterSchema,
  auditQuerySchema,
  indexStatusSchema,
  passwordResetSchema,
  passwordSchema,
  profileInfoSchema,
  profileNameSchema,
  rekeyStatusSchema,
  roleSchema,
  sessionInfoSchema,
  spaceInfoSchema,
  upkeepReportSchema,
  vaultStatsSchema,
} from './vault.js';

/**
 * One entry per operation a session can call: the permission it needs (null: any unlocked
 * session), whether it writes (its event commits with it) or reads (its event joins a group
 * commit), the schemas of its arguments after the session, in order, and of its result.
 * Callbacks some operations take after these arguments (progress, an export's writer) stay
 * in process; everything here can cross IPC or HTTP as JSON.
 */
interface OperationSpec {
  permission: Permission | null;
  effect: 'read' | 'write';
  args: readonly z.ZodType[];
  result: z.ZodType;
}

const op = <P extends Permission | null, const A extends readonly z.ZodType[], R extends z.ZodType>(permission: P, effect: 'read' | 'write', args: A, result: R) => ({
  permission,
  effect,
  args,
  result,
});
const none = z.void();
const optionalInput = <T extends z.ZodType>(schema: T) => schema.optional();

export const OPERATIONS = {
  addMemory: op('memory.write', 'write', [addMemorySchema], memorySchema),
  addMemories: op('memory.write', 'write', [addMemoriesSchema], addMemoriesResultSchema),
  getMemory: op('memory.read', 'read', [memoryIdSchema], memorySchema),
  resolveMemoryId: op('memory.read', 'read', [memoryIdPrefixSchema], z.string()),
  listMemories: op('memory.read', 'read', [optionalInput(listMemoriesSchema)], memoryPageSchema),
  searchMemories: op('memory.read', 'read', [searchSchema], z.array(searchHitSchema)),
  memoryHistory: op('memory.read', 'read', [memoryIdSchema], z.array(memoryVersionSchema)),
  updateMemory: op('memory.write', 'write', [updateMemorySchema], updateResultSchema),
  deleteMemory: op('memory.delete', 'write', [memoryIdSchema], none),
  purgeMemory: op('memory.purge', 'write', [memoryIdSchema], none),
  archiveMemories: op('memory.write', 'write', [memoryIdsSchema], z.object({ changed: z.number().int() })),
  deleteMemories: op('memory.delete', 'write', [memoryIdsSchema], z.object({ changed: z.number().int() })),
  createSpace: op('space.manage', 'write', [spaceNameSchema], spaceInfoSchema),
  listSpaces: op('space.list', 'read', [], z.array(spaceInfoSchema)),
  grantSpace: op('space.manage', 'write', [spaceNameSchema, profileNameSchema], none),
  revokeSpace: op('space.manage', 'write', [spaceNameSchema, profileNameSchema], none),
  rekeyStatus: op(null, 'read', [], rekeyStatusSchema),
  rekeySpaces: op('space.manage', 'write', [], z.object({ rekeyed: z.number().int() })),
  addProfile: op('profile.manage', 'write', [addProfileSchema], profileInfoSchema),
  listProfiles: op('profile.list', 'write', [], z.array(profileInfoSchema)),
  changeRole: op('profile.manage', 'write', [profileNameSchema, roleSchema], profileInfoSchema),
  removeProfile: op('profile.manage', 'write', [profileNameSchema], none),
  changePassword: op('self.password', 'write', [passwordSchema, passwordSchema], none),
  resetPassword: op('profile.manage', 'write', [profileNameSchema, passwordSchema], passwordResetSchema),
  whoami: op(null, 'read', [], sessionInfoSchema),
  listAudit: op('audit.read', 'write', [optionalInput(auditQuerySchema)], z.array(auditEventSchema)),
  auditActivity: op('audit.read', 'write', [optionalInput(auditFilterSchema)], auditActivitySchema),
  verifyAudit: op('audit.read', 'write', [], verifyReportSchema),
  exportAudit: op('audit.read', 'write', [], z.object({ exported: z.number().int() })),
  stats: op('stats.read', 'read', [], vaultStatsSchema),
  indexStatus: op(null, 'read', [], indexStatusSchema),
  reindex: op('index.manage', 'write', [], z.object({ reindexed: z.number().int() })),
  setEmbedder: op('embedder.manage', 'write', [embedderConfigSchema], embedderInfoSchema),
  embedderInfo: op(null, 'read', [], embedderInfoSchema),
  upkeep: op(null, 'write', [], upkeepReportSchema),
  addAgent: op('agent.own', 'write', [addAgentSchema], issuedAgentSchema),
  listAgents: op('agent.own', 'write', [], z.array(agentInfoSchema)),
  pauseAgent: op('agent.own', 'write', [agentNameSchema], agentInfoSchema),
  resumeAgent: op('agent.own', 'write', [agentNameSchema], agentInfoSchema),
  revokeAgent: op('agent.own', 'write', [agentNameSchema], agentInfoSchema),
  rotateAgent: op('agent.own', 'write', [agentNameSchema], issuedAgentSchema),
  agentSelf: op(null, 'read', [], agentSelfSchema),
  exportBackup: op('backup.manage', 'write', [exportBackupSchema], exportedBackupSchema),
  inspectBackup: op('backup.manage', 'read', [backupPathSchema], backupInspectionSchema),
  checkBackup: op('backup.manage', 'write', [checkBackupSchema], backupCheckSchema),
  importBackup: op('backup.manage', 'write', [importBackupSchema], importReportSchema),
  publicIdentity: op(null, 'read', [], publicIdentitySchema),
  addContact: op('backup.manage', 'write', [contactNameSchema, contactKeySchema, z.boolean().optional()], contactSchema),
  listContacts: op('backup.manage', 'read', [], z.array(contactSchema)),
  verifyContact: op('backup.manage', 'write', [contactNameSchema], contactSchema),
  lock: op(null, 'write', [], none),
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;
type ArgSchemas<N extends OperationName> = (typeof OPERATIONS)[N]['args'];
/** The arguments of an operation after the session, as a caller may write them (defaults not yet applied). */
export type OperationArgs<N extends OperationName> = InputsOf<ArgSchemas<N>>;
type InputsOf<T extends readonly z.ZodType[]> = { -readonly [I in keyof T]: z.input<T[I]> };
export type OperationResult<N extends OperationName> = z.output<(typeof OPERATIONS)[N]['result']>;

/** An export hands each event to a writer callback as it goes: it runs in the process that writes the file. */
type InProcessOnly = 'exportAudit';

/** What a vault exposes to a front door: each operation with its session type first. A typed IPC or HTTP client is this with S the handle it holds. */
export type OperationSurface<S> = { [N in Exclude<OperationName, InProcessOnly>]: (session: S, ...args: Extract<OperationArgs<N>, unknown[]>) => OperationResult<N> | Promise<OperationResult<N>> };
