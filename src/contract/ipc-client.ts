import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors.js';
import { ClientError, appStateSchema, createdVaultSchema, type VaultClient } from './client.js';
import { OPERATIONS, type OperationResult } from './operations.js';
import { SPACE_WORK_PHASES, sessionInfoSchema } from './vault.js';

/** The one IPC channel of the desktop shell: every call is `(method, ...args)` and answers an `IpcReply`. */
export const IPC_CHANNEL = 'memvault:call';

export const IPC_METHODS = ['state', 'createVault', 'unlock', 'recover', 'lock', 'setIdleLock', 'setAgentApi', 'progress', 'copy', 'call'] as const;
export type IpcMethod = (typeof IPC_METHODS)[number];

/** Errors cross IPC as data: Electron would keep only the message of a thrown one. */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: { code: ErrorCode; message: string; retryAfterSeconds?: number; details?: Record<string, string | number | boolean> } };

const replySchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      retryAfterSeconds: z.number().int().optional(),
      details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    }),
  }),
]);

const progressSchema = z.object({ phase: z.enum(SPACE_WORK_PHASES), space: z.string(), done: z.number().int(), total: z.number().int() }).nullable();

/**
 * The app's client over IPC, built on one `invoke` function (the preload passes
 * `ipcRenderer.invoke` bound to IPC_CHANNEL). Everything that comes back is parsed against the
 * contract, as the HTTP transport does.
 */
export function createIpcClient(invoke: (method: IpcMethod, ...args: unknown[]) => Promise<unknown>): VaultClient {
  const send = async (method: IpcMethod, ...args: unknown[]): Promise<unknown> => {
    const reply = replySchema.safeParse(await invoke(method, ...args));
    if (!reply.success) throw new ClientError({ code: 'internal', message: 'the desktop shell answered in a way this app does not understand' });
    if (!reply.data.ok) throw new ClientError(reply.data.error);
    return reply.data.value;
  };
  return {
    state: async () => appStateSchema.parse(await send('state')),
    createVault: async (owner, password) => createdVaultSchema.parse(await send('createVault', { owner, password })),
    unlock: async (profile, password) => sessionInfoSchema.parse(await send('unlock', { profile, password })),
    recover: async (recoveryKey, newPassword) => void (await send('recover', { recoveryKey, newPassword })),
    lock: async () => void (await send('lock')),
    setIdleLock: async (ms) => void (await send('setIdleLock', { idleLockMs: ms })),
    setAgentApi: async (on, port) => void (await send('setAgentApi', port === undefined ? { on } : { on, port })),
    progress: async () => progressSchema.parse(await send('progress')),
    copy: async (text) => void (await send('copy', text)),
    call: async (name, ...args) => OPERATIONS[name].result.parse((await send('call', name, args)) ?? undefined) as OperationResult<typeof name>,
  };
}
