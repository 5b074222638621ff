/**
 * Schema versions, applied in order inside one transaction each; `PRAGMA user_version`
 * records the last applied. Append new entries; never edit a released one.
 * Only ids, times, versions, roles, names of spaces and profiles, and ciphertext live here.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY NOT NULL) STRICT;

  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('owner','admin','editor','auditor','viewer')),
    kdf TEXT NOT NULL,
    public_key BLOB NOT NULL,
    wrapped_secret BLOB NOT NULL,
    recovery_wrapped BLOB,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    last_failed_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX one_owner ON profiles(role) WHERE role = 'owner';

  CREATE TABLE spaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT;

  -- A key (space key or the vault signing key) sealed to one profile's public key.
  CREATE TABLE sealed_keys (
    key_ref TEXT NOT NULL,
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    sealed BLOB NOT NULL,
    PRIMARY KEY (key_ref, profile_id)
  ) STRICT;

  CREATE TABLE memories (
    id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    change_seq INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX memories_change ON memories(change_seq);

  CREATE TABLE memory_versions (
    memory_id TEXT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active','archived','deleted')),
    importance REAL NOT NULL,
    valid_from INTEGER,
    valid_until INTEGER,
    changed_at INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    change TEXT NOT NULL,
    embed_model TEXT,
    content BLOB NOT NULL,
    tags BLOB NOT NULL,
    metadata BLOB NOT NULL,
    source BLOB NOT NULL,
    embedding BLOB,
    PRIMARY KEY (memory_id, version)
  ) STRICT;

  -- Ids (never content) of purged memories, so other sessions drop them from their index.
  CREATE TABLE purges (memory_id TEXT PRIMARY KEY, change_seq INTEGER NOT NULL) STRICT;
  CREATE INDEX purges_change ON purges(change_seq);

  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    targets TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok','denied','failed')),
    details TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
  ) STRICT;

  -- Signed chain heads. Permanent ones stay; the single non-permanent row is the latest head.
  CREATE TABLE audit_checkpoints (
    seq INTEGER PRIMARY KEY,
    hash BLOB NOT NULL,
    ts INTEGER NOT NULL,
    signature BLOB NOT NULL,
    permanent INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- Agent credentials. Only a hash of the token's identifier and a verifier derived from its
  -- secret are kept; the token itself is shown once.
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    id_hash BLOB NOT NULL UNIQUE,
    verifier BLOB NOT NULL,
    grants TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active','paused','revoked')),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    requests_per_minute INTEGER NOT NULL,
    daily_writes INTEGER NOT NULL,
    require_signing INTEGER NOT NULL
  ) STRICT;

  -- A space key wrapped under a key derived from the agent token's secret.
  CREATE TABLE agent_keys (
    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    wrapped BLOB NOT NULL,
    PRIMARY KEY (agent_id, space_id)
  ) STRICT;

  -- Writes per agent per UTC day, for the daily quota.
  CREATE TABLE agent_usage (
    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    writes INTEGER NOT NULL,
    PRIMARY KEY (agent_id, day)
  ) STRICT;
  `,
  `
  -- Space keys have epochs: revoking access rotates a space's key, new writes use the new
  -- epoch at once, and every version names the epoch it is sealed under until it is re-keyed.
  ALTER TABLE spaces ADD COLUMN key_epoch INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE memory_versions ADD COLUMN key_epoch INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX versions_epoch ON memory_versions(key_epoch);

  CREATE TABLE sealed_keys_v3 (
    key_ref TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    sealed BLOB NOT NULL,
    PRIMARY KEY (key_ref, epoch, profile_id)
  ) STRICT;
  INSERT INTO sealed_keys_v3 (key_ref, epoch, profile_id, sealed) SELECT key_ref, 0, profile_id, sealed FROM sealed_keys;
  DROP TABLE sealed_keys;
  ALTER TABLE sealed_keys_v3 RENAME TO sealed_keys;

  -- An agent's X25519 public key (its secret half is derived from the token's secret), so a
  -- space key can be sealed to an agent without its token. NULL: an agent of release 0.1.0,
  -- converted at its next request.
  ALTER TABLE agents ADD COLUMN box_public_key BLOB;
  CREATE TABLE agent_sealed_keys (
    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    epoch INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (agent_id, space_id, epoch)
  ) STRICT;

  -- Keys that sign audit checkpoints: the vault key, each profile's and each agent token's own.
  -- A row is never deleted, so checkpoints of removed profiles and revoked agents still verify.
  -- certificate: the certifier's Ed25519 signature over the signer's id and public key.
  CREATE TABLE audit_signers (
    id TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    certified_by TEXT,
    certificate BLOB,
    created_at INTEGER NOT NULL
  ) STRICT;
  ALTER TABLE audit_checkpoints ADD COLUMN signer TEXT NOT NULL DEFAULT 'vault';

  -- Nonces of signed requests, kept for the replay window so a restart does not forget them.
  CREATE TABLE request_nonces (
    agent_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (agent_id, nonce)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX request_nonces_expiry ON request_nonces(agent_id, expires_at);

  INSERT OR IGNORE INTO meta (key, value) VALUES ('key_seq', 0);
  `,
  `
  -- Release 0.1.0 did not sign the actions of editors and agents: those written before this
  -- upgrade may stay unsigned until the next owner or admin signs. Every later action is signed
  -- in its own transaction, and one without a signature is reported as written outside Memvault.
  INSERT OR IGNORE INTO meta (key, value) SELECT 'legacy_unsigned_through', coalesce(max(seq), 0) FROM audit_events;
  `,
  `
  -- A version is sealed as one record (one AEAD call instead of five). The per-field columns
  -- stay for versions written before this upgrade; rekeySpaces re-seals them as records, and
  -- exactly one of the two shapes is present in every row.
  CREATE TABLE memory_versions_v5 (
    memory_id TEXT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active','archived','deleted')),
    importance REAL NOT NULL,
    valid_from INTEGER,
    valid_until INTEGER,
    changed_at INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    change TEXT NOT NULL,
    embed_model TEXT,
    key_epoch INTEGER NOT NULL DEFAULT 0,
    record BLOB,
    content BLOB,
    tags BLOB,
    metadata BLOB,
    source BLOB,
    embedding BLOB,
    PRIMARY KEY (memory_id, version),
    CHECK (CASE WHEN record IS NULL
             THEN content IS NOT NULL AND tags IS NOT NULL AND metadata IS NOT NULL AND source IS NOT NULL
             ELSE content IS NULL AND tags IS NULL AND metadata IS NULL AND source IS NULL AND embedding IS NULL END)
  ) STRICT;
  INSERT INTO memory_versions_v5 (memory_id, version, kind, state, importance, valid_from, valid_until, changed_at, changed_by,
      change, embed_model, key_epoch, content, tags, metadata, source, embedding)
    SELECT memory_id, version, kind, state, importance, valid_from, valid_until, changed_at, changed_by,
      change, embed_model, key_epoch, content, tags, metadata, source, embedding FROM memory_versions;
  DROP TABLE memory_versions;
  ALTER TABLE memory_versions_v5 RENAME TO memory_versions;
  CREATE INDEX versions_epoch ON memory_versions(key_epoch);
  CREATE INDEX versions_per_field ON memory_versions(memory_id) WHERE record IS NULL;
  `,
  `
  -- Teammates whose bundles may be imported: their public keys (not secret), whether someone
  -- compared the fingerprint out of band, and the newest bundle seen from each (rollback check).
  CREATE TABLE contacts (
    name TEXT PRIMARY KEY,
    box_key BLOB NOT NULL,
    signing_key BLOB NOT NULL UNIQUE,
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    last_sequence INTEGER NOT NULL DEFAULT 0,
    last_bundle TEXT,
    added_at INTEGER NOT NULL
  ) STRICT;
  -- Each profile's own bundle sequence: the next bundle carries sequence + 1 and names this one.
  CREATE TABLE backups_sent (
    profile_id TEXT PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
    sequence INTEGER NOT NULL,
    last_bundle TEXT NOT NULL
  ) STRICT;
  `,

  `
  -- A sealed image of one space's plaintext index (rows, keyword index, vectors), so an unlock
  -- restores the space instead of opening every memory again. It is a cache: sealed with the
  -- space's current key, dropped when a memory is purged or the key rotates, and ignored when
  -- it does not open (the space then loads from its memories).
  CREATE TABLE index_snapshots (
    space_id TEXT PRIMARY KEY REFERENCES spaces(id) ON DELETE CASCADE,
    snapshot_id BLOB NOT NULL,
    change_seq INTEGER NOT NULL,
    key_epoch INTEGER NOT NULL,
    model TEXT NOT NULL,
    vectors INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    written_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE index_snapshot_chunks (
    space_id TEXT NOT NULL REFERENCES index_snapshots(space_id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (space_id, n)
  ) STRICT;
  `,
];
