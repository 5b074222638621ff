import type { Command } from 'commander';
import { embedderConfigSchema, type EmbedderInfo } from '../contract/embedder.js';
import { parseInput } from '../vault/index.js';
import { withSession, type GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';

function describe(info: EmbedderInfo): string {
  return info.kind === 'offline' ? `built-in offline model ${info.modelId} (${info.dimensions} dimensions)` : `${info.modelId} at ${info.url} (${info.dimensions} dimensions)`;
}

/** `memvault embedder ...`: which model embeds this vault's memories. */
export function registerEmbedderCommands(program: Command, g: () => GlobalOptions): void {
  const embedder = program.command('embedder').description('the model that turns memories into vectors: the built-in offline one, or a local Ollama or other OpenAI-compatible endpoint');

  embedder
    .command('show')
    .description('the model this vault embeds with')
    .action(async () =>
      withSession(g(), (service, session) => {
        const info = service.embedderInfo(session);
        if (g().json) printJson(info);
        else printLine(describe(info));
      }),
    );

  embedder
    .command('set')
    .description('embed with an OpenAI-compatible endpoint (Ollama: --url http://127.0.0.1:11434/v1 --model nomic-embed-text); memories are re-embedded at the next unlock')
    .requiredOption('--url <url>', 'base URL; requests go to URL/embeddings')
    .requiredOption('--model <name>', 'the model name the endpoint knows')
    .option('--api-key-env <NAME>', 'environment variable that holds the API key (the key itself is never stored)')
    .option('--allow-remote', 'allow an endpoint that is not on this machine: memory content is sent there')
    .action(async (o: { url: string; model: string; apiKeyEnv?: string; allowRemote?: boolean }) =>
      withSession(g(), async (service, session) => {
        const config = parseInput(embedderConfigSchema, { kind: 'openai-compatible', url: o.url, model: o.model, apiKeyEnv: o.apiKeyEnv, allowRemote: o.allowRemote === true });
        const info = await service.setEmbedder(session, config);
        if (g().json) return printJson(info);
        printLine(`Set: ${describe(info)}. Memories are re-embedded with it at the next unlock by an owner or admin.`);
      }),
    );

  embedder
    .command('reset')
    .description('go back to the built-in offline model (memories are re-embedded at the next unlock)')
    .action(async () =>
      withSession(g(), async (service, session) => {
        const info = await service.setEmbedder(session, { kind: 'offline' });
        if (g().json) return printJson(info);
        printLine(`Set: ${describe(info)}. Memories are re-embedded with it at the next unlock by an owner or admin.`);
      }),
    );
}
