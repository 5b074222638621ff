import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores here: more workers only make the Argon2 and embedding work contend.
    maxWorkers: 2,
    // Pinned audit heads of test vaults (and of the CLI processes tests start) stay out of the user's config folder.
    env: { MEMVAULT_STATE_DIR: join(tmpdir(), `memvault-test-state-${process.pid}`) },
  },
});
