// Writing an iteration's query rows. Gaussian directions are drawn by the
// WebAssembly kernel (kernels/normals.ts), four streams at a time, a tile of
// coordinates at a time: theta's tile is copied in once, the kernel writes
// theta + mu u for every direction, and each row's tile is copied out. The
// rows are bit for bit those of drawQueryRows (the reference, which also
// serves the sphere and platforms without the kernel).
import type { SamplerKind } from "./config";
import type { DirectionSource } from "./estimators/types";
import { GaussianLanes, KERNEL_TILE } from "./kernels/normals";
import { type QueryRows, drawQueryRows } from "./parallel";
import { precisionOf } from "./precision";
import { makeDirectionSource } from "./samplers";

/** Writes query rows for one sampler and dimension; holds its own generator state, so keep one per thread. */
export class QueryRowWriter {
  private readonly regenerate: DirectionSource;
  private readonly lanes: GaussianLanes | null;

  constructor(sampler: SamplerKind, dimension: number) {
    this.regenerate = makeDirectionSource(sampler, dimension);
    this.lanes = sampler === "gaussian" ? GaussianLanes.create() : null;
  }

  /** Write the query rows of directions [rows.from, rows.to), as drawQueryRows does. */
  write(rows: QueryRows): void {
    const lanes = this.lanes;
    const precision = precisionOf(rows.points);
    if (lanes === null || rows.sampler !== "gaussian" || precisionOf(rows.theta) !== precision || rows.to <= rows.from) {
      drawQueryRows(this.regenerate, rows);
      return;
    }
    const { dimension: d, points, theta, mu, seeds, from: first, to: last } = rows;
    const stride = rows.antithetic ? 2 : 1;
    lanes.start(seeds.subarray(first, last));
    const shift = lanes.shift(precision);
    for (let from = 0; from < d; from += KERNEL_TILE) {
      const to = Math.min(d, from + KERNEL_TILE);
      const length = to - from;
      if (!rows.antithetic) {
        shift.set(theta.subarray(from, to));
        lanes.drawShifted(length, mu, precision);
      } else {
        lanes.draw(length, precision);
      }
      const tile = lanes.rows(precision);
      for (let k = first; k < last; k++) {
        const row = (k - first) * KERNEL_TILE;
        const plus = (rows.firstRow + k * stride) * d + from;
        if (!rows.antithetic) {
          points.set(tile.subarray(row, row + length), plus);
          continue;
        }
        // z as the minus row would hold it (rounded to the rows' precision), then both rows.
        const minus = plus + d;
        for (let j = 0; j < length; j++) {
          const z = tile[row + j];
          points[plus + j] = theta[from + j] + mu * z;
          points[minus + j] = theta[from + j] - mu * z;
        }
      }
    }
  }
}
