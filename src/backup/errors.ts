import type { ErrorCode } from '../contract/errors.js';

/**
 * Why a backup file was refused, one name per failure (the bad-file kit in
 * test/backup/kit names the reason each file must give). The message says what to do.
 */
export const BACKUP_FAILURES = {
  not_a_backup: ['invalid_input', 'this file is not a Memvault backup'],
  newer_version: ['invalid_input', 'this backup was written by a newer Memvault; update Memvault to read it'],
  bad_header: ['integrity', 'the backup header is damaged or not in the expected form'],
  kdf_out_of_bounds: ['integrity', 'the backup asks for passphrase-hashing costs outside what Memvault accepts (a damaged or hostile file)'],
  duplicate_stanza: ['integrity', 'the backup names the same key twice (a damaged or hostile file)'],
  wrong_passphrase: ['auth_failed', 'the passphrase does not open this backup'],
  not_a_recipient: ['auth_failed', 'this backup was not made for this profile’s key'],
  no_passphrase: ['invalid_input', 'this backup is locked with a passphrase; give it (--passphrase-stdin)'],
  header_mac: ['integrity', 'the backup header was changed after it was written'],
  bad_chunk: ['integrity', 'a part of the backup was changed, reordered or replaced'],
  truncated: ['integrity', 'the backup is cut short, or its last part was changed'],
  missing_final: ['integrity', 'the backup ends without its final part (cut short or joined)'],
  trailing_data: ['integrity', 'the backup has data after its final part'],
  bad_body: ['integrity', 'the backup’s contents are damaged or not in the expected form'],
  bad_signature: ['integrity', 'the sender’s signature does not match this backup'],
  unknown_sender: ['forbidden', 'this team bundle comes from a key that is not one of your contacts; add it with memvault contact add'],
  sender_key_changed: ['conflict', 'the sender’s key is not the one you know for this contact; compare fingerprints before trusting it again'],
  rolled_back: ['conflict', 'this bundle is older than one already imported from the same sender (a rollback)'],
  unreadable: ['not_found', 'the backup file cannot be read'],
  unwritable: ['invalid_input', 'the backup cannot be written there: the folder must exist, be writable and have room'],
  cancelled: ['conflict', 'cancelled; nothing was written'],
  bad_key: ['invalid_input', 'that is not a Memvault public key'],
  replayed: ['conflict', 'this bundle from the same sender was imported already (a replay)'],
} as const satisfies Record<string, readonly [ErrorCode, string]>;

export type BackupFailure = keyof typeof BACKUP_FAILURES;

/** The vault turns this into its VaultError (same code, reason in the details) at its edge. */
export class BackupError extends Error {
  readonly code: ErrorCode;
  constructor(
    readonly reason: BackupFailure,
    detail?: string,
  ) {
    const [code, message] = BACKUP_FAILURES[reason];
    super(detail ? `${message} (${detail})` : message);
    this.name = 'BackupError';
    this.code = code;
  }
}
