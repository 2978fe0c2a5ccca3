// `npm test`: every check in order, each stage timed, stopping at the first
// failure, with a summary of the stage times at the end.
import { spawnSync } from "node:child_process";

const STAGES = [
  ["lint", "eslint ."],
  ["type-check", "tsc --noEmit"],
  ["build", "node esbuild.config.mjs"],
  ["unit, integration and webview tests", "mocha"],
  ["end-to-end tests in code-server", "mocha --config test/e2e/.mocharc.json"],
];

const times = [];
let failed;
for (const [name, command] of STAGES) {
  console.log(`\n=== ${name}: ${command}`);
  const started = performance.now();
  const { status, signal } = spawnSync(command, { shell: true, stdio: "inherit" });
  times.push([name, (performance.now() - started) / 1000]);
  if (status !== 0) {
    failed = `${name} failed (${signal ? `signal ${signal}` : `exit code ${status}`})`;
    break;
  }
}

console.log("\n=== stage times");
for (const [name, seconds] of times) console.log(`${seconds.toFixed(1).padStart(8)} s  ${name}`);
const total = times.reduce((sum, [, seconds]) => sum + seconds, 0);
console.log(`${total.toFixed(1).padStart(8)} s  in all`);
if (failed) {
  console.error(`\nnpm test: ${failed}`);
  process.exit(1);
}
