import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  backupPathSchema,
  checkBackupSchema,
  contactKeySchema,
  contactNameSchema,
  exportBackupSchema,
  importBackupSchema,
  type BackupCheck,
  type BackupInspection,
  type ContactInfo,
  type ExportedBackup,
  type ImportBackupRequest,
  type ImportReport,
  type PublicIdentityInfo,
} from '../contract/backup.js';
import type { ProgressEvent } from '../contract/vault.js';
import { eventHash, type AuditRow } from '../audit/chain.js';
import type { AuditRecord, BodyRecord, MemoryRecord, VersionRecord } from '../backup/body.js';
import { BackupError } from '../backup/errors.js';
import { inspectBackupFile, openBackupFile, writeBackupFile, type OpenedBackup } from '../backup/file.js';
import { BACKUP_KDF_CEILING, BACKUP_KDF_FLOOR, type BackupHeader, type Sender, type Stanza } from '../backup/header.js';
import { encodePublicKey, fingerprintDigits, fingerprintHex, fingerprintWords, parsePublicKey, qrModules, type PublicIdentity } from '../backup/identity.js';
import { passphraseStanza, recipientStanza, type BackupKey } from '../backup/stanzas.js';
import { newKdfParams } from '../crypto/kdf.js';
import { profileSigningKeyPair } from '../crypto/keys.js';
import { randomBytes } from '../crypto/random.js';
import { zeroize } from '../crypto/zeroize.js';
import { actorMay } from './policy.js';
import { usableVector } from './vectors.js';
import { VaultError, forbidden, notFound } from './errors.js';
import type { ImportedVersion, MemoryOps } from './memories.js';
import { iso, ms, profileOf, type VersionRow } from './rows.js';
import type { Session } from './session.js';
import type { SpaceOps } from './spaces.js';
import { parse } from './validate.js';
import type { VaultContext } from './vault-context.js';

type Progress = (event: ProgressEvent) => void;
const YIELD_EVERY = 200;
const MAX_NOTES = 200;
const EMBED_BATCH = 64;

interface ContactRow {
  name: string;
  box_key: Buffer;
  signing_key: Buffer;
  verified: number;
  last_sequence: number;
  last_bundle: string | null;
  added_at: number;
}

/** The file format speaks BackupError; the vault's front doors speak VaultError, with the reason kept. */
function asVaultError(err: unknown): unknown {
  return err instanceof BackupError ? new VaultError(err.code, err.message, { details: { reason: err.reason } }) : err;
}

async function translated<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asVaultError(err);
  }
}

function translatedSync<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw asVaultError(err);
  }
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const vectorOf = (text: string): Float32Array => {
  const raw = Buffer.from(text, 'base64');
  if (raw.length % 4 !== 0) throw new BackupError('bad_body', 'a vector’s length is not whole float32 values');
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
};
const nextTurn = () => new Promise<void>((done) => setImmediate(done));

/** Two versions are the same edit when what was written, by whom and when, is the same. */
function versionPrint(v: Omit<VersionRecord, 'version' | 'change' | 'model' | 'vector'>): string {
  return createHash('sha256')
    .update(JSON.stringify([v.content, v.context, v.tags, v.metadata, v.source, v.kind, v.state, v.importance, v.validFrom, v.validUntil, v.changedAt, v.changedBy]))
    .digest('hex');
}

/** Plans one memory's merge: what to write and what to tell. */
interface MergePlan {
  record: MemoryRecord;
  spaceName: string;
  outcome: 'added' | 'updated' | 'skipped' | 'conflict';
  reason: string;
  /** New memory (null: appended to the existing one). */
  createdAt: number | null;
  write: VersionRecord[];
}

/**
 * Encrypted backups and team bundles (docs/backup-format.md): export, check, import, and the
 * contacts team bundles come from. A file is verified whole before anything is merged, and
 * the merge is one transaction with one audit event.
 */
export class BackupOps {
  constructor(
    private readonly ctx: VaultContext,
    private readonly memories: MemoryOps,
    private readonly spaces: SpaceOps,
  ) {}

  private identity(session: Session): { pub: PublicIdentity; signingSecret: Uint8Array } {
    const { keyPair } = profileOf(session);
    const signing = profileSigningKeyPair(keyPair.secretKey);
    return { pub: { boxKey: keyPair.publicKey, signingKey: signing.publicKey }, signingSecret: signing.secretKey };
  }

  /** Public keys are not secret and reading them changes nothing, so this is not logged. */
  publicIdentity(session: Session): PublicIdentityInfo {
    this.ctx.assertUnlocked(session);
    const { pub, signingSecret } = this.identity(session);
    zeroize(signingSecret);
    const key = encodePublicKey(pub);
    return { profile: session.actor.name, key, fingerprint: fingerprintHex(pub), words: fingerprintWords(pub), digits: fingerprintDigits(pub), qr: qrModules(key) };
  }

  // ------------------------------------------------------------------ export

  async exportBackup(session: Session, raw: unknown, onProgress: Progress = () => {}, signal?: AbortSignal): Promise<ExportedBackup> {
    this.ctx.authorize(session, 'exportBackup', []);
    this.mayHandleContent(session, 'exportBackup', 'memory.read');
    const input = parse(exportBackupSchema, raw);
    if (input.withAudit && !actorMay(session.actor, 'audit.read')) throw forbidden('this role may not read the audit log, so it cannot export it');
    const spaceIds = input.spaces.length > 0 ? input.spaces.map((name) => this.ctx.requireSpace(name)) : [...session.keys.spaceIds()].sort((a, b) => this.ctx.spaceName(a).localeCompare(this.ctx.spaceName(b)));
    for (const id of spaceIds) if (!session.keys.has(id)) throw forbidden(`this profile does not hold the key of space ${this.ctx.spaceName(id)}`);
    const recipients = input.to.map((name) => this.contact(name));
    for (const c of recipients) if (!c.verified) throw new VaultError('conflict', `contact ${c.name} is not verified: compare fingerprints with them, then memvault contact verify ${c.name}`);
    if (existsSync(input.file) && !input.replace) throw new VaultError('conflict', `${input.file} exists; choose another name or replace it`);

    const fileKey = randomBytes(32);
    const { pub, signingSecret } = this.identity(session);
    try {
      const stanzas: Stanza[] = input.passphrase !== undefined ? [await passphraseStanza(fileKey, input.passphrase, await this.passphraseCost())] : [];
      for (const c of recipients) stanzas.push(recipientStanza(fileKey, new Uint8Array(c.box_key), fingerprintHex({ boxKey: c.box_key, signingKey: c.signing_key })));
      // The number is taken before the file is written: a failure after writing could otherwise
      // leave a file whose number the next export uses again (its recipients would see a replay).
      const sent = this.ctx.write(
        () =>
          this.ctx.db
            .prepare("INSERT INTO backups_sent (profile_id, sequence, last_bundle) VALUES (?, 1, '') ON CONFLICT (profile_id) DO UPDATE SET sequence = sequence + 1 RETURNING sequence, last_bundle")
            .get(session.actor.id) as { sequence: number; last_bundle: string },
      );
      const sender: Sender = { name: session.actor.name, boxKey: b64(pub.boxKey), signingKey: b64(pub.signingKey), sequence: sent.sequence, previous: sent.last_bundle === '' ? null : sent.last_bundle };
      const scope = input.spaces.length === 0 && session.actor.type === 'profile' && session.actor.role === 'owner' ? 'vault' : 'spaces';
      const header: BackupHeader = { created: new Date(this.ctx.clock()).toISOString(), scope, stanzas, sender };
      const counts = { memories: 0, versions: 0, auditEvents: 0 };
      const spaceNames = spaceIds.map((id) => this.ctx.spaceName(id));
      const written = await translated(() =>
        writeBackupFile(input.file, header, fileKey, signingSecret, (emit) => this.produce(session, spaceIds, input.withAudit, emit, counts, onProgress), signal),
      );
      return this.ctx.act(session, 'exportBackup', (trail) => {
        // A later export may have taken a number meanwhile; `previous` names the newest written.
        this.ctx.db.prepare('UPDATE backups_sent SET last_bundle = ? WHERE profile_id = ? AND sequence = ?').run(written.bundleId, session.actor.id, sender.sequence);
        trail.targets.push(...spaceIds);
        trail.details = { scope, memories: counts.memories, recipients: recipients.length, passphrase: input.passphrase !== undefined, audit: input.withAudit, sequence: sender.sequence };
        return { file: input.file, bytes: written.bytes, spaces: spaceNames, ...counts, recipients: recipients.map((c) => c.name), sequence: sender.sequence };
      });
    } finally {
      zeroize(fileKey, signingSecret);
    }
  }

  /** Backups carry memory content: handling one needs the content permission too (admins manage, never read). */
  private mayHandleContent(session: Session, op: 'exportBackup' | 'checkBackup' | 'importBackup', permission: 'memory.read' | 'memory.write'): void {
    if (actorMay(session.actor, permission)) return;
    this.ctx.denied(session, op, [], { permission });
    throw new VaultError('forbidden', `a backup holds memory content, and this role may not ${permission === 'memory.read' ? 'read' : 'write'} memories`, { details: { permission } });
  }

  /** The vault's calibrated cost where it is above the format's floor, never above its ceiling. */
  private async passphraseCost() {
    const calibrated = this.ctx.kdfPreset === 'calibrate' ? await newKdfParams('calibrate') : BACKUP_KDF_FLOOR;
    const clamp = (k: keyof typeof BACKUP_KDF_FLOOR) => Math.min(BACKUP_KDF_CEILING[k], Math.max(BACKUP_KDF_FLOOR[k], calibrated[k]));
    return { memoryKiB: clamp('memoryKiB'), iterations: clamp('iterations'), parallelism: clamp('parallelism') };
  }

  private async produce(session: Session, spaceIds: string[], withAudit: boolean, emit: (r: BodyRecord) => void, counts: { memories: number; versions: number; auditEvents: number }, onProgress: Progress) {
    const names = spaceIds.map((id) => this.ctx.spaceName(id));
    emit({ t: 'contents', vaultId: this.ctx.vaultId, spaces: names, withAudit });
    const ids = this.ctx.db.prepare('SELECT id, space_id, created_at FROM memories WHERE space_id = ? ORDER BY created_at, id');
    const versionsOf = this.ctx.db.prepare('SELECT * FROM memory_versions WHERE memory_id = ? ORDER BY version');
    const total = (this.ctx.db.prepare('SELECT count(*) AS n FROM memories WHERE space_id IN (SELECT value FROM json_each(?))').get(JSON.stringify(spaceIds)) as { n: number }).n;
    for (const [i, spaceId] of spaceIds.entries()) {
      for (const m of ids.all(spaceId) as { id: string; space_id: string; created_at: number }[]) {
        const versions = (versionsOf.all(m.id) as VersionRow[]).map((v) => this.versionRecord(session, spaceId, v));
        emit({ t: 'memory', id: m.id, space: names[i]!, createdAt: new Date(m.created_at).toISOString(), versions });
        counts.memories++;
        counts.versions += versions.length;
        if (counts.memories % YIELD_EVERY === 0) {
          onProgress({ phase: 'export', space: names[i]!, done: counts.memories, total });
          await nextTurn();
        }
      }
    }
    onProgress({ phase: 'export', space: names.at(-1) ?? '', done: counts.memories, total });
    if (withAudit) {
      for (const r of this.ctx.db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as AuditRow[]) {
        emit({ t: 'audit', seq: r.seq, ts: r.ts, actorType: r.actor_type, actorId: r.actor_id, action: r.action, targets: r.targets, outcome: r.outcome, details: r.details, prevHash: b64(r.prev_hash), hash: b64(r.hash) });
        counts.auditEvents++;
      }
    }
    emit({ t: 'end', spaces: names.length, ...counts });
  }

  private versionRecord(session: Session, spaceId: string, v: VersionRow): VersionRecord {
    const f = this.ctx.openOrFail(session, spaceId, v);
    return {
      version: v.version,
      kind: v.kind,
      state: v.state,
      importance: v.importance,
      validFrom: iso(v.valid_from),
      validUntil: iso(v.valid_until),
      changedAt: new Date(v.changed_at).toISOString(),
      changedBy: v.changed_by,
      change: v.change,
      content: f.content,
      context: f.context,
      tags: f.tags,
      metadata: f.metadata,
      source: f.source,
      model: f.embedding ? v.embed_model : null,
      vector: f.embedding ? b64(new Uint8Array(f.embedding.buffer, f.embedding.byteOffset, f.embedding.byteLength)) : null,
    };
  }

  // ------------------------------------------------------------------ reading

  /** The header only: no key, no session needed (a file can be looked at before any unlock). */
  static async inspect(file: unknown): Promise<BackupInspection> {
    const path = parse(backupPathSchema, file);
    return translated(() => {
      const { header, size } = inspectBackupFile(path);
      return {
        format: 1,
        created: header.created,
        scope: header.scope,
        passphrase: header.stanzas.some((s) => s.type === 'passphrase'),
        recipients: header.stanzas.flatMap((s) => (s.type === 'x25519' ? [s.recipient] : [])),
        sender: { name: header.sender.name, fingerprint: fingerprintHex({ boxKey: unb64(header.sender.boxKey), signingKey: unb64(header.sender.signingKey) }), sequence: header.sender.sequence },
        size,
      };
    });
  }

  inspectBackup(session: Session, file: unknown): Promise<BackupInspection> {
    this.ctx.authorize(session, 'inspectBackup', []);
    return BackupOps.inspect(file);
  }

  private keyFor(session: Session, passphrase: string | undefined): BackupKey {
    if (passphrase !== undefined) return { passphrase };
    const { pub, signingSecret } = this.identity(session);
    zeroize(signingSecret);
    return { keyPair: profileOf(session).keyPair, fingerprint: fingerprintHex(pub) };
  }

  private async openFile(session: Session, file: string, passphrase: string | undefined, onProgress: Progress): Promise<OpenedBackup> {
    return translated(() => openBackupFile(file, this.keyFor(session, passphrase), (done, total) => onProgress({ phase: 'verify', space: '', done, total })));
  }

  async checkBackup(session: Session, raw: unknown, onProgress: Progress = () => {}): Promise<BackupCheck> {
    this.ctx.authorize(session, 'checkBackup', []);
    this.mayHandleContent(session, 'checkBackup', 'memory.read');
    const input = parse(checkBackupSchema, raw);
    const refused = (err: unknown) => {
      throw this.ctx.recordFailure(session, 'checkBackup', { targets: [], details: {} }, err);
    };
    const inspection = await BackupOps.inspect(input.file).catch(refused);
    const opened = await this.openFile(session, input.file, input.passphrase, onProgress).catch(refused);
    const contact = this.senderContact(opened.header.sender);
    return this.ctx.act(session, 'checkBackup', (trail) => {
      trail.details = { memories: opened.end.memories, sender: opened.header.sender.name };
      return {
        ...inspection,
        spaces: opened.contents.spaces,
        memories: opened.end.memories,
        versions: opened.end.versions,
        auditEvents: opened.end.auditEvents,
        auditChain: auditChainOf(opened.records),
        senderContact: contact?.name ?? null,
        senderVerified: contact?.verified === 1,
      };
    });
  }

  // ------------------------------------------------------------------ import

  async importBackup(session: Session, raw: unknown, onProgress: Progress = () => {}): Promise<ImportReport> {
    this.ctx.authorize(session, 'importBackup', []);
    this.mayHandleContent(session, 'importBackup', 'memory.write');
    const input = parse(importBackupSchema, raw);
    // A file refused before the merge (a stranger's, a rollback, a broken one) is in the audit log too.
    const prepared = await this.prepareImport(session, input, onProgress).catch((err: unknown) => {
      throw this.ctx.recordFailure(session, 'importBackup', { targets: [], details: { dryRun: input.dryRun } }, err);
    });
    return this.merge(session, input, prepared, onProgress);
  }

  private async prepareImport(session: Session, input: ImportBackupRequest, onProgress: Progress) {
    const team = input.passphrase === undefined;
    // The sender is in the MAC'd header: a stranger's bundle is refused before its body is decrypted.
    if (team) this.trustedSender(translatedSync(() => inspectBackupFile(input.file)).header.sender);
    const opened = await this.openFile(session, input.file, input.passphrase, onProgress);
    const sender = opened.header.sender;
    const contact = team ? this.trustedSender(sender) : this.senderContact(sender);
    let older = false;
    if (team && contact) {
      const replay = sender.sequence === contact.last_sequence && opened.bundleId === contact.last_bundle;
      const rollback = sender.sequence < contact.last_sequence || (sender.sequence === contact.last_sequence && !replay);
      older = replay || rollback;
      if (older && !input.acceptOlder) {
        throw asVaultError(new BackupError(replay ? 'replayed' : 'rolled_back', `sequence ${sender.sequence}; newest imported from ${contact.name}: ${contact.last_sequence}`));
      }
    }
    const quarantine = team && contact && contact.verified === 0 ? `quarantine-${contact.name}`.slice(0, 64) : null;
    const records = opened.records.filter((r): r is MemoryRecord => r.t === 'memory');
    const vectors = await translated(() => this.vectorsFor(records, input.dryRun, onProgress));
    return { team, opened, sender, contact, older, quarantine, records, vectors };
  }

  private merge(session: Session, input: ImportBackupRequest, prepared: Awaited<ReturnType<BackupOps['prepareImport']>>, onProgress: Progress): ImportReport {
    const { team, opened, sender, contact, older, quarantine, records, vectors } = prepared;
    const target = (r: MemoryRecord) => quarantine ?? input.into ?? r.space;
    return this.ctx.act(session, 'importBackup', (trail) => {
      this.ctx.syncIndex(session);
      const plans = records.map((r) => this.plan(session, r, target(r)));
      const spacesCreated = [...new Set(plans.filter((p) => p.outcome !== 'skipped').map((p) => p.spaceName))].filter((name) => !this.ctx.spaceByName(name));
      const report: ImportReport = {
        dryRun: input.dryRun,
        added: plans.filter((p) => p.outcome === 'added').length,
        updated: plans.filter((p) => p.outcome === 'updated').length,
        skipped: plans.filter((p) => p.outcome === 'skipped').length,
        conflicts: plans.filter((p) => p.outcome === 'conflict').length,
        tombstones: plans.filter((p) => p.write.length > 0 && p.write.at(-1)!.state === 'deleted').length,
        reembedded: vectors.reembedded,
        spacesCreated,
        quarantine,
        notes: plans.filter((p) => p.outcome !== 'added').slice(0, MAX_NOTES).map((p) => ({ id: p.record.id, outcome: p.outcome, reason: p.reason })),
      };
      trail.details = { sender: sender.name, sequence: sender.sequence, dryRun: input.dryRun, added: report.added, updated: report.updated, skipped: report.skipped, conflicts: report.conflicts, acceptedOlder: older };
      if (quarantine) trail.details.quarantine = quarantine;
      if (input.dryRun) return report;
      for (const name of spacesCreated) this.spaces.createSpace(session, name);
      for (const [i, p] of plans.entries()) {
        if (p.write.length === 0) continue;
        const spaceId = this.ctx.requireSpace(p.spaceName);
        if (!session.keys.has(spaceId)) throw forbidden(`this profile does not hold the key of space ${p.spaceName}`);
        const written: ImportedVersion[] = p.write.map((v, j) => ({
          kind: v.kind,
          state: v.state,
          importance: v.importance,
          validFrom: ms(v.validFrom),
          validUntil: ms(v.validUntil),
          change: p.outcome === 'conflict' && j === 0 ? 'conflict' : v.change,
          model: vectors.models.get(v) ?? null,
          fields: { content: v.content, context: v.context, tags: v.tags, metadata: v.metadata, source: v.source, embedding: vectors.values.get(v) ?? null },
          changedAt: Date.parse(v.changedAt),
          changedBy: v.changedBy,
        }));
        this.memories.writeImported(session, spaceId, p.record.id, p.createdAt, written);
        if ((i + 1) % 1000 === 0) onProgress({ phase: 'store', space: p.spaceName, done: i + 1, total: plans.length });
      }
      if (team && contact && !older) {
        this.ctx.db.prepare('UPDATE contacts SET last_sequence = ?, last_bundle = ? WHERE name = ?').run(sender.sequence, opened.bundleId, contact.name);
      }
      return report;
    });
  }

  /**
   * Vectors to store: the file's where its model is this vault's and it is usable for cosine
   * search (not NaN, infinite or zero: an older release could store such a one), else embedded
   * again here, before the transaction. A dry run only counts what would be embedded.
   */
  private async vectorsFor(records: MemoryRecord[], dryRun: boolean, onProgress: Progress) {
    const values = new Map<VersionRecord, Float32Array>();
    const models = new Map<VersionRecord, string>();
    const again: VersionRecord[] = [];
    const modelId = this.ctx.embedder.modelId;
    for (const r of records) {
      for (const v of r.versions) {
        if (v.vector === null || v.model === null) continue;
        const vector = v.model.endsWith(modelId) ? vectorOf(v.vector) : null;
        if (vector && vector.length !== this.ctx.embedder.dimensions) throw new VaultError('integrity', 'a vector in the backup does not have this model’s dimensions', { details: { reason: 'bad_body' } });
        if (vector && usableVector(vector)) {
          values.set(v, vector);
          models.set(v, v.model);
        } else again.push(v);
      }
    }
    for (let at = 0; !dryRun && at < again.length; at += EMBED_BATCH) {
      const batch = again.slice(at, at + EMBED_BATCH);
      const embedded = await this.ctx.embedder.embed(batch.map((v) => v.content));
      batch.forEach((v, j) => (values.set(v, embedded[j]!), models.set(v, modelId)));
      onProgress({ phase: 'embed', space: '', done: Math.min(at + EMBED_BATCH, again.length), total: again.length });
    }
    return { values, models, reembedded: again.length };
  }

  private plan(session: Session, record: MemoryRecord, spaceName: string): MergePlan {
    const local = this.ctx.db.prepare('SELECT space_id FROM memories WHERE id = ?').get(record.id) as { space_id: string } | undefined;
    if (!local) return { record, spaceName, outcome: 'added', reason: 'new', createdAt: Date.parse(record.createdAt), write: record.versions };
    if (!session.keys.has(local.space_id)) return { record, spaceName, outcome: 'skipped', reason: 'it exists in a space this profile does not hold', createdAt: null, write: [] };
    const localSpace = this.ctx.spaceName(local.space_id);
    if (localSpace !== spaceName) return { record, spaceName, outcome: 'skipped', reason: `it exists in space ${localSpace}`, createdAt: null, write: [] };
    const rows = this.ctx.db.prepare('SELECT * FROM memory_versions WHERE memory_id = ? ORDER BY version').all(record.id) as VersionRow[];
    const localPrints = rows.map((v) => {
      const r = this.versionRecord(session, local.space_id, v);
      return versionPrint(r);
    });
    const known = new Set(localPrints);
    const filePrints = record.versions.map((v) => versionPrint(v));
    const missing = record.versions.filter((_, i) => !known.has(filePrints[i]!));
    if (missing.length === 0) return { record, spaceName, outcome: 'skipped', reason: 'this vault has every version already', createdAt: null, write: [] };
    const inFile = new Set(filePrints);
    const fastForward = localPrints.every((p) => inFile.has(p));
    return fastForward
      ? { record, spaceName, outcome: 'updated', reason: `${missing.length} newer version(s)`, createdAt: null, write: missing }
      : { record, spaceName, outcome: 'conflict', reason: 'edited here and in the file since they parted; both kept, the file’s edits marked as a conflict', createdAt: null, write: missing };
  }

  /** A team bundle's sender must be a contact with exactly this key. */
  private trustedSender(sender: Sender): ContactRow {
    const byKey = this.senderContact(sender);
    if (byKey) {
      if (!byKey.box_key.equals(Buffer.from(sender.boxKey, 'base64'))) throw asVaultError(new BackupError('sender_key_changed'));
      return byKey;
    }
    const byName = this.ctx.db.prepare('SELECT * FROM contacts WHERE name = ?').get(sender.name) as ContactRow | undefined;
    throw asVaultError(byName ? new BackupError('sender_key_changed', `the bundle says it is from ${sender.name}`) : new BackupError('unknown_sender'));
  }

  private senderContact(sender: Sender): ContactRow | undefined {
    return this.ctx.db.prepare('SELECT * FROM contacts WHERE signing_key = ?').get(Buffer.from(sender.signingKey, 'base64')) as ContactRow | undefined;
  }

  // ------------------------------------------------------------------ contacts

  private contact(name: string): ContactRow {
    const row = this.ctx.db.prepare('SELECT * FROM contacts WHERE name = ?').get(parse(contactNameSchema, name)) as ContactRow | undefined;
    if (!row) throw notFound(`contact ${name}`);
    return row;
  }

  private contactInfo(c: ContactRow): ContactInfo {
    const id = { boxKey: c.box_key, signingKey: c.signing_key };
    return { name: c.name, fingerprint: fingerprintHex(id), words: fingerprintWords(id), verified: c.verified === 1, lastSequence: c.last_sequence, addedAt: new Date(c.added_at).toISOString() };
  }

  /** A known name with another key is refused (loudly) unless `replace`, which also makes it unverified again. */
  addContact(session: Session, name: unknown, key: unknown, replace: unknown = false): ContactInfo {
    return this.ctx.act(session, 'addContact', (trail) => {
      const contactName = parse(contactNameSchema, name);
      const id = translatedSync(() => parsePublicKey(parse(contactKeySchema, key)));
      const own = this.identity(session);
      zeroize(own.signingSecret);
      if (Buffer.from(own.pub.signingKey).equals(id.signingKey)) throw new VaultError('invalid_input', 'that is this profile’s own key');
      trail.details = { name: contactName, fingerprint: fingerprintHex(id).slice(0, 16) };
      const byKey = this.ctx.db.prepare('SELECT name FROM contacts WHERE signing_key = ?').get(id.signingKey) as { name: string } | undefined;
      if (byKey && byKey.name !== contactName) throw new VaultError('conflict', `that key is contact ${byKey.name}’s`);
      const existing = this.ctx.db.prepare('SELECT * FROM contacts WHERE name = ?').get(contactName) as ContactRow | undefined;
      if (existing) {
        const same = existing.box_key.equals(id.boxKey) && existing.signing_key.equals(id.signingKey);
        if (same) return this.contactInfo(existing);
        if (replace !== true) {
          throw new VaultError('conflict', `WARNING: contact ${contactName} had another key (fingerprint ${fingerprintHex({ boxKey: existing.box_key, signingKey: existing.signing_key }).slice(0, 16)}…, now ${fingerprintHex(id).slice(0, 16)}…). Someone may be posing as them. Compare fingerprints with ${contactName} out of band before replacing it.`, {
            details: { reason: 'sender_key_changed' },
          });
        }
        // A new key is a new sender: its bundles count from 1, the old key's history does not apply.
        this.ctx.db.prepare('UPDATE contacts SET box_key = ?, signing_key = ?, verified = 0, last_sequence = 0, last_bundle = NULL WHERE name = ?').run(id.boxKey, id.signingKey, contactName);
        trail.details.replaced = true;
      } else {
        this.ctx.db.prepare('INSERT INTO contacts (name, box_key, signing_key, added_at) VALUES (?, ?, ?, ?)').run(contactName, id.boxKey, id.signingKey, this.ctx.clock());
      }
      return this.contactInfo(this.contact(contactName));
    });
  }

  listContacts(session: Session): ContactInfo[] {
    return this.ctx.observe(session, 'listContacts', () => (this.ctx.db.prepare('SELECT * FROM contacts ORDER BY name').all() as ContactRow[]).map((c) => this.contactInfo(c)));
  }

  verifyContact(session: Session, name: unknown): ContactInfo {
    return this.ctx.act(session, 'verifyContact', (trail) => {
      const c = this.contact(parse(contactNameSchema, name));
      trail.details = { name: c.name };
      this.ctx.db.prepare('UPDATE contacts SET verified = 1 WHERE name = ?').run(c.name);
      return this.contactInfo(this.contact(c.name));
    });
  }
}

/** The audit events in a file, their hash chain recomputed from the first event's previous hash. */
function auditChainOf(records: readonly BodyRecord[]): BackupCheck['auditChain'] {
  const events = records.filter((r): r is AuditRecord => r.t === 'audit');
  if (events.length === 0) return 'absent';
  let prev: Uint8Array = unb64(events[0]!.prevHash);
  for (const e of events) {
    if (!Buffer.from(prev).equals(unb64(e.prevHash))) return 'broken';
    const row = { seq: e.seq, ts: e.ts, actor_type: e.actorType, actor_id: e.actorId, action: e.action, targets: e.targets, outcome: e.outcome, details: e.details } as Omit<AuditRow, 'prev_hash' | 'hash'>;
    const hash = eventHash(prev, row);
    if (!hash.equals(unb64(e.hash))) return 'broken';
    prev = hash;
  }
  return 'verified';
}
