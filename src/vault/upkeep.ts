import type { UpkeepReport } from '../contract/vault.js';
import { OPERATION_PERMISSION, actorMay } from './policy.js';
import { VaultError } from './errors.js';
import type { ReindexOps } from './reindex.js';
import type { KeyRotation } from './rotation.js';
import type { Session } from './session.js';
import type { VaultContext } from './vault-context.js';

export type UpkeepPhase = 'reseal' | 'reindex';

/**
 * What a front door runs after an unlock, so every door applies the same rule: versions in
 * an older format or under a retired key are sealed again, then vectors of another model are
 * re-embedded, each only by a profile allowed to (owner, admin). What is left is reported for
 * the door to name.
 */
export class Upkeep {
  constructor(
    private readonly ctx: VaultContext,
    private readonly rotation: KeyRotation,
    private readonly reindexing: ReindexOps,
  ) {}

  async run(session: Session, onProgress: (phase: UpkeepPhase, done: number, total: number) => void): Promise<UpkeepReport> {
    this.ctx.assertUnlocked(session);
    const report: UpkeepReport = { resealed: 0, reindexed: 0, resealLeft: 0, reindexLeft: 0, reindexBlocked: null };
    const reseal = this.ctx.read(session, () => this.rotation.pending(session));
    if (reseal > 0 && actorMay(session.actor, OPERATION_PERMISSION.rekeySpaces)) {
      report.resealed = this.rotation.rekey(session, (done, total) => onProgress('reseal', done, total)).rekeyed;
    } else report.resealLeft = reseal;
    const { stale, mayReindex } = this.reindexing.indexStatus(session);
    if (stale > 0 && mayReindex) {
      try {
        report.reindexed = (await this.reindexing.reindex(session, (done, total) => onProgress('reindex', done, total))).reindexed;
      } catch (err) {
        // An endpoint that is down must not lock the owner out of the vault: the rest is left for later.
        if (!(err instanceof VaultError && err.code === 'unavailable')) throw err;
        report.reindexBlocked = err.message;
        report.reindexLeft = this.reindexing.indexStatus(session).stale;
      }
    } else report.reindexLeft = stale;
    return report;
  }
}
