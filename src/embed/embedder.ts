/** Turns text into vectors. The model id is stored with every vector so a model change is detectable. */
export interface Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}
