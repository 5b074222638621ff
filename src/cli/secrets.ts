import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { passwordSchema } from '../contract/vault.js';
import { VaultError } from '../vault/index.js';

/** Ctrl+C at a prompt: the command unwinds (locking and closing what it opened), then exits 130. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PromptCancelled';
  }
}

/** bin/memvault.js turns echo off at start for commands that may prompt; a secret found elsewhere gives the terminal back. */
function terminalBack(): void {
  if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
}

/** Tries at a new password before the command gives up: a slip (too short, the two differ) is asked again. */
const NEW_PASSWORD_TRIES = 3;

/**
 * Where a password comes from, in order: `--password-stdin` (one per line, so a command that
 * needs a new password reads it from the next line), the environment, then a hidden prompt.
 * Never from a command-line argument, which other users can see in the process list.
 */
export class SecretSource {
  private stdinLines: Promise<string[]> | undefined;
  private stdinUsed = 0;
  /** Asked once per name: `profile passwd` needs the current password that unlocked the vault. */
  private readonly given = new Map<string, string>();

  constructor(private readonly fromStdin: boolean) {}

  async password(envName: string, prompt: string): Promise<string> {
    const known = this.given.get(envName);
    if (known !== undefined) return known;
    const value = await this.ask(envName, prompt);
    this.given.set(envName, value);
    return value;
  }

  /** The next line of standard input, after any password read from it (a backup passphrase with --passphrase-stdin). */
  async nextLine(): Promise<string> {
    this.stdinLines ??= readAllLines();
    const line = (await this.stdinLines)[this.stdinUsed++];
    if (line === undefined) throw new VaultError('invalid_input', 'not enough lines on standard input for the passwords this command needs');
    return line;
  }

  private async ask(envName: string, prompt: string): Promise<string> {
    if (this.fromStdin) return this.nextLine();
    const fromEnv = process.env[envName];
    if (fromEnv !== undefined && fromEnv !== '') {
      terminalBack();
      return fromEnv;
    }
    if (!process.stdin.isTTY) throw new VaultError('invalid_input', `no terminal to ask for a password: use --password-stdin or ${envName}`);
    return hiddenPrompt(prompt);
  }

  async newPassword(envName: string, prompt: string): Promise<string> {
    if (this.fromStdin || process.env[envName]) return this.password(envName, prompt);
    if (!process.stdin.isTTY) throw new VaultError('invalid_input', `no terminal to ask for a password: use --password-stdin or ${envName}`);
    for (let attempt = 1; ; attempt++) {
      const first = await hiddenPrompt(prompt);
      const rule = passwordSchema.safeParse(first);
      const problem = !rule.success ? (rule.error.issues[0]?.message ?? 'that password is not accepted') : (await hiddenPrompt('Repeat it: ')) !== first ? 'the two passwords differ' : null;
      if (problem === null) {
        this.given.set(envName, first);
        return first;
      }
      if (attempt === NEW_PASSWORD_TRIES) throw new VaultError('invalid_input', problem);
      process.stderr.write(`memvault: ${problem}; try again\n`);
    }
  }
}

async function readAllLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
}

function hiddenPrompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    // Ctrl+C at the prompt ends the command the way a shell expects (130), with a line, not a silent 13.
    rl.on('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      reject(new PromptCancelled());
    });
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
