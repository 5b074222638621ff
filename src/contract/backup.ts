import { z } from 'zod';
import { passwordSchema, profileNameSchema } from './vault.js';
import { spaceNameSchema } from './memory.js';

/** Backups are read and written where the vault runs, so a path is one on that machine, absolute (a front door resolves a relative one first). */
export const backupPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'the backup file’s path must be absolute');

const passphrase = passwordSchema.describe('at least 8 characters');
export const contactNameSchema = profileNameSchema;

export const exportBackupSchema = z
  .strictObject({
    file: backupPathSchema,
    /** Empty: every space this profile holds (the whole vault for the owner). */
    spaces: z.array(spaceNameSchema).max(1000).default([]),
    passphrase: passphrase.optional(),
    /** Contacts to lock the bundle to (a team bundle), instead of a passphrase. */
    to: z.array(contactNameSchema).max(64).default([]),
    withAudit: z.boolean().default(false),
    /** Overwrite an existing file. */
    replace: z.boolean().default(false),
  })
  .refine((e) => (e.passphrase === undefined) !== (e.to.length === 0), { message: 'lock the backup with a passphrase or to contacts (--to), one of the two' });
export type ExportBackupInput = z.input<typeof exportBackupSchema>;

export const exportedBackupSchema = z.object({
  file: z.string(),
  bytes: z.number().int(),
  spaces: z.array(z.string()),
  memories: z.number().int(),
  versions: z.number().int(),
  auditEvents: z.number().int(),
  recipients: z.array(z.string()),
  sequence: z.number().int(),
});
export type ExportedBackup = z.infer<typeof exportedBackupSchema>;

const openSchema = z.strictObject({ file: backupPathSchema, passphrase: z.string().min(1).max(1024).optional() });

export const checkBackupSchema = openSchema;
export const importBackupSchema = openSchema.extend({
  /** Every memory goes into this space (created if missing) instead of the space it came from. */
  into: spaceNameSchema.optional(),
  dryRun: z.boolean().default(false),
  /** Import a bundle older than one already imported from its sender (audited). */
  acceptOlder: z.boolean().default(false),
});
export type ImportBackupInput = z.input<typeof importBackupSchema>;
/** An import request once parsed: defaults filled in. */
export type ImportBackupRequest = z.output<typeof importBackupSchema>;

/** What a file says of itself before any key opens it. */
export const backupInspectionSchema = z.object({
  format: z.number().int(),
  created: z.string(),
  scope: z.enum(['vault', 'spaces']),
  passphrase: z.boolean(),
  recipients: z.array(z.string()),
  sender: z.object({ name: z.string(), fingerprint: z.string(), sequence: z.number().int() }),
  size: z.number().int(),
});
export type BackupInspection = z.infer<typeof backupInspectionSchema>;

export const backupCheckSchema = backupInspectionSchema.extend({
  spaces: z.array(z.string()),
  memories: z.number().int(),
  versions: z.number().int(),
  auditEvents: z.number().int(),
  /** The audit log in the file: its chain recomputed, or absent. */
  auditChain: z.enum(['verified', 'broken', 'absent']),
  /** The sender as this vault knows them: a contact (verified or not), or nobody. */
  senderContact: z.string().nullable(),
  senderVerified: z.boolean(),
});
export type BackupCheck = z.infer<typeof backupCheckSchema>;

export const IMPORT_OUTCOMES = ['added', 'updated', 'skipped', 'conflict'] as const;
export const importReportSchema = z.object({
  dryRun: z.boolean(),
  added: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  conflicts: z.number().int(),
  /** Memories whose newest imported version is a tombstone. */
  tombstones: z.number().int(),
  reembedded: z.number().int(),
  spacesCreated: z.array(z.string()),
  /** Where a bundle from an unverified contact went instead of its own spaces. */
  quarantine: z.string().nullable(),
  /** One line per memory that was not simply added: its id, what happened and why (at most 200). */
  notes: z.array(z.object({ id: z.string(), outcome: z.enum(IMPORT_OUTCOMES), reason: z.string() })),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const publicIdentitySchema = z.object({
  profile: z.string(),
  key: z.string(),
  fingerprint: z.string(),
  words: z.array(z.string()),
  digits: z.array(z.string()),
  qr: z.object({ size: z.number().int(), modules: z.string() }),
});
export type PublicIdentityInfo = z.infer<typeof publicIdentitySchema>;

export const contactKeySchema = z.string().min(1).max(200);
export const contactSchema = z.object({
  name: z.string(),
  fingerprint: z.string(),
  words: z.array(z.string()),
  verified: z.boolean(),
  lastSequence: z.number().int(),
  addedAt: z.string(),
});
export type ContactInfo = z.infer<typeof contactSchema>;
