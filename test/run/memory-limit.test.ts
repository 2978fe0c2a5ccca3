import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { defaultMemoryLimitMB, formatMegabytes, MemoryWatch, residentBytesOf } from "../../src/run/memory-limit";
import { waitFor } from "./helpers";

const MB = 1024 * 1024;

describe("memory limit of a run process", () => {
  it("defaults to a quarter of the machine's memory, at most 8 GB", () => {
    assert.equal(defaultMemoryLimitMB(24 * 1024 * MB), 6144);
    assert.equal(defaultMemoryLimitMB(128 * 1024 * MB), 8192);
    assert.equal(defaultMemoryLimitMB(2 * 1024 * MB), 512);
  });

  it("writes figures in MB with thousands separators, rounded up so a figure over the limit never reads as the limit", () => {
    assert.equal(formatMegabytes(1103 * MB), "1,103 MB");
    assert.equal(formatMegabytes(1024 * MB + 1), "1,025 MB");
  });

  it("reads another process's resident memory, which grows with the Buffers it keeps", async () => {
    const child = spawn(process.execPath, ["-e", "const kept = [];process.stdin.on('data', () => { kept.push(Buffer.alloc(64 * 1024 * 1024, 1)); process.stdout.write('+'); });"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      await waitFor(() => (residentBytesOf(child.pid!) ?? 0) > 0, 10_000, "the child's first figure");
      const before = residentBytesOf(child.pid!)!;
      const grown = new Promise((resolve) => child.stdout!.once("data", resolve));
      child.stdin!.write("x");
      await grown;
      assert.ok(residentBytesOf(child.pid!)! - before >= 60 * MB, "64 MB of Buffers count");
    } finally {
      child.kill("SIGKILL");
    }
    assert.equal(residentBytesOf(2 ** 22 + 12345), undefined, "no such process");
  });

  it("calls back once, with the figure over the limit, from polling or from the figures a process reports", async () => {
    const breaches: number[] = [];
    const reported = new MemoryWatch(process.pid, 100, (bytes) => breaches.push(bytes), false);
    reported.report(50 * MB);
    reported.report(99 * MB);
    assert.deepEqual(breaches, []);
    reported.report(101 * MB);
    reported.report(150 * MB);
    assert.deepEqual(breaches, [101 * MB]);
    assert.equal(reported.peakBytes, 101 * MB);

    // This process uses more than 1 MB: polling /proc catches it.
    const polled: number[] = [];
    const watch = new MemoryWatch(process.pid, 1, (bytes) => polled.push(bytes), true);
    await waitFor(() => polled.length > 0, 10_000, "the poll");
    watch.stop();
    assert.ok(polled[0] > MB);
  });
});
