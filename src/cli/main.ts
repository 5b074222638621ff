import { CommanderError } from 'commander';
import { ERROR_CODES, type ErrorBody } from '../contract/errors.js';
import { VaultError } from '../vault/errors.js';
import { buildProgram } from './program.js';

const USAGE_EXIT = 2;

/** Runs the CLI and turns every outcome into an exit code from the one error table. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return USAGE_EXIT;
    }
    const error = err instanceof VaultError ? err : new VaultError('internal', 'internal error');
    const spec = ERROR_CODES[error.code];
    if (program.opts().json) {
      const body: ErrorBody = { code: error.code, message: error.message, ...error.extra };
      process.stderr.write(`${JSON.stringify({ error: body })}\n`);
    } else {
      const retry = error.extra.retryAfterSeconds ? ` (retry in ${error.extra.retryAfterSeconds} s)` : '';
      const existing = error.extra.details?.existingId ? ` (existing: ${error.extra.details.existingId})` : '';
      process.stderr.write(`memvault: ${error.message}${retry}${existing}\n`);
    }
    if (error.code === 'internal' && process.env.MEMVAULT_DEBUG === '1') console.error(err);
    return spec.exit;
  }
}
