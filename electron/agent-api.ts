import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_PORT } from '../src/api/loopback.js';
import { agentApiPortSchema } from '../src/contract/client.js';
import type { AgentApiSwitch } from '../src/host/app-service.js';
import { VaultError } from '../src/vault/index.js';

/** What Settings chose for the agent API, kept beside the app's other files between runs. */
const settingsSchema = z.object({ on: z.boolean(), port: agentApiPortSchema });
type AgentApiSettings = z.infer<typeof settingsSchema>;
const DEFAULTS: AgentApiSettings = { on: true, port: DEFAULT_PORT };

interface Listening {
  url: string;
  close(): Promise<void>;
}

/**
 * The desktop shell's agent API: on or off and on which port, as Settings says, remembered in
 * a small JSON file. A new port is listened on before the old one is let go, so a port that is
 * taken leaves agents served where they were and the setting unchanged.
 */
export class AgentApiControl implements AgentApiSwitch {
  private settings: AgentApiSettings;
  private server: Listening | null = null;

  constructor(
    private readonly settingsFile: string,
    private readonly listen: (port: number) => Promise<Listening>,
  ) {
    this.settings = readSettings(settingsFile);
  }

  /** At start: serve if the setting says so. A taken port is not fatal: Settings shows the API on but not listening, and offers another port. */
  async start(): Promise<void> {
    if (!this.settings.on) return;
    try {
      this.server = await this.listen(this.settings.port);
    } catch (err) {
      if (!(err instanceof VaultError && err.code === 'conflict')) throw err;
    }
  }

  on(): boolean {
    return this.settings.on;
  }

  port(): number {
    return this.settings.port;
  }

  url(): string | null {
    return this.server?.url ?? null;
  }

  async set(on: boolean, port: number = this.settings.port): Promise<void> {
    const next = { on, port: agentApiPortSchema.parse(port) };
    if (!on) {
      await this.stop();
    } else if (!this.server || port !== this.settings.port) {
      const started = await this.listen(port);
      await this.stop();
      this.server = started;
    }
    this.settings = next;
    writeSettings(this.settingsFile, next);
  }

  async stop(): Promise<void> {
    const running = this.server;
    this.server = null;
    await running?.close();
  }
}

/** A missing, unreadable or hand-edited file gives the defaults: the setting is a convenience, never a reason not to start. */
function readSettings(file: string): AgentApiSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULTS };
  }
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { ...DEFAULTS };
  } catch {
    return { ...DEFAULTS };
  }
}

function writeSettings(file: string, settings: AgentApiSettings): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
