import { createContext, useContext } from 'react';
import type { AppState, VaultClient } from '../../../src/contract/client.js';
import type { Permission } from '../../../src/contract/roles.js';

/** The one client the screens talk to; they never know whether it is HTTP or IPC underneath. */
export const ClientContext = createContext<VaultClient | null>(null);

export function useClient(): VaultClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('no vault client');
  return client;
}

export interface AppSessionView {
  state: AppState;
  refresh(): Promise<void>;
  lock(): Promise<void>;
}

export const SessionContext = createContext<AppSessionView | null>(null);

export function useSession(): AppSessionView {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

/** What the unlocked role may do, read off the core's policy table (never decided here; the core refuses anyway). */
export function useMay(): (permission: Permission) => boolean {
  const { state } = useSession();
  const granted = new Set(state.session?.permissions ?? []);
  return (permission) => granted.has(permission);
}
