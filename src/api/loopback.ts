import { VaultError } from '../vault/index.js';

/** The only addresses the API listens on (ARCHITECTURE.md, "Loopback API for agents"). */
export const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1'] as const;
export type LoopbackAddress = (typeof LOOPBACK_ADDRESSES)[number];

/** A fixed port, so agent configurations written once keep working; `0` picks a free one. */
export const DEFAULT_PORT = 7437;

export function loopbackAddress(host: string): LoopbackAddress {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const found = LOOPBACK_ADDRESSES.find((a) => a === bare);
  if (!found)
    throw new VaultError('invalid_input', `refusing to listen on ${JSON.stringify(host.slice(0, 64))}: the Memvault API listens only on 127.0.0.1 or ::1`);
  return found;
}

export function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VaultError('invalid_input', 'port must be a whole number from 0 to 65535');
  return port;
}

/** Host header values that name this server: its address or `localhost`, always with its port. */
export function allowedHosts(address: LoopbackAddress, port: number): Set<string> {
  const literal = address === '::1' ? '[::1]' : address;
  return new Set([`${literal}:${port}`, `localhost:${port}`]);
}

/** The app's own pages (the browser host) are served from these origins; no other origin is let in. */
export function allowedOrigins(address: LoopbackAddress, port: number): Set<string> {
  return new Set([...allowedHosts(address, port)].map((h) => `http://${h}`));
}
