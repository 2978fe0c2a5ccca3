// The classification head on top of the sentence embedding: p(spam) =
// sigmoid(w . e + b), its cross-entropy and accuracy, the zero-shot head made
// from two label prompts, and the linear probe (the head alone trained with
// exact gradients on frozen embeddings), the two reference points of the
// example.
import { EMBEDDING_SIZE } from "./useLite";

export const HEAD_SIZE = EMBEDDING_SIZE + 1;

/** Prompts whose embeddings define the zero-shot head: spam if closer to the first. */
export const SPAM_PROMPT = "Buy now! Limited offer, click here to win money, free prizes and cheap deals.";
export const HAM_PROMPT = "Hi, here are my notes from the meeting; let me know what you think about the code.";
/** Logit scale of the zero-shot head: cosine differences are small. */
export const ZERO_SHOT_SCALE = 20;

export function logit(head: ArrayLike<number>, headOffset: number, embeddings: ArrayLike<number>, row: number): number {
  let z = head[headOffset + EMBEDDING_SIZE];
  for (let j = 0; j < EMBEDDING_SIZE; j++) z += head[headOffset + j] * embeddings[row * EMBEDDING_SIZE + j];
  return z;
}

/** -log p(label): log(1 + exp(-z)) for spam, log(1 + exp(z)) for ham, computed without overflow. */
export function crossEntropy(z: number, label: number): number {
  const signed = label === 1 ? -z : z;
  return signed > 0 ? signed + Math.log1p(Math.exp(-signed)) : Math.log1p(Math.exp(signed));
}

export interface Scores {
  loss: number;
  accuracy: number;
}

export function score(head: ArrayLike<number>, headOffset: number, embeddings: ArrayLike<number>, labels: readonly number[]): Scores {
  let loss = 0;
  let correct = 0;
  labels.forEach((label, row) => {
    const z = logit(head, headOffset, embeddings, row);
    loss += crossEntropy(z, label);
    if ((z > 0 ? 1 : 0) === label) correct++;
  });
  return { loss: loss / labels.length, accuracy: correct / labels.length };
}

/** w = scale (e_spam - e_ham), b = 0: spam when the text is closer to the spam prompt. */
export function zeroShotHead(spamPrompt: ArrayLike<number>, hamPrompt: ArrayLike<number>, scale = ZERO_SHOT_SCALE): Float64Array {
  const head = new Float64Array(HEAD_SIZE);
  for (let j = 0; j < EMBEDDING_SIZE; j++) head[j] = scale * (spamPrompt[j] - hamPrompt[j]);
  return head;
}

/** Logistic regression on frozen embeddings by full-batch gradient descent with an L2 penalty. */
export function linearProbe(embeddings: Float32Array, labels: readonly number[], options: { steps?: number; lr?: number; l2?: number } = {}): Float64Array {
  const { steps = 2000, lr = 2, l2 = 1e-4 } = options;
  const head = new Float64Array(HEAD_SIZE);
  const gradient = new Float64Array(HEAD_SIZE);
  const n = labels.length;
  for (let step = 0; step < steps; step++) {
    gradient.fill(0);
    for (let row = 0; row < n; row++) {
      const p = 1 / (1 + Math.exp(-logit(head, 0, embeddings, row)));
      const residual = (p - labels[row]) / n;
      for (let j = 0; j < EMBEDDING_SIZE; j++) gradient[j] += residual * embeddings[row * EMBEDDING_SIZE + j];
      gradient[EMBEDDING_SIZE] += residual;
    }
    for (let j = 0; j < HEAD_SIZE; j++) head[j] -= lr * (gradient[j] + (j < EMBEDDING_SIZE ? l2 * head[j] : 0));
  }
  return head;
}
