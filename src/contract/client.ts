import { z } from 'zod';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from './errors.js';
import { OPERATIONS, type OperationArgs, type OperationName, type OperationResult } from './operations.js';
import { passwordSchema, profileNameSchema, sessionInfoSchema, type ProgressEvent, type SessionInfo } from './vault.js';

/**
 * What the app's screens hold: one typed client, whatever carries it (HTTP to the browser
 * host here, Electron IPC in the desktop shell). The screens import this interface only, so
 * they cannot tell which transport they have.
 */

/** Operations the app may call on its unlocked session. An export's writer stays in process, an agent's self-view is for agents, lock has its own call. */
export const APP_OPERATIONS = (Object.keys(OPERATIONS) as OperationName[]).filter((n) => n !== 'exportAudit' && n !== 'agentSelf' && n !== 'lock');
export type AppOperationName = Exclude<OperationName, 'exportAudit' | 'agentSelf' | 'lock'>;

export const appStateSchema = z.object({
  /** absent: no vault file yet (first run); locked: nobody is unlocked in this app session. */
  vault: z.enum(['absent', 'locked', 'unlocked']),
  profiles: z.array(z.string()),
  session: sessionInfoSchema.nullable(),
  /** The app locks itself after this long without use. */
  idleLockMs: z.number().int(),
  /** How long this session's last unlock took on the host (the password's Argon2 cost), or null. */
  lastUnlockMs: z.number().nullable(),
  /** Where agents reach this host (REST /v1, MCP /mcp), or null when the agent API is off. */
  agentApiUrl: z.string().nullable(),
  /** System events that lock the app too (the desktop shell: suspend, screen lock), or null where the host cannot see them (a browser). */
  systemLock: z.array(z.enum(['suspend', 'lock-screen'])).nullable(),
  /** Whether agents are served now (Settings turns it off and on for this run of the host). */
  agentApiOn: z.boolean(),
  /** The agent API's own port where Settings may choose it (the desktop app); null where agents share the app's port (the browser host). */
  agentApiPort: z.number().int().nullable(),
  /** For the ready-to-paste stdio configuration: the vault file and memvault's bin on this machine. */
  vaultPath: z.string(),
  /** Null where no CLI can run for a stdio agent (the packaged desktop app): that configuration is not offered. */
  binPath: z.string().nullable(),
});
export type AppState = z.infer<typeof appStateSchema>;

/** The header that carries the app session's token on every call of the HTTP transport. */
export const APP_TOKEN_HEADER = 'x-memvault-csrf';

export const createVaultRequestSchema = z.strictObject({ owner: profileNameSchema, password: passwordSchema });
export const unlockRequestSchema = z.strictObject({ profile: profileNameSchema, password: z.string().min(1).max(1024) });
export const recoverRequestSchema = z.strictObject({ recoveryKey: z.string().min(1).max(256), newPassword: passwordSchema });
/** Ports below 1024 need privileges a desktop app should not have. */
export const agentApiPortSchema = z.number().int().min(1024, 'choose a port from 1024 to 65535').max(65535, 'choose a port from 1024 to 65535');
export const agentApiRequestSchema = z.strictObject({ on: z.boolean(), port: agentApiPortSchema.optional() });
export const idleLockRequestSchema = z.strictObject({ idleLockMs: z.number().int().min(60_000).max(15 * 60_000) });
/** The recovery key, and the owner's session (null if the unlock after creating failed: the page then asks to unlock). */
export const createdVaultSchema = z.object({ recoveryKey: z.string(), session: sessionInfoSchema.nullable() });
export type CreatedVaultReply = z.infer<typeof createdVaultSchema>;

export interface VaultClient {
  state(): Promise<AppState>;
  createVault(owner: string, password: string): Promise<CreatedVaultReply>;
  unlock(profile: string, password: string): Promise<SessionInfo>;
  recover(recoveryKey: string, newPassword: string): Promise<void>;
  /** Zeroes the session's keys on the host; the screens clear themselves at once. */
  lock(): Promise<void>;
  /** 1 to 15 minutes: the host keeps an unused session's keys in memory no longer than 15. */
  setIdleLock(ms: number): Promise<void>;
  /** Turns serving agents off or on, on another port where the host lets the port be chosen (roles that may manage agents). */
  setAgentApi(on: boolean, port?: number): Promise<void>;
  /** The latest progress of long work in the vault (loading a large space into the index), for a bar while a call is pending. */
  progress(): Promise<ProgressEvent | null>;
  /** Puts a secret (a token, a recovery key) on the clipboard; the desktop shell takes it back after 30 s and at lock. */
  copy(text: string): Promise<void>;
  call<N extends AppOperationName>(name: N, ...args: Extract<OperationArgs<N>, unknown[]>): Promise<OperationResult<N>>;
}

/** A refusal as the screens see it: the error table's code, a message meant for people, and safe details. */
export class ClientError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly details: Record<string, string | number | boolean>;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'ClientError';
    this.code = body.code;
    this.retryAfterSeconds = body.retryAfterSeconds;
    this.details = body.details ?? {};
  }
}

const errorBodySchema = z.object({
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  detail: z.string(),
  retryAfterSeconds: z.number().int().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** Reads a problem+json body (or anything else) into a ClientError; a transport calls this on every failure. */
export function clientErrorFrom(body: unknown): ClientError {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return new ClientError({ code: 'internal', message: 'the vault answered in a way this app does not understand' });
  const { code, detail, retryAfterSeconds, details } = parsed.data;
  return new ClientError({ code, message: detail, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }), ...(details === undefined ? {} : { details }) });
}
