import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { addMemorySchema, LIMITS, type AddMemoryInput } from '../contract/memory.js';
import { VaultError } from '../vault/index.js';
import { progressPrinter, withSession, type GlobalOptions } from './context.js';
import { printJson, printLine } from './output.js';

/**
 * Reads a JSON Lines file: one memory per line, with the fields of `POST /v1/memories`; blank
 * lines are skipped. A bad line is named by its number before anything is stored.
 */
export function readMemoryLines(path: string): { memories: AddMemoryInput[]; lines: number[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VaultError('not_found', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const memories: AddMemoryInput[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new VaultError('invalid_input', `${path} line ${i + 1}: not valid JSON`);
    }
    const parsed = addMemorySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new VaultError('invalid_input', `${path} line ${i + 1}: ${issue.path.join('.') || 'memory'}: ${issue.message}`);
    }
    memories.push(value as AddMemoryInput);
    lines.push(i + 1);
  });
  if (memories.length === 0) throw new VaultError('invalid_input', `${path} holds no memory`);
  if (memories.length > LIMITS.bulkMemories) throw new VaultError('invalid_input', `${path} holds ${memories.length} memories; one import takes at most ${LIMITS.bulkMemories}`);
  return { memories, lines };
}

/** `memvault import FILE`: a whole file in one transaction, with progress. */
export function registerImportCommand(program: Command, g: () => GlobalOptions): void {
  program
    .command('import')
    .description(`store every memory of a JSON Lines file (one per line, the fields of POST /v1/memories) in one transaction: all or none; at most ${LIMITS.bulkMemories}`)
    .argument('<file>', 'the .jsonl file')
    .addHelpText('after', '\nExample line:\n  {"content": "The build uses pnpm", "tags": ["tooling"], "kind": "fact"}\n')
    .action(async (file: string) => {
      const { memories, lines } = readMemoryLines(file);
      await withSession(g(), async (service, session) => {
        const embed = g().json ? undefined : progressPrinter('embedding');
        const store = g().json ? undefined : progressPrinter('storing');
        const result = await service.addMemories(session, { memories }, (phase, done, total) => (phase === 'embed' ? embed : store)?.(done, total));
        if (g().json) return printJson(result);
        printLine(`Imported ${result.added} of ${memories.length} memories from ${file}.`);
        for (const d of result.duplicates) printLine(`  line ${lines[d.index]}: near-identical to ${d.existingId}, left out`);
      });
    });
}
