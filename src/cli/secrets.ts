import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { VaultError } from '../vault/index.js';

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

  private async ask(envName: string, prompt: string): Promise<string> {
    if (this.fromStdin) {
      this.stdinLines ??= readAllLines();
      const lines = await this.stdinLines;
      const line = lines[this.stdinUsed++];
      if (line === undefined) throw new VaultError('invalid_input', 'not enough lines on standard input for the passwords this command needs');
      return line;
    }
    const fromEnv = process.env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    if (!process.stdin.isTTY) throw new VaultError('invalid_input', `no terminal to ask for a password: use --password-stdin or ${envName}`);
    return hiddenPrompt(prompt);
  }

  async newPassword(envName: string, prompt: string): Promise<string> {
    if (this.fromStdin || process.env[envName]) return this.password(envName, prompt);
    const first = await this.password(envName, prompt);
    const second = await hiddenPrompt('Repeat it: ');
    if (first !== second) throw new VaultError('invalid_input', 'the two passwords differ');
    return first;
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
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
