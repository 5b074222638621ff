// electron-builder's afterPack hook: flips the fuses of the packaged Electron binary with the
// configuration the unit tests pin (electron/fuses.ts, compiled to dist-electron/).
import { join } from 'node:path';
import { flipFuses } from '@electron/fuses';

export default async function afterPack(context) {
  const { FUSES } = await import(new URL('../dist-electron/electron/fuses.js', import.meta.url).href);
  const name = context.packager.appInfo.productFilename;
  const binary = {
    darwin: join(context.appOutDir, `${name}.app`),
    win32: join(context.appOutDir, `${name}.exe`),
    linux: join(context.appOutDir, context.packager.executableName),
  }[context.electronPlatformName];
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' });
}
