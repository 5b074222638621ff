import { CommanderError } from 'commander';
import { ERROR_CODES } from '../contract/errors.js';
import { toErrorBody } from '../vault/index.js';
import { buildProgram } from './program.js';
import { PromptCancelled } from './secrets.js';

const USAGE_EXIT = 2;
/** What a shell expects of a command ended by Ctrl+C. */
const CANCELLED_EXIT = 130;

/** Runs the CLI and turns every outcome into an exit code from the one error table. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof PromptCancelled) {
      process.stderr.write('memvault: cancelled\n');
      return CANCELLED_EXIT;
    }
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return USAGE_EXIT;
    }
    const body = toErrorBody(err);
    if (program.opts().json) {
      process.stderr.write(`${JSON.stringify({ error: body })}\n`);
    } else {
      const retry = body.retryAfterSeconds ? ` (retry in ${body.retryAfterSeconds} s)` : '';
      const existing = body.details?.existingId ? ` (existing: ${body.details.existingId})` : '';
      process.stderr.write(`memvault: ${body.message}${retry}${existing}\n`);
    }
    if (body.code === 'internal' && process.env.MEMVAULT_DEBUG === '1') console.error(err);
    return ERROR_CODES[body.code].exit;
  }
}
