// The classifier's forward and backward passes over one shard of a batch, in
// plain Float32Array loops (network shape: layout.ts). Everything a step needs
// is allocated once per workspace; the hot paths do not allocate.
import { CLASSES, IMAGE_SIZE, PIXELS } from "./dataset";
import { gemmNT, rowCombination, transpose } from "./gemm";
import { K, PIXEL_MEAN, PIXEL_STD, S1, S2, SP, type Layout } from "./layout";

export interface ShardResult {
  lossSum: number;
  correct: number;
}

/**
 * Scratch space for up to `capacity` images. One per thread; gradients of a
 * shard are sums over its images in index order, so a step's result depends
 * only on how the batch is cut into shards, never on which thread runs what.
 */
export class Workspace {
  private readonly L: Layout;
  private readonly x: Float32Array; // normalised inputs, per image
  private readonly a1: Float32Array; // relu(conv1), per image
  private readonly a2: Float32Array; // relu(conv2), per image
  private readonly argmax: Int32Array; // pooled element -> its source in a2, per image
  private readonly feat: Float32Array; // [capacity, features] pooled features
  private readonly featT: Float32Array;
  private readonly h: Float32Array; // [capacity, hidden] relu(fc1)
  private readonly dh: Float32Array;
  private readonly dhT: Float32Array;
  private readonly dFeat: Float32Array;
  private readonly logp: Float32Array; // [capacity, 10]
  private readonly dLogit: Float32Array;
  private readonly nonZero: Uint8Array; // raw pixel != 0, per image
  private readonly rowSpan: Uint8Array; // scratch of distinctRows
  private readonly rowPix: Int32Array; // conv2 positions given an im2col row
  private readonly slotOf: Int32Array; // conv2 position -> its im2col row
  private readonly z2: Float32Array; // conv2 pre-activations on the distinct rows
  private readonly colsT: Float32Array; // im2col of one image: [S2*S2, c1*9]
  private readonly dColsT: Float32Array;
  private readonly dA1: Float32Array;
  private readonly w3T: Float32Array; // fc1 weights transposed, refreshed per step
  // conv2 backward: pooling winners of one image, by channel and by pixel.
  private readonly winPix: Int32Array;
  private readonly winD: Float64Array;
  private readonly winO: Int32Array;
  private readonly chanStart: Int32Array;
  private readonly pixStart: Int32Array;
  private readonly pixFill: Int32Array;
  private readonly byPix: Int32Array;
  private readonly pixChan: Int32Array;
  private readonly pixD: Float64Array;

  constructor(layout: Layout, readonly capacity: number) {
    this.L = layout;
    const { conv1, conv2, hidden } = layout.arch;
    const F = layout.features;
    this.x = new Float32Array(capacity * PIXELS);
    this.a1 = new Float32Array(capacity * conv1 * S1 * S1);
    this.a2 = new Float32Array(capacity * conv2 * S2 * S2);
    this.argmax = new Int32Array(capacity * F);
    this.feat = new Float32Array(capacity * F);
    this.featT = new Float32Array(capacity * F);
    this.h = new Float32Array(capacity * hidden);
    this.dh = new Float32Array(capacity * hidden);
    this.dhT = new Float32Array(capacity * hidden);
    this.dFeat = new Float32Array(capacity * F);
    this.logp = new Float32Array(capacity * CLASSES);
    this.dLogit = new Float32Array(capacity * CLASSES);
    this.nonZero = new Uint8Array(capacity * PIXELS);
    this.rowSpan = new Uint8Array(IMAGE_SIZE * S2);
    this.rowPix = new Int32Array(S2 * S2);
    this.slotOf = new Int32Array(S2 * S2);
    this.z2 = new Float32Array(conv2 * S2 * S2);
    this.colsT = new Float32Array(S2 * S2 * conv1 * K * K);
    this.dColsT = new Float32Array(S2 * S2 * conv1 * K * K);
    this.dA1 = new Float32Array(conv1 * S1 * S1);
    this.w3T = new Float32Array(F * hidden);
    this.winPix = new Int32Array(F);
    this.winD = new Float64Array(F);
    this.winO = new Int32Array(F);
    this.chanStart = new Int32Array(conv2 + 1);
    this.pixStart = new Int32Array(S2 * S2 + 1);
    this.pixFill = new Int32Array(S2 * S2 + 1);
    this.byPix = new Int32Array(F);
    this.pixChan = new Int32Array(F);
    this.pixD = new Float64Array(F);
  }

  /**
   * Log-probabilities of images `indices` (rows of `pixels`) into `out` [n, 10].
   * `shifts` (dx, dy per image, optional) translates each image first, padding with 0.
   */
  forward(params: Float32Array, pixels: Float32Array, indices: ArrayLike<number>, shifts?: Int8Array, out?: Float32Array): Float32Array {
    const n = indices.length;
    if (n > this.capacity) throw new RangeError(`shard of ${n} images exceeds workspace capacity ${this.capacity}`);
    for (let s = 0; s < n; s++) {
      this.loadImage(pixels, indices[s], shifts ? shifts[2 * s] : 0, shifts ? shifts[2 * s + 1] : 0, s);
      this.convForward(params, s);
    }
    this.denseForward(params, n);
    const result = out ?? new Float32Array(n * CLASSES);
    result.set(this.logp.subarray(0, n * CLASSES));
    return result;
  }

  /**
   * Adds to `grad` the gradient of sum(NLL)/batchSize over this shard and
   * returns the shard's summed loss and number of correct predictions.
   * `grad` must be zeroed by the caller before the first shard of a step.
   */
  trainShard(
    params: Float32Array, pixels: Float32Array, labels: Uint8Array,
    indices: ArrayLike<number>, shifts: Int8Array | undefined, batchSize: number, grad: Float32Array,
  ): ShardResult {
    const n = indices.length;
    this.forward(params, pixels, indices, shifts, undefined);
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < n; s++) {
      const y = labels[indices[s]];
      const row = s * CLASSES;
      let best = 0;
      for (let j = 0; j < CLASSES; j++) {
        const lp = this.logp[row + j];
        if (lp > this.logp[row + best]) best = j;
        this.dLogit[row + j] = (Math.exp(lp) - (j === y ? 1 : 0)) / batchSize;
      }
      lossSum -= this.logp[row + y];
      if (best === y) correct++;
    }
    this.denseBackward(params, grad, n);
    for (let s = 0; s < n; s++) this.convBackward(params, grad, s);
    return { lossSum, correct };
  }

  private loadImage(pixels: Float32Array, index: number, dx: number, dy: number, s: number): void {
    const src = index * PIXELS;
    const x = this.x;
    const dst = s * PIXELS;
    for (let r = 0; r < IMAGE_SIZE; r++) {
      const sr = r - dy;
      for (let c = 0; c < IMAGE_SIZE; c++) {
        const sc = c - dx;
        const v = sr >= 0 && sr < IMAGE_SIZE && sc >= 0 && sc < IMAGE_SIZE ? pixels[src + sr * IMAGE_SIZE + sc] : 0;
        // Two float32 roundings, as the graph's Sub then Div do.
        x[dst + r * IMAGE_SIZE + c] = Math.fround(v - PIXEL_MEAN) / PIXEL_STD;
        this.nonZero[dst + r * IMAGE_SIZE + c] = v !== 0 ? 1 : 0;
      }
    }
  }

  private convForward(p: Float32Array, s: number): void {
    const L = this.L;
    const { conv1, conv2 } = L.arch;
    const x = this.x, xo = s * PIXELS;
    const a1 = this.a1, a1o = s * conv1 * S1 * S1;
    // conv1 directly: one input channel, nine taps.
    for (let o = 0; o < conv1; o++) {
      const w = L.w1 + o * 9;
      const w0 = p[w], w1 = p[w + 1], w2 = p[w + 2], w3 = p[w + 3], w4 = p[w + 4];
      const w5 = p[w + 5], w6 = p[w + 6], w7 = p[w + 7], w8 = p[w + 8];
      const bias = p[L.b1 + o];
      for (let r = 0; r < S1; r++) {
        const i0 = xo + r * IMAGE_SIZE, i1 = i0 + IMAGE_SIZE, i2 = i1 + IMAGE_SIZE;
        const out = a1o + (o * S1 + r) * S1;
        for (let c = 0; c < S1; c++) {
          const v = bias
            + w0 * x[i0 + c] + w1 * x[i0 + c + 1] + w2 * x[i0 + c + 2]
            + w3 * x[i1 + c] + w4 * x[i1 + c + 1] + w5 * x[i1 + c + 2]
            + w6 * x[i2 + c] + w7 * x[i2 + c + 1] + w8 * x[i2 + c + 2];
          a1[out + c] = v > 0 ? v : 0;
        }
      }
    }
    // conv2 as a GEMM over the im2col matrix: [c2, c1*9] x [positions, c1*9]^T.
    // Outputs whose 5x5 receptive field is all background (about 40% of them
    // in MNIST) share one im2col row, so the GEMM runs on the distinct rows only.
    // Each GEMM element is one dot product in fixed order, so this gives the
    // same bits as the full GEMM.
    const rows = this.distinctRows(s);
    const q = conv1 * 9;
    for (let k = 0; k < rows; k++) this.im2colRow(s, this.rowPix[k], k);
    const z = this.z2;
    gemmNT(p, L.w2, this.colsT, 0, z, 0, conv2, rows, q, false);
    const a2 = this.a2, a2o = s * conv2 * S2 * S2;
    const slot = this.slotOf;
    for (let o = 0; o < conv2; o++) {
      const bias = p[L.b2 + o];
      const base = a2o + o * S2 * S2;
      const zo = o * rows;
      for (let i = 0; i < S2 * S2; i++) {
        const v = z[zo + slot[i]] + bias;
        a2[base + i] = v > 0 ? v : 0;
      }
    }
    // 2x2 max pooling; the winner's position is kept for the backward pass
    // (on ties the first in row-major order wins).
    const F = L.features;
    const feat = this.feat, fo = s * F;
    const arg = this.argmax;
    for (let o = 0; o < conv2; o++) {
      for (let r = 0; r < SP; r++) {
        for (let c = 0; c < SP; c++) {
          const tl = a2o + (o * S2 + 2 * r) * S2 + 2 * c;
          let at = tl;
          if (a2[tl + 1] > a2[at]) at = tl + 1;
          if (a2[tl + S2] > a2[at]) at = tl + S2;
          if (a2[tl + S2 + 1] > a2[at]) at = tl + S2 + 1;
          const j = fo + (o * SP + r) * SP + c;
          feat[j] = a2[at];
          arg[j] = at;
        }
      }
    }
  }

  /** colsT[row, c*9 + kh*3 + kw] = a1[c, r+kh, col+kw] of image s, where pix = r*S2 + col. */
  private im2colRow(s: number, pix: number, row: number): void {
    const { conv1 } = this.L.arch;
    const a1 = this.a1;
    const cols = this.colsT;
    const r = (pix / S2) | 0, c = pix - r * S2;
    const at = row * conv1 * 9;
    for (let ch = 0; ch < conv1; ch++) {
      const src = s * conv1 * S1 * S1 + (ch * S1 + r) * S1 + c;
      const dst = at + ch * 9;
      cols[dst] = a1[src]; cols[dst + 1] = a1[src + 1]; cols[dst + 2] = a1[src + 2];
      cols[dst + 3] = a1[src + S1]; cols[dst + 4] = a1[src + S1 + 1]; cols[dst + 5] = a1[src + S1 + 2];
      cols[dst + 6] = a1[src + 2 * S1]; cols[dst + 7] = a1[src + 2 * S1 + 1]; cols[dst + 8] = a1[src + 2 * S1 + 2];
    }
  }

  /** The full im2col matrix of image s, one row per conv2 output position. */
  private im2col(s: number): void {
    for (let pix = 0; pix < S2 * S2; pix++) this.im2colRow(s, pix, pix);
  }

  /**
   * Lists in rowPix the conv2 positions whose receptive field touches a
   * non-zero pixel, then one all-background position standing for the rest;
   * slotOf maps every position to its row. Returns the number of rows.
   */
  private distinctRows(s: number): number {
    const nz = this.nonZero, span = this.rowSpan;
    const xo = s * PIXELS;
    // span[r, c]: some pixel in row r, columns c..c+4, is non-zero.
    for (let r = 0; r < IMAGE_SIZE; r++) {
      for (let c = 0; c < S2; c++) {
        const i = xo + r * IMAGE_SIZE + c;
        span[r * S2 + c] = nz[i] | nz[i + 1] | nz[i + 2] | nz[i + 3] | nz[i + 4];
      }
    }
    let rows = 0;
    let background = -1;
    for (let r = 0; r < S2; r++) {
      for (let c = 0; c < S2; c++) {
        const i = r * S2 + c;
        if (span[i] | span[i + S2] | span[i + 2 * S2] | span[i + 3 * S2] | span[i + 4 * S2]) {
          this.slotOf[i] = rows;
          this.rowPix[rows++] = i;
        } else {
          this.slotOf[i] = -1;
          if (background < 0) background = i;
        }
      }
    }
    if (background >= 0) {
      this.rowPix[rows] = background;
      for (let i = 0; i < S2 * S2; i++) if (this.slotOf[i] < 0) this.slotOf[i] = rows;
      rows++;
    }
    return rows;
  }

  private denseForward(p: Float32Array, n: number): void {
    const L = this.L;
    const H = L.arch.hidden, F = L.features;
    const h = this.h;
    gemmNT(this.feat, 0, p, L.w3, h, 0, n, H, F, false);
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < H; j++) {
        const v = h[s * H + j] + p[L.b3 + j];
        h[s * H + j] = v > 0 ? v : 0;
      }
    }
    const logp = this.logp;
    gemmNT(h, 0, p, L.w4, logp, 0, n, CLASSES, H, false);
    for (let s = 0; s < n; s++) {
      const row = s * CLASSES;
      let max = -Infinity;
      for (let j = 0; j < CLASSES; j++) {
        logp[row + j] += p[L.b4 + j];
        if (logp[row + j] > max) max = logp[row + j];
      }
      let sum = 0;
      for (let j = 0; j < CLASSES; j++) sum += Math.exp(logp[row + j] - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < CLASSES; j++) logp[row + j] -= lse;
    }
  }

  private denseBackward(p: Float32Array, g: Float32Array, n: number): void {
    const L = this.L;
    const H = L.arch.hidden, F = L.features;
    const h = this.h, dh = this.dh, dl = this.dLogit;
    // fc2: dW4 += dLogit^T h, db4 += sum dLogit, dh = dLogit W4 masked by relu.
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < CLASSES; j++) {
        const d = dl[s * CLASSES + j];
        g[L.b4 + j] += d;
        const w = L.w4 + j * H;
        for (let i = 0; i < H; i++) g[w + i] += d * h[s * H + i];
      }
      for (let i = 0; i < H; i++) {
        if (h[s * H + i] <= 0) {
          dh[s * H + i] = 0;
          continue;
        }
        let v = 0;
        for (let j = 0; j < CLASSES; j++) v += dl[s * CLASSES + j] * p[L.w4 + j * H + i];
        dh[s * H + i] = v;
      }
    }
    // fc1: dW3 [H, F] += dh^T feat (a GEMM over the shard), db3 += sum dh, dFeat = dh W3.
    transpose(dh, 0, this.dhT, 0, n, H);
    transpose(this.feat, 0, this.featT, 0, n, F);
    gemmNT(this.dhT, 0, this.featT, 0, g, L.w3, H, F, n, true);
    for (let s = 0; s < n; s++) for (let j = 0; j < H; j++) g[L.b3 + j] += dh[s * H + j];
    transpose(p, L.w3, this.w3T, 0, H, F);
    gemmNT(dh, 0, this.w3T, 0, this.dFeat, 0, n, F, H, false);
  }

  private convBackward(p: Float32Array, g: Float32Array, s: number): void {
    const L = this.L;
    const { conv1, conv2 } = L.arch;
    const F = L.features;
    const q = conv1 * 9;
    const a2 = this.a2, a2o = s * conv2 * S2 * S2;
    const cols = this.colsT, dCols = this.dColsT;
    this.im2col(s);
    // Only each pooling window's winner carries gradient, so conv2's backward
    // runs over at most F winners instead of all c2*S2*S2 outputs. Winners are
    // listed by channel (for dW2) and bucketed by pixel (for dCols); both sums
    // then take four winners per pass over a row, which is what makes them fast.
    const dFeat = this.dFeat, arg = this.argmax;
    const wPix = this.winPix, wD = this.winD, wO = this.winO;
    const start = this.chanStart;
    let count = 0;
    for (let o = 0; o < conv2; o++) {
      start[o] = count;
      for (let j = o * SP * SP; j < (o + 1) * SP * SP; j++) {
        const d = dFeat[s * F + j];
        const at = arg[s * F + j];
        if (d === 0 || a2[at] <= 0) continue;
        wPix[count] = at - a2o - o * S2 * S2;
        wD[count] = d;
        wO[count] = o;
        count++;
      }
    }
    start[conv2] = count;
    for (let o = 0; o < conv2; o++) {
      let gb = 0;
      for (let e = start[o]; e < start[o + 1]; e++) gb += wD[e];
      g[L.b2 + o] += gb;
      rowCombination(g, L.w2 + o * q, cols, 0, q, wPix, wD, start[o], start[o + 1], q, true);
    }
    // Bucket the winners by pixel (counting sort, stable) for dCols[pix, :] = sum_o d * W2[o, :].
    const pixStart = this.pixStart, byPix = this.byPix, pixChan = this.pixChan, pixD = this.pixD;
    pixStart.fill(0);
    for (let e = 0; e < count; e++) pixStart[wPix[e] + 1]++;
    for (let i = 0; i < S2 * S2; i++) pixStart[i + 1] += pixStart[i];
    const fillAt = this.pixFill;
    fillAt.set(pixStart);
    for (let e = 0; e < count; e++) {
      const slot = fillAt[wPix[e]]++;
      byPix[slot] = e;
    }
    for (let i = 0; i < count; i++) {
      pixChan[i] = wO[byPix[i]];
      pixD[i] = wD[byPix[i]];
    }
    for (let pix = 0; pix < S2 * S2; pix++) {
      if (pixStart[pix] === pixStart[pix + 1]) dCols.fill(0, pix * q, (pix + 1) * q);
      else rowCombination(dCols, pix * q, p, L.w2, q, pixChan, pixD, pixStart[pix], pixStart[pix + 1], q, false);
    }
    this.col2im();
    this.conv1Backward(g, s);
  }

  /** dA1 = the sum, over conv2 positions, of dCols rows put back where im2col took them. */
  private col2im(): void {
    const { conv1 } = this.L.arch;
    const q = conv1 * 9;
    const dCols = this.dColsT;
    const dA1 = this.dA1;
    dA1.fill(0);
    for (let r = 0; r < S2; r++) {
      for (let c = 0; c < S2; c++) {
        const row = (r * S2 + c) * q;
        for (let ch = 0; ch < conv1; ch++) {
          const dst = (ch * S1 + r) * S1 + c;
          const src = row + ch * 9;
          dA1[dst] += dCols[src]; dA1[dst + 1] += dCols[src + 1]; dA1[dst + 2] += dCols[src + 2];
          dA1[dst + S1] += dCols[src + 3]; dA1[dst + S1 + 1] += dCols[src + 4]; dA1[dst + S1 + 2] += dCols[src + 5];
          dA1[dst + 2 * S1] += dCols[src + 6]; dA1[dst + 2 * S1 + 1] += dCols[src + 7]; dA1[dst + 2 * S1 + 2] += dCols[src + 8];
        }
      }
    }
  }

  /** conv1's weight and bias gradients from dA1, through the relu. */
  private conv1Backward(g: Float32Array, s: number): void {
    const L = this.L;
    const { conv1 } = L.arch;
    const dA1 = this.dA1;
    const a1 = this.a1, a1o = s * conv1 * S1 * S1;
    const x = this.x, xo = s * PIXELS;
    for (let o = 0; o < conv1; o++) {
      let gb = 0;
      let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0, g8 = 0;
      for (let r = 0; r < S1; r++) {
        const i0 = xo + r * IMAGE_SIZE, i1 = i0 + IMAGE_SIZE, i2 = i1 + IMAGE_SIZE;
        const base = (o * S1 + r) * S1;
        for (let c = 0; c < S1; c++) {
          if (a1[a1o + base + c] <= 0) continue;
          const d = dA1[base + c];
          gb += d;
          g0 += d * x[i0 + c]; g1 += d * x[i0 + c + 1]; g2 += d * x[i0 + c + 2];
          g3 += d * x[i1 + c]; g4 += d * x[i1 + c + 1]; g5 += d * x[i1 + c + 2];
          g6 += d * x[i2 + c]; g7 += d * x[i2 + c + 1]; g8 += d * x[i2 + c + 2];
        }
      }
      const w = L.w1 + o * 9;
      g[L.b1 + o] += gb;
      g[w] += g0; g[w + 1] += g1; g[w + 2] += g2; g[w + 3] += g3; g[w + 4] += g4;
      g[w + 5] += g5; g[w + 6] += g6; g[w + 7] += g7; g[w + 8] += g8;
    }
  }
}
