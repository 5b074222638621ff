import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentApiControl } from '../../electron/agent-api.js';
import { startServer } from '../../src/api/server.js';
import { AppService } from '../../src/host/app-service.js';
import { VaultService } from '../../src/vault/index.js';

/**
 * The app service as the desktop shell builds it, on a vault in a fresh folder (test KDF cost),
 * with what the shell's hooks received; with `agentApiPort`, also the shell's agent API setting
 * (call `agentApi.start()`), serving that vault.
 */
export function shellApp(options: { agentApiPort?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'memvault-shell-'));
  let service: VaultService | null = null;
  const locks: number[] = [];
  let agentApi: AgentApiControl | undefined;
  if (options.agentApiPort !== undefined) {
    const file = join(dir, 'agent-api.json');
    writeFileSync(file, JSON.stringify({ on: true, port: options.agentApiPort }));
    agentApi = new AgentApiControl(file, (port) => startServer({ service: () => service!, port, connectionFile: null }));
  }
  const app = new AppService({
    service: () => service,
    async createVault(owner, password) {
      const created = await VaultService.create(join(dir, 'vault.db'), { ownerName: owner, password, kdf: 'insecure-test-only', stateDir: join(dir, 'state') });
      service = created.service;
      return created;
    },
    agentApiUrl: () => agentApi?.url() ?? null,
    ...(agentApi ? { agentApi } : {}),
    latestProgress: () => null,
    clock: Date.now,
    vaultPath: join(dir, 'vault.db'),
    binPath: '/bin/memvault.js',
    onLock: () => void locks.push(Date.now()),
  });
  return {
    app,
    locks,
    agentApi,
    async close() {
      await agentApi?.stop();
      service?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
