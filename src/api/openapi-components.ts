import { z } from 'zod';
import { agentSelfSchema } from '../contract/agent.js';
import { addMemoriesResultSchema, addMemorySchema, memoryPageSchema, memoryReceiptSchema, memorySchema, memoryVersionSchema, searchHitSchema, searchSchema, memoryChangeSchema } from '../contract/memory.js';
import { problemSchema } from './problem.js';

/** Schemas the OpenAPI document names under components/schemas, so generated clients get a `Memory` type and friends. */
const COMPONENTS: readonly [z.ZodType, string][] = [
  [memorySchema, 'Memory'],
  [memoryReceiptSchema, 'MemoryReceipt'],
  [memoryVersionSchema, 'MemoryVersion'],
  [memoryPageSchema, 'MemoryPage'],
  [searchHitSchema, 'SearchHit'],
  [addMemorySchema, 'NewMemory'],
  [addMemoriesResultSchema, 'AddMemoriesResult'],
  [memoryChangeSchema, 'MemoryChange'],
  [searchSchema, 'SearchRequest'],
  [agentSelfSchema, 'AgentSelf'],
  [problemSchema, 'Problem'],
];

/** Idempotent: several servers in one process (the tests) register once. A schema's own `.meta()` (the search request's rule) is kept. */
export function registerOpenApiComponents(): void {
  for (const [schema, id] of COMPONENTS) {
    const meta = z.globalRegistry.get(schema);
    if (meta?.id !== id) z.globalRegistry.add(schema, { ...meta, id });
  }
}
