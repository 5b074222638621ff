/**
 * Writes the backup test kit (run: npx tsx test/backup/kit/make-kit.ts): two good files and
 * named bad ones made from them, each listed in manifest.json with the reason it must fail
 * with. The files are committed; rerunning makes new random nonces, the same outcomes.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBackupFile } from '../../../src/backup/file.js';
import { BACKUP_KDF_FLOOR, PREFIX_BYTES, type BackupHeader } from '../../../src/backup/header.js';
import { passphraseStanza, recipientStanza } from '../../../src/backup/stanzas.js';
import { SEALED_CHUNK_BYTES, STREAM_HEADER_BYTES } from '../../../src/backup/stream.js';
import { loadSodium } from '../../../src/crypto/sodium.js';
import { kitKeys } from './keys.js';
import { kitRecords } from './records.js';

const DIR = import.meta.dirname;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
async function write(name: string, header: BackupHeader, signingKey = K.sender.signing.secretKey): Promise<Buffer> {
  const file = join(DIR, name);
  rmSync(file, { force: true });
  await writeBackupFile(file, header, K.fileKey, signingKey, (emit) => kitRecords().forEach(emit));
  return readFileSync(file);
}

/** Rewrites the header JSON in place of a file's (the MAC is left as it was). */
function withHeader(file: Buffer, edit: (header: BackupHeader) => BackupHeader): Buffer {
  const length = file.readUInt32BE(PREFIX_BYTES - 4);
  const json = Buffer.from(JSON.stringify(edit(JSON.parse(file.subarray(PREFIX_BYTES, PREFIX_BYTES + length).toString('utf8')) as BackupHeader)));
  const prefix = Buffer.from(file.subarray(0, PREFIX_BYTES));
  prefix.writeUInt32BE(json.length, PREFIX_BYTES - 4);
  return Buffer.concat([prefix, json, file.subarray(PREFIX_BYTES + length)]);
}

await loadSodium();
const K = kitKeys();
const sender = { name: 'kit-sender', boxKey: b64(K.sender.box.publicKey), signingKey: b64(K.sender.signing.publicKey), sequence: 1, previous: null };
const created = '2026-12-02T00:00:00.000Z';
const recipientHeader: BackupHeader = { created, scope: 'spaces', stanzas: [recipientStanza(K.fileKey, K.recipient.box.publicKey, K.recipientFingerprint)], sender };
const good = await write('good-recipient.mvb', recipientHeader);
const goodPass = await write('good-passphrase.mvb', { created, scope: 'vault', stanzas: [await passphraseStanza(K.fileKey, K.passphrase, BACKUP_KDF_FLOOR)], sender });
await write('bad-signature.mvb', recipientHeader, K.otherSigner.secretKey);

const headerLength = good.readUInt32BE(PREFIX_BYTES - 4);
const bodyStart = PREFIX_BYTES + headerLength + 32 + STREAM_HEADER_BYTES;
const chunk = (i: number) => good.subarray(bodyStart + i * SEALED_CHUNK_BYTES, bodyStart + (i + 1) * SEALED_CHUNK_BYTES);
const bad: Record<string, Buffer> = {
  'not-a-backup.mvb': Buffer.from('{"memories": []}\n'),
  'newer-version.mvb': Buffer.concat([good.subarray(0, 8), Buffer.from([2]), good.subarray(9)]),
  'truncated.mvb': good.subarray(0, good.length - 100),
  'missing-final.mvb': good.subarray(0, bodyStart + SEALED_CHUNK_BYTES),
  'appended-bytes.mvb': Buffer.concat([good, Buffer.from('extra')]),
  'swapped-chunks.mvb': Buffer.concat([good.subarray(0, bodyStart), chunk(1), chunk(0), good.subarray(bodyStart + 2 * SEALED_CHUNK_BYTES)]),
  'bad-header-mac.mvb': withHeader(good, (h) => ({ ...h, created: '2026-12-03T00:00:00.000Z' })),
  'lowered-kdf.mvb': withHeader(goodPass, (h) => ({ ...h, stanzas: h.stanzas.map((s) => (s.type === 'passphrase' ? { ...s, kdf: { ...s.kdf, memoryKiB: 8 * 1024 } } : s)) })),
  'huge-kdf.mvb': withHeader(goodPass, (h) => ({ ...h, stanzas: h.stanzas.map((s) => (s.type === 'passphrase' ? { ...s, kdf: { ...s.kdf, memoryKiB: 4 * 1024 * 1024 } } : s)) })),
  'duplicated-stanza.mvb': withHeader(good, (h) => ({ ...h, stanzas: [...h.stanzas, ...h.stanzas] })),
};
for (const [name, bytes] of Object.entries(bad)) writeFileSync(join(DIR, name), bytes);
console.log(`kit written to ${DIR}: ${Object.keys(bad).length + 3} files`);
