// The dashboard's update pacing: at most one flush per interval however many
// changes arrive, never inside the caller, nothing after dispose.
import assert from "node:assert/strict";
import { type PacerClock, UPDATE_INTERVAL_MS, UpdatePacer } from "../../src/extension/updatePacer";

/** A clock whose time and timers the test moves by hand. */
class ManualClock implements PacerClock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
}

describe("update pacer", () => {
  it("posts at most 20 updates per second while changes stream in", () => {
    const clock = new ManualClock();
    const flushes: number[] = [];
    const pacer = new UpdatePacer(() => flushes.push(clock.time), UPDATE_INTERVAL_MS, clock);
    for (let ms = 0; ms < 3000; ms++) {
      for (let change = 0; change < 5; change++) pacer.request();
      clock.advance(1);
    }
    const mostInOneSecond = Math.max(...flushes.map((start) => flushes.filter((t) => t >= start && t < start + 1000).length));
    assert.equal(mostInOneSecond, 20);
    for (let i = 1; i < flushes.length; i++) assert.ok(flushes[i] - flushes[i - 1] >= UPDATE_INTERVAL_MS);
  });

  it("never flushes inside the call that asked, and flushes at once after a quiet spell", () => {
    const clock = new ManualClock();
    let flushes = 0;
    const pacer = new UpdatePacer(() => flushes++, UPDATE_INTERVAL_MS, clock);
    pacer.request();
    assert.equal(flushes, 0);
    assert.equal(pacer.pending, true);
    clock.advance(0);
    assert.equal(flushes, 1);
    clock.advance(1000);
    pacer.request();
    clock.advance(0);
    assert.equal(flushes, 2, "no wait when the last flush is long past");
  });

  it("drops a scheduled flush when disposed", () => {
    const clock = new ManualClock();
    let flushes = 0;
    const pacer = new UpdatePacer(() => flushes++, UPDATE_INTERVAL_MS, clock);
    pacer.request();
    pacer.dispose();
    pacer.request();
    clock.advance(1000);
    assert.equal(flushes, 0);
  });
});
