import { existsSync, statSync } from 'node:fs';
import type { DoctorCheck, DoctorReport } from '../contract/vault.js';
import type { VerifyReport } from '../contract/audit.js';
import { defaultEmbedder } from '../embed/static-embedder.js';
import { VaultService } from './vault-service.js';

async function check(name: string, run: () => Promise<string> | string): Promise<DoctorCheck> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (err) {
    return { name, ok: false, detail: err instanceof Error ? err.message : 'failed' };
  }
}

/**
 * Checks the runtime (native modules, the offline model) and, if present, the
 * vault file: its mode, that it opens, SQLite's integrity check and the audit chain. Every
 * front door (the CLI's doctor, the app) shows this same report.
 */
export async function diagnose(path: string): Promise<DoctorReport> {
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
    checks.push(await check('embedder', () => {
      const problem = opened.embedderChoiceProblem();
      if (problem) throw new Error(problem);
      return 'the built-in model or a choice signed by the vault key';
    }));
    checks.push(await check('audit chain', () => {
      const r = opened.verifyChainNow();
      if (!r.ok) throw new Error(describeVerify(r));
      return `${r.events} events, ${r.checkpoints} signed checkpoints`;
    }));
    opened.close();
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** The verdict of `verify` in words, for people: what is intact, what is not signed yet, where it broke. */
export function describeVerify(r: VerifyReport): string {
  if (r.ok) return `Audit log intact: ${r.events} events, all covered by ${r.checkpoints} signed checkpoints.`;
  if (r.problem === 'unsigned_tail')
    return `Audit log NOT fully verified: events 1-${r.signedThrough} are intact and signed; the last ${r.unsignedEvents} (from event ${r.firstBadSeq}) are not signed yet, so they could have been changed or added by anyone with the file. The next owner, admin or agent action signs them.`;
  return `Audit log BROKEN${r.firstBadSeq === null ? '' : ` at event ${r.firstBadSeq}`}: ${r.reason}.`;
}
