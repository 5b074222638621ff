import { MODEL_DIMENSIONS_MARK } from '../contract/memory.js';

interface Served {
  /** The address the document was fetched from: the port is chosen at start. */
  url: string;
  /** The vault model's vector size, which every vector in a request must have. */
  dimensions: number;
}

/** The document fastify-swagger builds from the routes, with what is only known at run time filled in. */
export function servedDocument(generated: object, { url, dimensions }: Served): object {
  const filled = JSON.parse(JSON.stringify(generated), (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || !(MODEL_DIMENSIONS_MARK in value)) return value;
    const schema: Record<string, unknown> = { ...value };
    delete schema[MODEL_DIMENSIONS_MARK];
    return { ...schema, minItems: dimensions, maxItems: dimensions, description: `Exactly ${dimensions} numbers, the vault model's dimensions; any scale, not all zero` };
  }) as object;
  return { ...filled, servers: [{ url, description: 'This Memvault, on loopback' }] };
}
