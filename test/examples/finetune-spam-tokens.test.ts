// The fine-tuning example's token cache: what it reads back is what reading
// and tokenizing the corpus gives, e-mail for e-mail, and a cache written
// from another source is written again.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEmails } from "../../examples/finetune-spam/model/dataset";
import { tokenizedEmails } from "../../examples/finetune-spam/model/tokenCache";
import { UseTokenizer } from "../../examples/finetune-spam/model/tokenizer";
import { MAX_TOKENS, readVocabulary } from "../../examples/finetune-spam/model/useLite";

describe("token cache of the fine-tuning example (examples/finetune-spam/model/tokenCache.ts)", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-spam-tokens-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads back the labels and token ids of every e-mail, and rewrites a cache from another source", () => {
    const tokenizer = new UseTokenizer(readVocabulary());
    const expected = loadEmails().map((e) => ({ label: e.label, tokens: Int32Array.from(tokenizer.encode(e.text).slice(0, MAX_TOKENS)) }));
    const written = tokenizedEmails(dir);
    const file = path.join(dir, "spam-tokens.bin");
    assert.ok(fs.existsSync(file));
    const read = tokenizedEmails(dir);
    assert.equal(read.length, expected.length);
    assert.deepEqual(read, expected);
    assert.deepEqual(written, expected);

    fs.writeFileSync(`${file}.source`, "another corpus");
    fs.writeFileSync(file, new Uint8Array(new Int32Array([1, 1, 0]).buffer));
    assert.equal(tokenizedEmails(dir).length, expected.length, "written again");
    assert.deepEqual(fs.readdirSync(dir).sort(), ["spam-tokens.bin", "spam-tokens.bin.source"], "no partial file left");
  });
});
