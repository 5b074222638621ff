import { createHash, hkdfSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointMessage, eventHash } from '../../src/audit/chain.js';
import { agentSigner, certificateMessage } from '../../src/audit/signers.js';
import { DecryptionError, associatedData } from '../../src/crypto/aead.js';
import { parseAgentToken, tokenBoxKeyPair, tokenSigningKeyPair, tokenVerifier } from '../../src/crypto/agent-token.js';
import { profileSigningKeyPair, sign, verifySignature } from '../../src/crypto/keys.js';
import { loadSodium } from '../../src/crypto/sodium.js';
import { openRecord, packRecord } from '../../src/vault/records.js';
import { snapshotChunkAd } from '../../src/vault/index-snapshots.js';

/**
 * Named known-answer vectors for the formats in docs/formats.md. A change to any of these
 * bytes breaks every vault and token already written: these tests must only ever be added to.
 */
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** The 32 bytes 00 01 02 … 1f, as a token secret or a profile's X25519 secret. */
const SECRET = new Uint8Array(32).map((_, i) => i);
const TOKEN = 'mvat_00000000000000000000000000000000_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const HEAD = new Uint8Array(32).fill(0xab);

describe('known-answer vectors', () => {
  beforeAll(loadSodium);

  it('field-ad: associated data is length-prefixed parts', () => {
    expect(hex(associatedData('memvault-field-v1', 'v', 's', 'm', 'content', 1))).toBe(
      '000000116d656d7661756c742d6669656c642d763100000001760000000173000000016d00000007636f6e74656e740000000131',
    );
  });

  const RECORD_FIELDS = { content: 'Tom is a cat', context: '', tags: ['pets'], metadata: '{"a":1}', source: 'profile:o', embedding: new Float32Array([1, -0.5]) };
  /** Sealed with key 00…1f and nonce 24…24 at vault v, space s, memory m, version 1. */
  const SEALED_RECORD =
    '242424242424242424242424242424242424242424242424abc5587691aded5b74429248037486a6bf9a2adde70982a9b28e668631ba97561dfb30a81855867b96042ab397f62f2ac471b1a53d0bcd8e7d8aadcc84e3b25c7a201b7ea1e0773a01b5f01a256873e3';
  const recordColumns = (hexText: string) => ({ record: Buffer.from(hexText, 'hex'), content: null, tags: null, metadata: null, source: null, embedding: null });

  it('record-plaintext: length-prefixed embedding, content, tags, metadata, source', () => {
    expect(hex(packRecord(RECORD_FIELDS))).toBe(
      '000000080000803f000000bf0000000c546f6d206973206120636174000000085b2270657473225d000000077b2261223a317d0000000970726f66696c653a6f',
    );
  });

  it('record-plaintext-context: a context, when there is one, follows the source the same way', () => {
    expect(hex(packRecord({ ...RECORD_FIELDS, context: 'at home' }))).toBe(
      '000000080000803f000000bf0000000c546f6d206973206120636174000000085b2270657473225d000000077b2261223a317d0000000970726f66696c653a6f00000007617420686f6d65',
    );
  });

  it('record-ad: the record is bound to vault, space, memory and version', () => {
    expect(hex(associatedData('memvault-record-v2', 'v', 's', 'm', 1))).toBe('000000126d656d7661756c742d7265636f72642d763200000001760000000173000000016d0000000131');
  });

  it('record-open: a pinned sealed record opens to its fields, and not at another place', () => {
    expect(openRecord(SECRET, { vaultId: 'v', spaceId: 's', memoryId: 'm', version: 1 }, recordColumns(SEALED_RECORD))).toEqual(RECORD_FIELDS);
    expect(() => openRecord(SECRET, { vaultId: 'v', spaceId: 's', memoryId: 'm', version: 2 }, recordColumns(SEALED_RECORD))).toThrow(DecryptionError);
  });

  it('snapshot-chunk-ad: each chunk of an index snapshot is bound to vault, space, snapshot, what its head claims, and its place', () => {
    const head = { spaceId: 's', snapshotId: new Uint8Array(16).map((_, i) => i), changeSeq: 7, keyEpoch: 0, model: 'm', vectors: 2, bytes: 79, chunks: 1 };
    expect(hex(snapshotChunkAd('v', head, 0))).toBe(
      '0000001a6d656d7661756c742f696e6465782d736e617073686f742f76310000000176000000017300000020303030313032303330343035303630373038303930613062306330643065306600000001370000000130000000016d000000013200000002373900000001310000000130',
    );
  });

  it('event-hash: SHA-256 of the previous hash and the JSON array of the row', () => {
    const row = { seq: 1, ts: 1700000000000, actor_type: 'profile', actor_id: 'olivia', action: 'createVault', targets: '["v"]', outcome: 'ok', details: '{}' };
    const expected = '9fac3e54a9eccc0fb4f42f01a46e5703789e2501ecf05328beca84ce0d494112';
    expect(eventHash(new Uint8Array(32), row).toString('hex')).toBe(expected);
    // The same, written out independently of the implementation.
    const independent = createHash('sha256').update(new Uint8Array(32)).update('[1,1700000000000,"profile","olivia","createVault","[\\"v\\"]","ok","{}"]').digest('hex');
    expect(independent).toBe(expected);
  });

  it('checkpoint-v1: the vault key signs the message of release 0.1.0', () => {
    expect(Buffer.from(checkpointMessage('vault-1', 'vault', 7, HEAD)).toString('latin1')).toBe(`memvault-audit-checkpoint:vault-1:7:${Buffer.from(HEAD).toString('latin1')}`);
  });

  it('checkpoint-v2: every other signer is named in the message', () => {
    expect(Buffer.from(checkpointMessage('vault-1', 'profile:p1', 7, HEAD)).toString('latin1')).toBe(
      `memvault-audit-checkpoint-v2:vault-1:profile:p1:7:${Buffer.from(HEAD).toString('latin1')}`,
    );
  });

  it('token-derived keys: verifier, X25519 and Ed25519 public keys, signer id', () => {
    const parsed = parseAgentToken(TOKEN)!;
    expect(hex(parsed.secret)).toBe(hex(SECRET));
    expect(hex(parsed.idHash)).toBe('b48eaa6198080861a12c28f2b95bc21864620d034e022d351c4621202ee28c2b');
    expect(hex(tokenVerifier(SECRET))).toBe(hex(new Uint8Array(hkdfSync('sha256', SECRET, 'memvault-agent-token-v1', 'verifier', 32))));
    expect(hex(tokenVerifier(SECRET))).toBe('cab4ecc7d6a25b769fe30a42e64b5024a873af707850ab9f703b706de92af75b');
    expect(hex(tokenBoxKeyPair(SECRET).publicKey)).toBe('c14f363965cae1e4031d6a77306dc5dba4796d046982f7be8a8f38b0d457dc5f');
    const signing = tokenSigningKeyPair(SECRET);
    expect(hex(signing.publicKey)).toBe('c325206354b2d7c5d4943faa7445827ea48c57b86076d3628d748e8d81b0bbbd');
    expect(agentSigner('a1', signing.publicKey)).toBe('agent:a1:c325206354b2d7c5');
  });

  it('profile-signing-key: derived from the profile X25519 secret', () => {
    expect(hex(profileSigningKeyPair(SECRET).publicKey)).toBe('3466c0888ea146db030c33242e85b385b474c5f180d60d284869f80ff81d2601');
  });

  it('signer-certificate: message and Ed25519 signature (deterministic)', () => {
    const signing = tokenSigningKeyPair(SECRET);
    const message = certificateMessage('vault-1', 'profile:p1', signing.publicKey);
    expect(hex(message)).toBe(
      '000000186d656d7661756c742d61756469742d7369676e65722d7631000000077661756c742d310000000a70726f66696c653a7031c325206354b2d7c5d4943faa7445827ea48c57b86076d3628d748e8d81b0bbbd',
    );
    const signature = sign(signing.secretKey, message);
    expect(hex(signature)).toBe('40ba571c54aa3c95919121aca1746cc5fc4bafffd1cec04b8696918fcc8ed2e5f6cef717692cf22d9e4b1229fc83ca8eb83cceeb0ef49ef06ce7eee09eb7c404');
    expect(verifySignature(signing.publicKey, message, signature)).toBe(true);
  });
});
