import { existsSync } from 'node:fs';
import { VaultError, VaultService, type Session, defaultVaultPath, type KdfPreset } from '../vault/index.js';
import type { ProgressEvent } from '../contract/vault.js';
import { SecretSource } from './secrets.js';

export interface GlobalOptions {
  vault?: string;
  profile?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

export function vaultPath(g: GlobalOptions): string {
  return g.vault ?? process.env.MEMVAULT_VAULT ?? defaultVaultPath();
}

/**
 * Test suites set MEMVAULT_INSECURE_TEST_KDF=1 so profiles they create skip the calibrated
 * Argon2 cost; the CLI says so loudly, and the product never sets it.
 */
export function kdfPreset(): KdfPreset {
  return process.env.MEMVAULT_INSECURE_TEST_KDF === '1' ? 'insecure-test-only' : 'calibrate';
}

export function secrets(g: GlobalOptions): SecretSource {
  return new SecretSource(g.passwordStdin === true);
}

/** The CLI names the path it looked at (the core's message does not know where it came from). */
function requireVaultFile(g: GlobalOptions): string {
  const path = vaultPath(g);
  if (!existsSync(path)) throw new VaultError('not_found', `no vault at ${path} (run \`memvault init\` first, or pass --vault PATH or set MEMVAULT_VAULT)`);
  return path;
}

export async function openVault(g: GlobalOptions, options: { sessionIdleMs?: number } = {}): Promise<VaultService> {
  return VaultService.open(requireVaultFile(g), { kdf: kdfPreset(), ...options });
}

/** Opens the vault, unlocks the profile, runs `work`, and always locks and closes. */
export async function withSession<T>(
  g: GlobalOptions,
  work: (service: VaultService, session: Session, source: SecretSource) => Promise<T> | T,
): Promise<T> {
  const source = secrets(g);
  // The hidden prompt comes first (after a cheap check that the file exists): a password typed while the vault opens would echo in clear.
  requireVaultFile(g);
  const password = await source.password('MEMVAULT_PASSWORD', `Password for ${g.profile ?? 'the owner'}: `);
  const service = await openVault(g);
  if (!g.json) service.onProgress(indexBar());
  try {
    const session = await service.unlock(g.profile ?? service.ownerName(), password);
    await upkeep(service, session, g.json === true);
    return await work(service, session, source);
  } finally {
    service.close();
  }
}

const UPKEEP_LABELS = { reseal: 're-encrypting stored versions (current key and format)', reindex: 're-embedding for the current model' } as const;

/**
 * The core's upkeep with its progress on stderr: after every unlock, and after a change that
 * gives a space a new key (a revocation), so older versions are re-encrypted at once where this
 * profile may, and the message names who should otherwise.
 */
export async function upkeep(service: VaultService, session: Session, json: boolean): Promise<void> {
  const printers = { reseal: progressPrinter(UPKEEP_LABELS.reseal), reindex: progressPrinter(UPKEEP_LABELS.reindex) };
  const report = await service.upkeep(session, json ? undefined : (phase, done, total) => printers[phase](done, total));
  if (report.resealLeft > 0)
    process.stderr.write(`memvault: ${report.resealLeft} stored versions need re-encrypting (older format or retired key); an owner or admin should run \`memvault space rekey\`\n`);
  if (report.reindexBlocked) process.stderr.write(`memvault: re-embedding waits: ${report.reindexBlocked}\n`);
  else if (report.reindexLeft > 0)
    process.stderr.write(`memvault: ${report.reindexLeft} memories have vectors from an older model; an owner or admin should run \`memvault reindex\`\n`);
}

/** Spaces smaller than this load (or seal, at lock) in well under a second: no bar for them. */
const INDEX_BAR_FROM = 5_000;

/** The vault's own long work on a space: loading it at the first list or search, and sealing its index at lock (a 100k space: 7 s). */
const SPACE_WORK: Partial<Record<ProgressEvent['phase'], (space: string) => string>> = {
  index: (space) => `loading space ${space} into the search index`,
  keys: (space) => `keying space ${space} for the near-duplicate check`,
  snapshot: (space) => `sealing the search index of space ${space} into the vault`,
};

function indexBar(): (event: ProgressEvent) => void {
  const printers = new Map<string, (done: number, total: number) => void>();
  return ({ phase, space, done, total }) => {
    const label = SPACE_WORK[phase];
    if (!label || total < INDEX_BAR_FROM) return;
    const key = `${phase} ${space}`;
    let print = printers.get(key);
    if (!print) printers.set(key, (print = progressPrinter(label(space))));
    print(done, total);
  };
}

export function progressPrinter(label: string): (done: number, total: number) => void {
  return (done, total) => {
    if (total === 0) return;
    const pct = Math.floor((done / total) * 100);
    process.stderr.write(`\r${label}: ${done}/${total} (${pct}%)${done === total ? '\n' : ''}`);
  };
}
