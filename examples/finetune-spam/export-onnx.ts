/**
 * The fine-tuned spam filter as one ONNX file, ready to deploy: the tuned
 * weights of a saved run (`zoar run ... --save` or Save Tuned Parameters)
 * written into USE-Lite's graph as initializers, with the logistic head on
 * top. Inputs ids and mask as for the port; outputs the embedding and
 * spam_probability [batch, 1].
 *
 *   npx tsx examples/finetune-spam/export-onnx.ts <finetune.params.json> [out.onnx] [--weights layernorm]
 *
 * --weights must name the configuration the run trained (ZOAR_FINETUNE_WEIGHTS).
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { readSavedParameters, savedVector } from "../../src/run/params";
import { CONFIGURATIONS, type Configuration, tunedModel } from "./model/models";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { weights: { type: "string", default: "layernorm" } } });
const [paramsFile, outFile = paramsFile?.replace(/\.params\.json$/, "") + ".tuned.onnx"] = positionals;
if (!paramsFile) throw new Error("usage: export-onnx.ts <finetune.params.json> [out.onnx] [--weights layernorm|last-ffn|frozen]");
const configuration = values.weights as Configuration;
if (!(configuration in CONFIGURATIONS)) throw new Error(`--weights must be one of ${Object.keys(CONFIGURATIONS).join(", ")}`);

const saved = readSavedParameters(paramsFile);
const bytes = tunedModel(savedVector(saved.final), configuration, { tunedBy: saved.optimizer, iteration: String(saved.final.iteration) });
fs.writeFileSync(outFile, bytes);
console.log(`${outFile}: ${bytes.length} bytes (${configuration} weights and head from ${paramsFile}, iteration ${saved.final.iteration})`);
