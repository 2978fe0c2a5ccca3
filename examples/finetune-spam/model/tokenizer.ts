// The tokenizer of Universal Sentence Encoder Lite in TypeScript: a
// SentencePiece unigram model decoded by Viterbi over the vocabulary's log
// probabilities. It reproduces the TF.js reference tokenizer token for token
// (its tie-breaking and its unknown-symbol handling included) so the ONNX port
// sees exactly the ids the original model was trained on.

/** [piece, log probability] per id, as in the package's vocab.json. */
export type Vocabulary = readonly (readonly [string, number])[];

/** Ids 0..5 are reserved: 0 is the unknown symbol, 1..5 control tokens never produced. */
const RESERVED_IDS = 6;
export const UNKNOWN_ID = 0;
const WORD_START = "\u2581";

interface TrieNode {
  children: Map<string, TrieNode>;
  /** The id of the piece ending here, or -1. */
  id: number;
}

interface Piece {
  start: number;
  id: number;
  score: number;
}

export class UseTokenizer {
  private readonly root: TrieNode = { children: new Map(), id: -1 };
  private readonly pieceLengths: Int32Array;

  constructor(private readonly vocabulary: Vocabulary) {
    this.pieceLengths = new Int32Array(vocabulary.length).fill(1);
    for (let id = RESERVED_IDS; id < vocabulary.length; id++) {
      const symbols = [...vocabulary[id][0]];
      this.pieceLengths[id] = symbols.length;
      let node = this.root;
      for (const symbol of symbols) {
        let child = node.children.get(symbol);
        if (!child) node.children.set(symbol, (child = { children: new Map(), id: -1 }));
        node = child;
      }
      node.id = id;
    }
  }

  get size(): number {
    return this.vocabulary.length;
  }

  /** Token ids of one text: NFKC, spaces as word starts, best segmentation, runs of unknown symbols merged. */
  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    if (normalized.length === 0) return [];
    const symbols = [...(WORD_START + normalized.replaceAll(" ", WORD_START))];
    const n = symbols.length;
    // endingAt[e]: the pieces that end at symbol e, in increasing start order.
    const endingAt: Piece[][] = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      let node = this.root.children.get(symbols[start]);
      let matched = false;
      for (let end = start + 1; node; end++) {
        if (node.id >= 0) {
          endingAt[end].push({ start, id: node.id, score: this.vocabulary[node.id][1] });
          matched = true;
        }
        node = end < n ? node.children.get(symbols[end]) : undefined;
      }
      if (!matched) endingAt[start + 1].push({ start, id: UNKNOWN_ID, score: 0 });
    }
    // The reference decoder keeps 0 as "no path yet" and lets ties go to the later candidate.
    const best = new Float64Array(n + 1);
    const bestId = new Int32Array(n + 1);
    for (let end = 1; end <= n; end++) {
      for (const piece of endingAt[end].sort((a, b) => a.start - b.start)) {
        const score = piece.score + best[piece.start];
        if (best[end] === 0 || score >= best[end]) {
          best[end] = score;
          bestId[end] = piece.id;
        }
      }
    }
    const reversed: number[] = [];
    for (let at = n; at > 0; at -= this.pieceLengths[bestId[at]]) reversed.push(bestId[at]);
    const ids: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i];
      if (!(id === UNKNOWN_ID && ids.length > 0 && ids[ids.length - 1] === UNKNOWN_ID)) ids.push(id);
    }
    return ids;
  }
}
