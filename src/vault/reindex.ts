import type { IndexStatus } from '../contract/vault.js';
import { OPERATION_PERMISSION, actorMay } from './policy.js';
import type { Session } from './session.js';
import { sealRecord } from './records.js';
import type { CurrentRow } from './rows.js';
import type { VaultContext } from './vault-context.js';

/** Memories embedded and written per transaction, so progress shows and other writers get turns. */
const REINDEX_BATCH = 32;

/** Re-embedding memories whose vectors came from another model. */
export class ReindexOps {
  constructor(private readonly ctx: VaultContext) {}

  indexStatus(session: Session): IndexStatus {
    this.ctx.assertUnlocked(session);
    const stale = this.ctx.read(session, () => (this.staleQuery('count(*) AS n').get(...this.staleParams(session)) as { n: number }).n);
    return { modelId: this.ctx.embedder.modelId, stale, mayReindex: actorMay(session.actor, OPERATION_PERMISSION.reindex) };
  }

  /** Re-embeds every current version in the session's spaces whose vector came from another model. */
  async reindex(session: Session, onProgress: (done: number, total: number) => void = () => {}): Promise<{ reindexed: number }> {
    this.ctx.authorize(session, 'reindex', []);
    const stale = this.staleVersions(session);
    let done = 0;
    onProgress(0, stale.length);
    for (let i = 0; i < stale.length; i += REINDEX_BATCH) {
      const batch = stale.slice(i, i + REINDEX_BATCH);
      const plain = batch.map((r) => this.ctx.openOrFail(session, r.space_id, r));
      const vectors = await this.ctx.embedder.embed(plain.map((p) => p.content));
      this.ctx.act(session, 'reindex', (trail) => {
        const update = this.ctx.db.prepare(
          // Only while the row is still sealed under the epoch it was opened with: a re-key that
          // ran during the embedding (and retired that epoch's key) must not be overwritten.
          `UPDATE memory_versions SET record = ?, embed_model = ?, content = NULL, tags = NULL, metadata = NULL, source = NULL, embedding = NULL
           WHERE memory_id = ? AND version = ? AND key_epoch = ?`,
        );
        const touch = this.ctx.db.prepare('UPDATE memories SET change_seq = ? WHERE id = ? AND version = ?');
        batch.forEach((r, j) => {
          // Sealed again under the epoch it was opened with (above), so re-keying still finds it by its epoch.
          const record = sealRecord(session.keys.key(r.space_id, r.key_epoch)!, this.ctx.placeOf(r), { ...plain[j]!, embedding: vectors[j]! });
          if (update.run(record, this.ctx.embedder.modelId, r.memory_id, r.version, r.key_epoch).changes === 0) return;
          touch.run(this.ctx.bumpChangeSeq(), r.memory_id, r.version);
        });
        this.ctx.syncIndex(session);
        trail.details = { count: batch.length, model: this.ctx.embedder.modelId };
      });
      done += batch.length;
      onProgress(done, stale.length);
    }
    return { reindexed: done };
  }

  private staleVersions(session: Session): CurrentRow[] {
    return this.ctx.read(session, () => this.staleQuery('v.*, m.space_id, m.created_at, m.change_seq').all(...this.staleParams(session)) as CurrentRow[]);
  }

  /** Current versions in the session's spaces whose vector is missing or from another model. */
  private staleQuery(columns: string) {
    return this.ctx.db.prepare(
      `SELECT ${columns} FROM memories m
       JOIN memory_versions v ON v.memory_id = m.id AND v.version = m.version
       WHERE v.state != 'deleted' AND (v.embed_model IS NULL OR v.embed_model NOT IN (?, ?))
         AND m.space_id IN (SELECT value FROM json_each(?))`,
    );
  }

  private staleParams(session: Session): string[] {
    return [this.ctx.embedder.modelId, `caller:${this.ctx.embedder.modelId}`, JSON.stringify(session.keys.spaceIds())];
  }
}
