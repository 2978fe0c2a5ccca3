// The loops training spends its time in.
//
// gemmNT: C[M,N] (+)= A[M,K] * B[N,K]^T. Both operands are read along
// contiguous rows and a 4x4 block of C is kept in 16 locals, which V8 keeps in
// registers: about 4x faster than the naive triple loop. Every element is one
// double-precision dot product in k order, so a value never depends on M or N
// (batching, or computing only some columns, gives the same bits).

export function gemmNT(
  a: Float32Array, aOff: number,
  b: Float32Array, bOff: number,
  c: Float32Array, cOff: number,
  m: number, n: number, k: number,
  accumulate: boolean,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < k; t++) {
        const x0 = a[a0 + t], x1 = a[a1 + t], x2 = a[a2 + t], x3 = a[a3 + t];
        const y0 = b[b0 + t], y1 = b[b1 + t], y2 = b[b2 + t], y3 = b[b3 + t];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const c0 = cOff + i * n + j, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      if (accumulate) {
        c[c0] += s00; c[c0 + 1] += s01; c[c0 + 2] += s02; c[c0 + 3] += s03;
        c[c1] += s10; c[c1 + 1] += s11; c[c1 + 2] += s12; c[c1 + 3] += s13;
        c[c2] += s20; c[c2 + 1] += s21; c[c2 + 2] += s22; c[c2 + 3] += s23;
        c[c3] += s30; c[c3 + 1] += s31; c[c3 + 2] += s32; c[c3 + 3] += s33;
      } else {
        c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03;
        c[c1] = s10; c[c1 + 1] = s11; c[c1 + 2] = s12; c[c1 + 3] = s13;
        c[c2] = s20; c[c2 + 1] = s21; c[c2 + 2] = s22; c[c2 + 3] = s23;
        c[c3] = s30; c[c3 + 1] = s31; c[c3 + 2] = s32; c[c3 + 3] = s33;
      }
    }
  }
  // Ragged edges (rows past m4 and columns past n4), one dot product each.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      const ai = aOff + i * k, bj = bOff + j * k;
      let s = 0;
      for (let t = 0; t < k; t++) s += a[ai + t] * b[bj + t];
      const ci = cOff + i * n + j;
      c[ci] = accumulate ? c[ci] + s : s;
    }
  }
}

/** dst[cols, rows] = src[rows, cols]^T. */
export function transpose(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOff + r * cols;
    for (let q = 0; q < cols; q++) dst[dstOff + q * rows + r] = src[s + q];
  }
}

/**
 * out[outOff + t] (+)= sum_e coef[e] * src[srcOff + row[e] * stride + t] for t < len and
 * e in [from, to). Eight source rows per pass (then four, then one), so each
 * output element is loaded and stored once per eight terms instead of once
 * per term. Used where only a sparse set of rows carries gradient.
 */
export function rowCombination(
  out: Float32Array, outOff: number, src: Float32Array, srcOff: number, stride: number,
  row: Int32Array, coef: Float64Array, from: number, to: number, len: number, accumulate: boolean,
): void {
  let e = from;
  if (!accumulate) {
    if (e === to) {
      out.fill(0, outOff, outOff + len);
      return;
    }
    const r0 = srcOff + row[e] * stride, d0 = coef[e];
    for (let t = 0; t < len; t++) out[outOff + t] = d0 * src[r0 + t];
    e++;
  }
  for (; e + 7 < to; e += 8) {
    const r0 = srcOff + row[e] * stride, r1 = srcOff + row[e + 1] * stride;
    const r2 = srcOff + row[e + 2] * stride, r3 = srcOff + row[e + 3] * stride;
    const r4 = srcOff + row[e + 4] * stride, r5 = srcOff + row[e + 5] * stride;
    const r6 = srcOff + row[e + 6] * stride, r7 = srcOff + row[e + 7] * stride;
    const d0 = coef[e], d1 = coef[e + 1], d2 = coef[e + 2], d3 = coef[e + 3];
    const d4 = coef[e + 4], d5 = coef[e + 5], d6 = coef[e + 6], d7 = coef[e + 7];
    for (let t = 0; t < len; t++) {
      out[outOff + t] += d0 * src[r0 + t] + d1 * src[r1 + t] + d2 * src[r2 + t] + d3 * src[r3 + t]
        + d4 * src[r4 + t] + d5 * src[r5 + t] + d6 * src[r6 + t] + d7 * src[r7 + t];
    }
  }
  for (; e + 3 < to; e += 4) {
    const r0 = srcOff + row[e] * stride, r1 = srcOff + row[e + 1] * stride;
    const r2 = srcOff + row[e + 2] * stride, r3 = srcOff + row[e + 3] * stride;
    const d0 = coef[e], d1 = coef[e + 1], d2 = coef[e + 2], d3 = coef[e + 3];
    for (let t = 0; t < len; t++) {
      out[outOff + t] += d0 * src[r0 + t] + d1 * src[r1 + t] + d2 * src[r2 + t] + d3 * src[r3 + t];
    }
  }
  for (; e < to; e++) {
    const r0 = srcOff + row[e] * stride, d0 = coef[e];
    for (let t = 0; t < len; t++) out[outOff + t] += d0 * src[r0 + t];
  }
}
