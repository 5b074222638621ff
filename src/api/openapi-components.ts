import { z } from 'zod';
import { agentSelfSchema } from '../contract/agent.js';
import { addMemoriesResultSchema, addMemorySchema, memoryPageSchema, memoryReceiptSchema, memorySchema, memoryVersionSchema, searchHitSchema, searchSchema, updateMemorySchema } from '../contract/memory.js';
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
  [updateMemorySchema, 'MemoryChange'],
  [searchSchema, 'SearchRequest'],
  [agentSelfSchema, 'AgentSelf'],
  [problemSchema, 'Problem'],
];

/** Idempotent: several servers in one process (the tests) register once. */
export function registerOpenApiComponents(): void {
  for (const [schema, id] of COMPONENTS) if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}
