import { IPC_METHODS, type IpcMethod, type IpcReply } from '../../src/contract/ipc-client.js';
import type { AppService } from '../../src/host/app-service.js';
import type { AppSession } from '../../src/host/app-sessions.js';
import { VaultError, toErrorBody } from '../../src/vault/index.js';
import { APP_ORIGIN } from '../protocol/app-protocol.js';
import { originOf } from '../security/navigation.js';

/** What an IPC call knows of its caller (Electron's `IpcMainInvokeEvent`, reduced to the part that is checked). */
export interface IpcCaller {
  senderFrame: { url: string } | null;
}

const METHODS: ReadonlySet<string> = new Set(IPC_METHODS);

/**
 * The one IPC handler: checks that the caller is a frame of the app's own origin, then hands
 * the call to the app service with the window's app session. Every failure comes back as a
 * typed error body, never a raw exception (which would cross IPC as a bare message).
 */
export function ipcHandler(app: AppService, sessionOf: (caller: IpcCaller) => AppSession, clock: () => number, copy: (text: string) => void) {
  return async (caller: IpcCaller, method: unknown, ...args: unknown[]): Promise<IpcReply> => {
    try {
      const url = caller.senderFrame?.url ?? '';
      if (originOf(url) !== APP_ORIGIN) throw new VaultError('forbidden', 'only the app’s own page may call the vault');
      if (typeof method !== 'string' || !METHODS.has(method)) throw new VaultError('not_found', 'the app has no such call');
      const session = sessionOf(caller);
      return { ok: true, value: (await dispatch(app, session, method as IpcMethod, args, clock, copy)) ?? null };
    } catch (err) {
      return { ok: false, error: toErrorBody(err) };
    }
  };
}

async function dispatch(app: AppService, session: AppSession, method: IpcMethod, args: unknown[], clock: () => number, copy: (text: string) => void): Promise<unknown> {
  switch (method) {
    case 'state':
      return app.state(session);
    case 'progress':
      return app.progress(session);
    case 'copy':
      if (typeof args[0] !== 'string' || args[0].length > 64 * 1024) throw new VaultError('invalid_input', 'copy takes one text of at most 64 KiB');
      return copy(args[0]);
  }
  // Everything else is a change the user made: it keeps an idle window's session open.
  session.lastUsed = clock();
  switch (method) {
    case 'createVault':
      return app.createVault(session, args[0]);
    case 'unlock':
      return app.unlock(session, args[0]);
    case 'recover':
      return app.recover(args[0]);
    case 'lock':
      return app.lock(session);
    case 'setIdleLock':
      return app.setIdleLock(session, args[0]);
    case 'setAgentApi':
      return app.setAgentApi(session, args[0]);
    case 'call':
      return app.call(session, typeof args[0] === 'string' ? args[0] : '', args[1] ?? []);
  }
}
