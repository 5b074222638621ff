import { existsSync, statSync } from 'node:fs';
import { VaultService, defaultEmbedder } from '../vault/index.js';
import { verifyText } from './output.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

async function check(name: string, run: () => Promise<string> | string): Promise<DoctorCheck> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (err) {
    return { name, ok: false, detail: err instanceof Error ? err.message : 'failed' };
  }
}

/** Checks the runtime (native modules, WebAssembly, the offline model) and, if present, the vault file. */
export async function runDoctor(path: string): Promise<{ ok: boolean; checks: DoctorCheck[] }> {
  const checks: DoctorCheck[] = [];
  checks.push(await check('node', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major < 20 || (major === 20 && minor < 19)) throw new Error(`Node ${process.versions.node} is older than 20.19`);
    return process.versions.node;
  }));
  checks.push(await check('embedding model', async () => {
    const embedder = defaultEmbedder();
    const [v] = await embedder.embed(['memvault doctor']);
    if (v?.length !== embedder.dimensions) throw new Error('model returned a vector of the wrong size');
    return `${embedder.modelId} (offline)`;
  }));
  if (!existsSync(path)) {
    checks.push({ name: 'vault', ok: true, detail: `no vault at ${path} yet (memvault init creates one)` });
    return { ok: checks.every((c) => c.ok), checks };
  }
  checks.push(await check('vault file permissions', () => {
    const mode = statSync(path).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) throw new Error(`${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    return `${path} (mode ${mode.toString(8)})`;
  }));
  let service: VaultService | undefined;
  checks.push(await check('vault opens', async () => {
    service = await VaultService.open(path);
    return `vault ${service.vaultId}`;
  }));
  if (service) {
    const opened = service;
    checks.push(await check('database integrity', () => opened.integrityCheck()));
    checks.push(await check('audit chain', () => {
      const r = opened.verifyChainNow();
      if (!r.ok) throw new Error(verifyText(r));
      return `${r.events} events, ${r.checkpoints} signed checkpoints`;
    }));
    opened.close();
  }
  return { ok: checks.every((c) => c.ok), checks };
}
