// What a recorded figure was measured on.
import { cpus } from "node:os";

export function machine() {
  return { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
}
