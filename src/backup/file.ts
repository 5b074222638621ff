import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import { sign, verifySignature } from '../crypto/keys.js';
import { zeroize } from '../crypto/zeroize.js';
import { bodyRecordSchema, type BodyRecord, type ContentsRecord, type EndRecord } from './body.js';
import { BackupError } from './errors.js';
import { encodeHeader, fileSubkey, headerMac, MAC_BYTES, MAX_HEADER_BYTES, parseHeader, PREFIX_BYTES, type BackupHeader, type ParsedHeader } from './header.js';
import { unwrapFileKey, type BackupKey } from './stanzas.js';
import { BodyWriter, CHUNK_BYTES, openBody, SEALED_CHUNK_BYTES } from './stream.js';

const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** What the signature covers: the header with its MAC, and the SHA-256 of every body line before the signature. */
function signatureMessage(headerWithMac: Uint8Array, bodyDigest: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from('memvault-backup-v1 signature\0'), createHash('sha256').update(headerWithMac).digest(), bodyDigest]);
}

/** A bundle's id: what the sender's next bundle names as `previous`, and what an importer remembers per sender. */
function bundleId(headerWithMac: Uint8Array, bodyDigest: Uint8Array): string {
  return createHash('sha256').update(headerWithMac).update(bodyDigest).digest('hex');
}

export interface WrittenBackup {
  bytes: number;
  bundleId: string;
}

/**
 * Writes a backup to `path` through a temporary file beside it, fsynced and renamed into place,
 * so a crash or a cancel never leaves a half-written backup under the name the user chose.
 * `produce` emits the body's records; the signature record is added here.
 */
export async function writeBackupFile(
  path: string,
  header: BackupHeader,
  fileKey: Uint8Array,
  signingSecretKey: Uint8Array,
  produce: (emit: (record: BodyRecord) => void) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<WrittenBackup> {
  const temp = join(dirname(path), `.${basename(path)}.${nodeRandomBytes(6).toString('hex')}.partial`);
  const fd = onDisk(() => openSync(temp, 'wx', 0o600));
  let bytes = 0;
  const out = (chunk: Uint8Array) => {
    onDisk(() => writeSync(fd, chunk));
    bytes += chunk.length;
  };
  try {
    const prefix = encodeHeader(header);
    const headerWithMac = Buffer.concat([prefix, headerMac(fileKey, prefix)]);
    out(headerWithMac);
    const payloadKey = fileSubkey(fileKey, 'payload');
    const body = new BodyWriter(out, payloadKey, headerWithMac.subarray(prefix.length));
    zeroize(payloadKey);
    const digest = createHash('sha256');
    const line = (record: BodyRecord) => Buffer.from(`${JSON.stringify(record)}\n`);
    await produce((record) => {
      if (signal?.aborted) throw new BackupError('cancelled');
      const bytesOf = line(record);
      digest.update(bytesOf);
      body.write(bytesOf);
    });
    if (signal?.aborted) throw new BackupError('cancelled');
    const bodyDigest = digest.digest();
    body.write(line({ t: 'signature', signature: Buffer.from(sign(signingSecretKey, signatureMessage(headerWithMac, bodyDigest))).toString('base64') }));
    body.end();
    onDisk(() => {
      fsyncSync(fd);
      closeSync(fd);
      renameSync(temp, path);
    });
    return { bytes, bundleId: bundleId(headerWithMac, bodyDigest) };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // closed already, after the fsync
    }
    rmSync(temp, { force: true });
    throw err;
  }
}

/** A file system failure while writing (no such folder, no permission, a full disk), named by its code only. */
function onDisk<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E')) throw new BackupError('unwritable', code);
    throw err;
  }
}

/** Reads a file by byte ranges, for the header and the body's chunks. */
function fileReader(path: string): { read: (offset: number, length: number) => Uint8Array; size: number; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new BackupError('unreadable', (err as NodeJS.ErrnoException).code ?? 'cannot open');
  }
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      if (buf.length > 0) readSync(fd, buf, 0, buf.length, offset);
      return buf;
    },
    close: () => closeSync(fd),
  };
}

export interface InspectedBackup extends ParsedHeader {
  size: number;
}

/** The header only, without any key: what `backup inspect` shows. */
export function inspectBackupFile(path: string): InspectedBackup {
  const file = fileReader(path);
  try {
    return { ...parseHeader(file.read(0, PREFIX_BYTES + MAX_HEADER_BYTES + MAC_BYTES)), size: file.size };
  } finally {
    file.close();
  }
}

export interface OpenedBackup {
  header: BackupHeader;
  contents: ContentsRecord;
  /** The memory and audit records, in file order. */
  records: BodyRecord[];
  end: EndRecord;
  bundleId: string;
  size: number;
}

/**
 * Opens and verifies a whole backup before anything uses it: the file key from a stanza, the
 * header MAC, every chunk and FINAL at end of file, every record's shape, the manifest's
 * counts, and the sender's signature. Any failure is one BackupError naming its reason.
 */
export async function openBackupFile(path: string, key: BackupKey, onProgress?: (done: number, total: number) => void): Promise<OpenedBackup> {
  const file = fileReader(path);
  try {
    const parsed = parseHeader(file.read(0, PREFIX_BYTES + MAX_HEADER_BYTES + MAC_BYTES));
    const fileKey = await unwrapFileKey(parsed.header.stanzas, key);
    let payloadKey: Uint8Array;
    try {
      const expected = headerMac(fileKey, parsed.macInput);
      if (!timingSafeEqual(expected, parsed.mac)) throw new BackupError('header_mac');
      payloadKey = fileSubkey(fileKey, 'payload');
    } finally {
      zeroize(fileKey);
    }
    const headerWithMac = Buffer.concat([parsed.macInput, parsed.mac]);
    const digest = createHash('sha256');
    const lines: Buffer[] = [];
    let carry = Buffer.alloc(0);
    let consumed = parsed.bodyOffset;
    try {
      for (const plain of openBody(file.read, parsed.bodyOffset, payloadKey, parsed.mac)) {
        carry = carry.length ? Buffer.concat([carry, plain]) : Buffer.from(plain);
        // No record comes near this; a longer line is a hostile file making every chunk re-copy it.
        if (carry.length > MAX_LINE_BYTES) throw new BackupError('bad_body', 'a line is longer than any record');
        let nl: number;
        while ((nl = carry.indexOf(0x0a)) >= 0) {
          lines.push(carry.subarray(0, nl + 1));
          carry = carry.subarray(nl + 1);
        }
        consumed += plain.length + SEALED_CHUNK_BYTES - CHUNK_BYTES;
        onProgress?.(Math.min(file.size, consumed), file.size);
      }
    } finally {
      zeroize(payloadKey);
    }
    if (carry.length > 0) throw new BackupError('bad_body', 'the last line is not complete');
    const records = lines.map((l, i) => parseRecord(l, i + 1));
    const signature = records.pop();
    if (signature?.t !== 'signature') throw new BackupError('bad_body', 'no signature at the end');
    for (const l of lines.slice(0, -1)) digest.update(l);
    const bodyDigest = digest.digest();
    const senderKey = new Uint8Array(Buffer.from(parsed.header.sender.signingKey, 'base64'));
    if (!verifySignature(senderKey, signatureMessage(headerWithMac, bodyDigest), new Uint8Array(Buffer.from(signature.signature, 'base64')))) throw new BackupError('bad_signature');
    const contents = records.shift();
    const end = records.pop();
    if (contents?.t !== 'contents' || end?.t !== 'end') throw new BackupError('bad_body', 'contents or manifest missing');
    checkManifest(contents, records, end);
    return { header: parsed.header, contents, records, end, bundleId: bundleId(headerWithMac, bodyDigest), size: file.size };
  } finally {
    file.close();
  }
}

function parseRecord(line: Buffer, n: number): BodyRecord {
  let json: unknown;
  try {
    json = JSON.parse(line.toString('utf8'));
  } catch {
    throw new BackupError('bad_body', `line ${n} is not JSON`);
  }
  const parsed = bodyRecordSchema.safeParse(json);
  if (!parsed.success) throw new BackupError('bad_body', `line ${n}: ${parsed.error.issues[0]?.path.join('.') || 'shape'}`);
  return parsed.data;
}

/** The signed counts must be what the file holds, and nothing but memories and audit events may sit between them. */
function checkManifest(contents: ContentsRecord, records: BodyRecord[], end: EndRecord): void {
  let memories = 0;
  let versions = 0;
  let audit = 0;
  const ids = new Set<string>();
  for (const r of records) {
    if (r.t === 'memory') {
      if (ids.has(r.id)) throw new BackupError('bad_body', `memory ${r.id} appears twice`);
      ids.add(r.id);
      if (!contents.spaces.includes(r.space)) throw new BackupError('bad_body', `memory ${r.id} is in a space the contents do not list`);
      r.versions.forEach((v, i) => {
        if (v.version !== i + 1) throw new BackupError('bad_body', `memory ${r.id}'s versions are not 1..n`);
      });
      memories++;
      versions += r.versions.length;
    } else if (r.t === 'audit') audit++;
    else throw new BackupError('bad_body', `a ${r.t} record in the middle`);
  }
  if (memories !== end.memories || versions !== end.versions || audit !== end.auditEvents || contents.spaces.length !== end.spaces) {
    throw new BackupError('bad_body', 'the manifest’s counts do not match the contents');
  }
}
