import { ClientError, type VaultClient } from '../../../src/contract/client.js';

/** The client with one extra rule: any call that finds the vault locked (idle expiry on the host) sends the app to its unlock screen. */
export function guardedClient(client: VaultClient, onLocked: () => void): VaultClient {
  const guard = async <T,>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ClientError && err.code === 'locked') onLocked();
      throw err;
    }
  };
  return {
    state: () => client.state(),
    createVault: (owner, password) => client.createVault(owner, password),
    unlock: (profile, password) => client.unlock(profile, password),
    recover: (key, password) => client.recover(key, password),
    lock: () => client.lock(),
    setIdleLock: (ms) => guard(() => client.setIdleLock(ms)),
    setAgentApi: (on, port) => guard(() => client.setAgentApi(on, port)),
    progress: () => client.progress(),
    copy: (text) => client.copy(text),
    call: (name, ...args) => guard(() => client.call(name, ...args)),
  };
}
