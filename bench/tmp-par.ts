import { createOptimizer, evaluateRows, standardNormalStart, syntheticFunction } from "../src/engine";
import { installDrawingThreads } from "../src/run/drawing-threads";
const d = Number(process.argv[2] ?? 1e6);
function run(its: number, name = "zoar") {
  const o = createOptimizer(name, {}, { initial: standardNormalStart(d, 1), seed: 1 });
  const f = syntheticFunction("quadratic"); let v = new Float64Array(0);
  let ask = 0; const t0 = performance.now();
  for (let t = 0; t < its; t++) { const a = performance.now(); const b = o.ask(); ask += performance.now() - a; if (v.length !== b.rows) v = new Float64Array(b.rows); evaluateRows(f, b.points, b.rows, d, v); o.tell(v); }
  return { theta: o.parameters, ms: (performance.now() - t0) / its, ask: ask / its };
}
const its = Math.max(5, Math.round(3e7 / d));
const a = run(its);
const remove = installDrawingThreads();
run(2);
const b = run(its);
let diff = 0; for (let i = 0; i < d; i++) if (a.theta[i] !== b.theta[i]) diff++;
console.log(`d=${d} its=${its} single ${a.ms.toFixed(2)} ms (ask ${a.ask.toFixed(2)}), threads ${b.ms.toFixed(2)} ms (ask ${b.ask.toFixed(2)}), differing coords ${diff}`);
const p1 = run(its, "zoar-pairs");
void remove().then(() => { const p0 = run(its, "zoar-pairs"); let dd = 0; for (let i = 0; i < d; i++) if (p0.theta[i] !== p1.theta[i]) dd++; console.log(`pairs threads ${p1.ms.toFixed(2)} single ${p0.ms.toFixed(2)} diff ${dd}`); });
