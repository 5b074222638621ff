/**
 * Memvault's page needs no camera, microphone, notifications, geolocation, clipboard-read,
 * USB, HID, serial or anything else a permission guards: every request, check and device
 * selection is refused.
 */
export const denyPermissionRequest = (_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void => callback(false);
export const denyPermissionCheck = (): boolean => false;
export const denyDevicePermission = (): boolean => false;
