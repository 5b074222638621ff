import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbeddingsServer {
  url: string;
  requests: { headers: IncomingHttpHeaders; body: { model: string; input: string[] } }[];
  /** Answers every later request with this status instead of embeddings. */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

/** A small server speaking the OpenAI embeddings API (`POST /v1/embeddings`): bag-of-hashed-words vectors, answered out of order. */
export async function startEmbeddingsServer(dimensions = 16): Promise<EmbeddingsServer> {
  let failure: number | null = null;
  const requests: EmbeddingsServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') return res.writeHead(404).end();
      if (failure !== null) return res.writeHead(failure).end('{"error":"down"}');
      const body = JSON.parse(text) as { model: string; input: string[] };
      requests.push({ headers: req.headers, body });
      const data = body.input.map((t, index) => {
        const v = new Array<number>(dimensions).fill(0);
        for (const w of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) v[createHash('sha256').update(w).digest()[0]! % dimensions]! += 1;
        return { object: 'embedding', index, embedding: v };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', model: body.model, data: data.reverse() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    failWith: (status) => (failure = status),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
