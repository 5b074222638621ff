import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** What the app remembers between runs, in a small file beside the vault (nothing secret). */
const settingsSchema = z.strictObject({
  idleLockMs: z.number().int().min(60_000).max(15 * 60_000),
});
export type AppSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = { idleLockMs: 5 * 60_000 };

/** A missing or unreadable file gives the defaults: a bad settings file never keeps the vault shut. */
export function readAppSettings(path: string): AppSettings {
  if (!existsSync(path)) return DEFAULT_APP_SETTINGS;
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_APP_SETTINGS;
  } catch {
    return DEFAULT_APP_SETTINGS;
  }
}

export function writeAppSettings(path: string, settings: AppSettings): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settingsSchema.parse(settings))}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
