/** A piece of a unigram SentencePiece vocabulary and its log probability. */
export interface Piece {
  text: string;
  score: number;
}

/** SentencePiece writes spaces, and the start of the text, as this character. */
const WORD_START = '\u2581';

interface TrieNode {
  next: Map<number, TrieNode>;
  /** The piece that ends here, or -1. */
  id: number;
}

/**
 * Unigram SentencePiece segmentation (Viterbi: the split whose pieces' log probabilities sum
 * highest), over code points of the NFKC-normalized text with each U+0020 as `▁`. Any code
 * point may also be read as `unknownId`, priced 10 below the lowest piece so that pieces win
 * wherever they cover the text.
 */
export class SentencePieceTokenizer {
  private readonly root: TrieNode = { next: new Map(), id: -1 };
  private readonly scores: Float64Array;
  private readonly unknownScore: number;

  /** Pieces below `firstPiece` are control symbols (unknown, begin, end): never matched in text. */
  constructor(
    pieces: readonly Piece[],
    private readonly unknownId: number,
    firstPiece: number,
  ) {
    this.scores = Float64Array.from(pieces, (p) => p.score);
    let lowest = 0;
    for (let id = firstPiece; id < pieces.length; id++) {
      const { text, score } = pieces[id]!;
      lowest = Math.min(lowest, score);
      let node = this.root;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let child = node.next.get(cp);
        if (!child) node.next.set(cp, (child = { next: new Map(), id: -1 }));
        node = child;
      }
      // A piece listed twice (USE-lite has "”5" three times) means its last id, as the package that ships the vocabulary reads it.
      node.id = id;
    }
    this.unknownScore = lowest - 10;
  }

  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = Array.from(WORD_START + normalized.replaceAll(' ', WORD_START), (ch) => ch.codePointAt(0)!);
    const n = symbols.length;
    const best = new Float64Array(n + 1).fill(-Infinity);
    const pieceAt = new Int32Array(n + 1);
    const startAt = new Int32Array(n + 1);
    best[0] = 0;
    for (let i = 0; i < n; i++) {
      const base = best[i]!;
      if (base === -Infinity) continue;
      const unknown = base + this.unknownScore;
      if (unknown > best[i + 1]!) {
        best[i + 1] = unknown;
        pieceAt[i + 1] = this.unknownId;
        startAt[i + 1] = i;
      }
      let node: TrieNode | undefined = this.root;
      for (let j = i; j < n; j++) {
        node = node.next.get(symbols[j]!);
        if (!node) break;
        if (node.id < 0) continue;
        const score = base + this.scores[node.id]!;
        if (score > best[j + 1]!) {
          best[j + 1] = score;
          pieceAt[j + 1] = node.id;
          startAt[j + 1] = i;
        }
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end = startAt[end]!) {
      const id = pieceAt[end]!;
      // Runs of unknown code points are one unknown piece, as SentencePiece emits them.
      if (!(id === this.unknownId && ids[ids.length - 1] === this.unknownId)) ids.push(id);
    }
    return ids.reverse();
  }
}
