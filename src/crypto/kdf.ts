import argon2 from 'argon2';
import { z } from 'zod';
import { randomBytes } from './random.js';

export interface KdfParams {
  algorithm: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  salt: string; // base64
}

/**
 * Parameters read back from the vault file are parsed, within bounds: a tampered file may not
 * ask for gigabytes of memory or hours of work (lowering them gains nothing: the wrapped key
 * would not open). The test preset's cost is the lowest accepted.
 */
const storedKdfSchema = z.strictObject({
  algorithm: z.literal('argon2id'),
  memoryKiB: z.number().int().min(8 * 1024).max(4 * 1024 * 1024),
  iterations: z.number().int().min(1).max(64),
  parallelism: z.number().int().min(1).max(64),
  salt: z.string().regex(/^[A-Za-z0-9+/]{22,}={0,2}$/),
});

/** The stored parameters, or null when they are not a KDF configuration this version accepts. */
export function readKdfParams(text: string): KdfParams | null {
  try {
    const parsed = storedKdfSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The floor from the architecture: never below m=64 MiB, t=3, p=4 outside tests. */
export const KDF_FLOOR = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 4 } as const;
const MAX_MEMORY_KiB = 1024 * 1024;
const TARGET_MS = 600;

/**
 * How a new profile's KDF cost is chosen. `calibrate` is the product default; the
 * `insecure-test-only` preset exists so test suites do not spend a second per profile.
 */
export type KdfPreset = 'calibrate' | 'insecure-test-only';

const TEST_COST = { memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 } as const;

export async function deriveKey(password: string, params: KdfParams): Promise<Uint8Array> {
  const raw = await argon2.hash(password, {
    type: argon2.argon2id,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    hashLength: 32,
    salt: Buffer.from(params.salt, 'base64'),
    raw: true,
  });
  const key = new Uint8Array(raw);
  raw.fill(0);
  return key;
}

/**
 * Picks parameters that take about TARGET_MS on this machine: one timed run at the floor,
 * then memory grows in powers of two (memory hardness is what slows GPUs), then iterations.
 */
export async function newKdfParams(preset: KdfPreset): Promise<KdfParams> {
  const salt = Buffer.from(randomBytes(16)).toString('base64');
  if (preset === 'insecure-test-only') return { algorithm: 'argon2id', ...TEST_COST, salt };
  const floor: KdfParams = { algorithm: 'argon2id', ...KDF_FLOOR, salt };
  const started = performance.now();
  (await deriveKey('calibration', floor)).fill(0);
  const elapsed = Math.max(1, performance.now() - started);
  let factor = TARGET_MS / elapsed;
  let memoryKiB: number = KDF_FLOOR.memoryKiB;
  while (factor >= 2 && memoryKiB * 2 <= MAX_MEMORY_KiB) {
    memoryKiB *= 2;
    factor /= 2;
  }
  const iterations = Math.max(KDF_FLOOR.iterations, Math.round(KDF_FLOOR.iterations * factor));
  return { algorithm: 'argon2id', memoryKiB, iterations, parallelism: KDF_FLOOR.parallelism, salt };
}
