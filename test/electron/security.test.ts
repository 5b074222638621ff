import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { FUSES } from '../../electron/fuses.js';
import { denyWindowOpen, mayNavigate } from '../../electron/security/navigation.js';
import { denyDevicePermission, denyPermissionCheck, denyPermissionRequest } from '../../electron/security/permissions.js';
import { systemLockEvents, systemLocks } from '../../electron/auto-lock.js';

describe('the desktop window follows the Electron security checklist', () => {
  it('the fuses are exactly these, with file:// extra privileges off', () => {
    expect(FUSES).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    });
  });

  it('navigation stays inside app://memvault', () => {
    expect(mayNavigate('app://memvault/')).toBe(true);
    expect(mayNavigate('app://memvault/#/audit?outcome=denied')).toBe(true);
    for (const url of ['https://example.com/', 'app://other/', 'file:///etc/passwd', 'app://memvault.evil/', 'javascript:alert(1)', 'not a url'])
      expect(mayNavigate(url), url).toBe(false);
  });

  it('new windows are always denied', () => {
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });

  it('every permission request, check and device selection is refused', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) denyPermissionRequest(null, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(denyPermissionCheck()).toBe(false);
    expect(denyDevicePermission()).toBe(false);
  });

  it('system lock events per platform: Linux has no screen-lock signal here, and says so', () => {
    expect(systemLockEvents('darwin')).toEqual(['suspend', 'lock-screen']);
    expect(systemLockEvents('win32')).toEqual(['suspend', 'lock-screen']);
    expect(systemLockEvents('linux')).toEqual(['suspend']);
    expect(systemLockEvents('aix')).toEqual([]);
    expect(systemLocks('linux', true)).toEqual(['suspend', 'lock-screen']);
    expect(systemLocks('linux', false)).toEqual(['suspend']);
    expect(systemLocks('darwin', false)).toEqual(['suspend', 'lock-screen']);
  });
});
