import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS's per-user application data folder, where a vault lives unless told otherwise. */
export function defaultVaultPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Memvault', 'vault.db');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Memvault', 'vault.db');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'memvault', 'vault.db');
}
