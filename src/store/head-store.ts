import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The newest audit chain head this machine verified for one vault, kept outside the vault file. */
export interface PinnedHead {
  vaultId: string;
  /** Hex of the vault's Ed25519 public key when the head was verified. */
  signingPublicKey: string;
  seq: number;
  /** Hex SHA-256 of event `seq`. */
  hash: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One small JSON file per vault in the user's state folder. A copy of the vault file that was
 * rolled back (or wiped) no longer contains the pinned head, and verification says so. The
 * record only moves forward, so two processes on one vault cannot pin an older head.
 */
export class HeadStore {
  constructor(private readonly dir: string) {}

  read(vaultId: string): PinnedHead | null {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file(vaultId), 'utf8'));
    } catch (err) {
      // Nothing pinned yet, or no state folder at all: there is nothing to compare with.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new Error('the pinned audit head of this vault is unreadable');
    }
    const h = raw as Partial<PinnedHead> | null;
    if (
      !h ||
      h.vaultId !== vaultId ||
      typeof h.signingPublicKey !== 'string' ||
      !HEX64.test(h.signingPublicKey) ||
      !Number.isSafeInteger(h.seq) ||
      (h.seq ?? 0) < 1 ||
      typeof h.hash !== 'string' ||
      !HEX64.test(h.hash)
    )
      throw new Error('the pinned audit head of this vault is malformed');
    return { vaultId, signingPublicKey: h.signingPublicKey, seq: h.seq!, hash: h.hash };
  }

  /** Records `head` unless a newer one is already pinned. */
  write(head: PinnedHead): void {
    const current = this.read(head.vaultId);
    if (current && current.seq > head.seq && current.signingPublicKey === head.signingPublicKey) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(head.vaultId);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(head)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  }

  private file(vaultId: string): string {
    if (!UUID.test(vaultId)) throw new Error('bad vault id');
    return join(this.dir, `audit-head-${vaultId}.json`);
  }
}
