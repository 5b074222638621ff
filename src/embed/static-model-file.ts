import type { Piece } from './sentencepiece.js';

const MAGIC = 'MVSTATIC';
const FORMAT = 1;
const HEADER = 32;

/**
 * A static embedding model: a SentencePiece vocabulary and one weighted vector per piece, int8
 * with a float32 scale per row (docs/formats.md, "Static embedding model").
 */
export interface StaticModel {
  dimensions: number;
  /** Ids below this are control symbols; id 0 is the unknown piece. */
  firstPiece: number;
  pieces: Piece[];
  scales: Float32Array;
  rows: Int8Array;
}

export class ModelFileError extends Error {}

const MAX_PIECES = 1 << 20;
const MAX_DIMENSIONS = 4096;

/** The header's counts a reader accepts, and a writer must keep to; null when they hold. */
function headerProblem(count: number, dimensions: number, firstPiece: number): string | null {
  if (count < 1 || count > MAX_PIECES) return `${count} pieces (1 to ${MAX_PIECES})`;
  if (dimensions < 1 || dimensions > MAX_DIMENSIONS) return `${dimensions} dimensions (1 to ${MAX_DIMENSIONS})`;
  if (firstPiece < 1 || firstPiece >= count) return `first piece ${firstPiece} (1 to ${count - 1})`;
  return null;
}

/** Parses a model file, checking every length and value against the bytes, never trusting them. */
export function parseStaticModel(bytes: Uint8Array): StaticModel {
  const fail = (why: string): never => {
    throw new ModelFileError(`not a usable static embedding model: ${why}`);
  };
  if (bytes.length < HEADER || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('wrong magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [format, count, dimensions, firstPiece, piecesLength] = [8, 12, 16, 20, 24].map((at) => view.getUint32(at, true)) as [number, number, number, number, number];
  if (format !== FORMAT) fail(`format ${format}, expected ${FORMAT}`);
  const problem = headerProblem(count, dimensions, firstPiece);
  if (problem) fail(problem);
  if (view.getUint32(28, true) !== 0) fail('reserved header field is not zero');
  const scoresAt = HEADER;
  const scalesAt = scoresAt + 4 * count;
  const rowsAt = scalesAt + 4 * count;
  const piecesAt = rowsAt + count * dimensions;
  if (bytes.length !== piecesAt + piecesLength) fail(`length ${bytes.length}, header says ${piecesAt + piecesLength}`);
  const scores = new Float32Array(count);
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    scores[i] = view.getFloat32(scoresAt + 4 * i, true);
    scales[i] = view.getFloat32(scalesAt + 4 * i, true);
    if (!Number.isFinite(scores[i]!)) fail(`piece ${i} has score ${scores[i]}`);
    if (!Number.isFinite(scales[i]!) || scales[i]! < 0) fail(`piece ${i} has scale ${scales[i]}`);
  }
  let texts: string[] = [];
  try {
    texts = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(piecesAt)).split('\0');
  } catch {
    fail('pieces are not UTF-8');
  }
  if (texts.length !== count || texts.some((t) => t.length === 0)) fail(`${texts.length} pieces, expected ${count}, none empty`);
  return {
    dimensions,
    firstPiece,
    pieces: texts.map((text, i) => ({ text, score: scores[i]! })),
    scales,
    // A copy: a Buffer's slice shares (and its `buffer` spans) the memory it came from.
    rows: new Int8Array(bytes.buffer.slice(bytes.byteOffset + rowsAt, bytes.byteOffset + piecesAt)),
  };
}

/** The bytes of a model file (the distillation script writes it; tests pin it). */
export function serializeStaticModel(model: StaticModel): Uint8Array {
  const count = model.pieces.length;
  const problem = headerProblem(count, model.dimensions, model.firstPiece);
  if (problem) throw new ModelFileError(`cannot write a model of ${problem}`);
  if (model.scales.length !== count || model.rows.length !== count * model.dimensions) throw new ModelFileError('rows and scales do not match the pieces');
  if (model.pieces.some((p) => p.text.length === 0 || p.text.includes('\0'))) throw new ModelFileError('a piece is empty or holds a zero byte');
  const pieces = new TextEncoder().encode(model.pieces.map((p) => p.text).join('\0'));
  const out = new Uint8Array(HEADER + 8 * count + count * model.dimensions + pieces.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC));
  [FORMAT, count, model.dimensions, model.firstPiece, pieces.length, 0].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  model.pieces.forEach((p, i) => {
    view.setFloat32(HEADER + 4 * i, p.score, true);
    view.setFloat32(HEADER + 4 * (count + i), model.scales[i]!, true);
  });
  out.set(new Uint8Array(model.rows.buffer, model.rows.byteOffset, model.rows.length), HEADER + 8 * count);
  out.set(pieces, HEADER + 8 * count + count * model.dimensions);
  return out;
}
