import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackupError } from '../../src/backup/errors.js';
import { openBackupFile } from '../../src/backup/file.js';
import { encodeHeader, fileSubkey, headerMac, type BackupHeader } from '../../src/backup/header.js';
import { encodePublicKey, fingerprintDigits, fingerprintHex, fingerprintWords, parsePublicKey } from '../../src/backup/identity.js';
import { loadSodium } from '../../src/crypto/sodium.js';
import { kitKeys } from './kit/keys.js';
import { kitRecords } from './kit/records.js';

const KIT = join(import.meta.dirname, 'kit');
const manifest = JSON.parse(readFileSync(join(KIT, 'manifest.json'), 'utf8')) as { files: { file: string; key: 'recipient' | 'passphrase'; expect: string }[] };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

beforeAll(() => loadSodium());

const open = (file: string, key: 'recipient' | 'passphrase') => {
  const k = kitKeys();
  return openBackupFile(join(KIT, file), key === 'passphrase' ? { passphrase: k.passphrase } : { keyPair: k.recipient.box, fingerprint: k.recipientFingerprint });
};

describe('the backup test kit (named files, expected outcomes)', () => {
  for (const entry of manifest.files) {
    it(`${entry.file}: ${entry.expect}`, async () => {
      if (entry.expect === 'ok') {
        const opened = await open(entry.file, entry.key);
        expect([opened.contents, ...opened.records, opened.end]).toEqual(kitRecords());
        expect(opened.header.sender.name).toBe('kit-sender');
        return;
      }
      const err = await open(entry.file, entry.key).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect((err as BackupError).reason).toBe(entry.expect);
    });
  }
});

describe('known-answer vectors (fixed keys and inputs, exact bytes)', () => {
  const header: BackupHeader = {
    created: '2026-12-02T00:00:00.000Z',
    scope: 'spaces',
    stanzas: [{ type: 'x25519', recipient: 'ab'.repeat(32), ephemeral: Buffer.alloc(32, 9).toString('base64'), wrapped: Buffer.alloc(72, 8).toString('base64') }],
    sender: { name: 'kat', boxKey: Buffer.alloc(32, 1).toString('base64'), signingKey: Buffer.alloc(32, 2).toString('base64'), sequence: 1, previous: null },
  };

  it('header bytes: magic, version, length, JSON', () => {
    const bytes = encodeHeader(header);
    expect(hex(bytes.subarray(0, 13))).toBe('4d564241434b5550' + '01' + '000001f5');
    expect(hex(new Uint8Array(Buffer.from(bytes.subarray(13))))).toBe(Buffer.from(JSON.stringify(header)).toString('hex'));
  });

  it('file-key subkeys and the header MAC', () => {
    const fileKey = new Uint8Array(32).fill(4);
    expect(hex(fileSubkey(fileKey, 'header-mac'))).toBe('d5f6bc603e0013d248c9392efda94f468f6b84e20b2621c35fa0686221f8f06b');
    expect(hex(fileSubkey(fileKey, 'payload'))).toBe('e8abbfab0ab3527a85a593edec50b5215cf30bd6686d18eb225bb13777853991');
    expect(hex(headerMac(fileKey, encodeHeader(header)))).toBe('6f6fcf48f001dd0765de27564ad6e59a09c5df02ee08bcbadb0e4fba136de920');
  });

  it('a public identity: key text, fingerprint, six words, sixty digits', () => {
    const { recipient } = kitKeys();
    const id = { boxKey: recipient.box.publicKey, signingKey: recipient.signing.publicKey };
    const text = encodePublicKey(id);
    expect(text).toBe('mvpk1:GxtY3VDqFLYNoXt5DNAnVNlwybq4ZOuzwPMBb-UdP1duehzdKbC3j9E69MVZj-_07yqXFm48pvLk-_zNgFBb8Y_N878');
    expect(fingerprintHex(id)).toBe('155630b8bb6610ef2d6d9e72d245bd0b836d444698d7257b1565a561ec675cc6');
    expect(fingerprintWords(id)).toEqual(['best', 'ranch', 'comfort', 'item', 'genre', 'jealous']);
    expect(fingerprintDigits(id)).toEqual(['03154', '52938', '01842', '16590', '48135', '04074', '98428', '98211', '86756', '47466', '14552', '24006']);
    expect(parsePublicKey(text)).toEqual(id);
    const slip = text.slice(0, 20) + (text[20] === 'A' ? 'B' : 'A') + text.slice(21);
    expect(() => parsePublicKey(slip)).toThrow(expect.objectContaining({ reason: 'bad_key' }));
  });
});
