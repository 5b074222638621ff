import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A benchmark's rows as JSON, with the date and machine they were measured on: to
 * `bench/results/<bench>.json` and `bench/results/latest.json`, or only to BENCH_OUT when set.
 */
export function writeResults(bench: string, figures: Record<string, unknown>): void {
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: process.platform };
  const text = `${JSON.stringify({ bench, date: new Date().toISOString(), machine, ...figures }, null, 2)}\n`;
  const targets = process.env.BENCH_OUT ? [process.env.BENCH_OUT] : [join(import.meta.dirname, `results/${bench}.json`), join(import.meta.dirname, 'results/latest.json')];
  for (const target of targets) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  console.log(`results written to ${targets.join(' and ')}`);
}
