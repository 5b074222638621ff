import type { Stats } from 'node:fs';

/** POSIX permissions only; Windows reports synthetic modes and is protected by the profile folder's ACL. */
const checksModes = process.platform !== 'win32';

/** Nobody but the owner can read, write or enter it. */
export function closedToOthers(st: Stats): boolean {
  return !checksModes || (st.mode & 0o077) === 0;
}

export function ownedByMe(st: Stats): boolean {
  return process.getuid === undefined || st.uid === process.getuid();
}
