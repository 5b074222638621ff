import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/**
 * Fuses flipped in the packaged binary (build/after-pack.mjs). GrantFileProtocolExtraPrivileges
 * is OFF: the app is served from app://, never file://, so file: needs no extra powers (the
 * library's README example turns it on; it is not copied). @electron/fuses 1.8.0 is the last
 * release for Node 20; it does not know Electron 45's newest fuse (WasmTrapHandlers), so the
 * fuses are set without `strictlyRequireAllFuses`.
 */
export const FUSES: FuseV1Config = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
};
