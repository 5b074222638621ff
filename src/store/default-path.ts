import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS's per-user application data folder, where a vault lives unless told otherwise. */
export function defaultVaultPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Memvault', 'vault.db');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Memvault', 'vault.db');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'memvault', 'vault.db');
}

/**
 * Where Memvault keeps what must not live inside the vault file, such as the last verified
 * audit head (a rollback of the whole file must not be able to roll that back too):
 * `$MEMVAULT_STATE_DIR`, else the OS per-user config folder.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.MEMVAULT_STATE_DIR) return env.MEMVAULT_STATE_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Memvault', 'state');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Memvault', 'state');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'memvault');
}
