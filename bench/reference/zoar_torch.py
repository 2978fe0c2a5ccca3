"""ZoAR's whole iteration in PyTorch (CPU), the side-by-side reference of
bench/reference-compare.ts. Written from ALGORITHMS.md the way the authors'
reference code is written, and as fast as plain torch allows: tensors in
torch's default dtype (float32), the K directions drawn by one call into a
preallocated ring of the last (N+1)K directions (no concatenation per
iteration), the K+1 rows (theta and theta + mu u_k) evaluated by one
vectorised call (f(theta) only logged, as the reference does), the estimate
as one matrix-vector product, R-AdaZO's update in place. Defaults are the
`zoar` preset's (K = 10, N = 5, mu = 0.05, lr = 0.001, betas 0.9/0.99,
eps = 1e-8 outside the root, no bias correction). Prints one JSON line:
the median ms/iteration over chunks, torch's version and thread count.

  /usr/bin/python3 bench/reference/zoar_torch.py --function levy --dimension 10000
"""
import argparse
import json
import math
import time

import torch


def quadratic(x):
    return 0.5 * (x * x).sum(dim=-1)


def levy(x):
    w = 1 + (x - 1) / 4
    head = torch.sin(math.pi * w[..., 0]) ** 2
    middle = ((w[..., :-1] - 1) ** 2 * (1 + 10 * torch.sin(math.pi * w[..., :-1] + 1) ** 2)).sum(dim=-1)
    tail = (w[..., -1] - 1) ** 2 * (1 + torch.sin(2 * math.pi * w[..., -1]) ** 2)
    return head + middle + tail


def quadratic_lean(x):
    # The same value as a norm: no (K+1) x d temporary.
    return 0.5 * torch.linalg.vector_norm(x, dim=-1) ** 2


FUNCTIONS = {"quadratic": quadratic, "levy": levy}
# "Lean" forms: what a torch user tuning for speed writes (levy has none better in plain torch).
LEAN = {"quadratic": quadratic_lean, "levy": levy}


class ZoAR:
    def __init__(self, theta, f, queries=10, histories=5, mu=0.05, lr=0.001, betas=(0.9, 0.99), eps=1e-8):
        self.theta, self.f = theta, f
        self.K, self.N, self.mu, self.lr, self.betas, self.eps = queries, histories, mu, lr, betas, eps
        d = theta.numel()
        window = (histories + 1) * queries
        # The buffer: a ring of the last (N+1) iterations' directions and values.
        self.directions = torch.empty(window, d, dtype=theta.dtype)
        self.values = torch.empty(window, dtype=theta.dtype)
        self.rows = torch.empty(queries + 1, d, dtype=theta.dtype)
        self.m = torch.zeros_like(theta)
        self.v = torch.zeros_like(theta)
        self.denominator = torch.empty_like(theta)
        self.iteration = 0

    @torch.no_grad()
    def step(self):
        K = self.K
        slot = self.iteration % (self.N + 1)
        u = self.directions[slot * K : (slot + 1) * K]
        u.normal_()
        rows = self.rows
        rows[0] = self.theta
        torch.add(self.theta, u, alpha=self.mu, out=rows[1:])
        y = self.f(rows)
        centre = y[0]  # logged only, as the reference does
        self.values[slot * K : (slot + 1) * K] = y[1:]
        self.iteration += 1
        held = min(self.iteration, self.N + 1) * K
        ys = self.values[:held]
        weights = (ys - ys.mean()) / (self.mu * held)
        g = weights @ self.directions[:held]
        b1, b2 = self.betas
        self.m.mul_(b1).add_(g, alpha=1 - b1)
        self.v.mul_(b2).addcmul_(self.m, self.m, value=1 - b2)
        torch.sqrt(self.v, out=self.denominator).add_(self.eps)
        self.theta.addcdiv_(self.m, self.denominator, value=-self.lr)
        return float(centre)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--function", default="levy", choices=sorted(FUNCTIONS))
    parser.add_argument("--dimension", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=10)
    parser.add_argument("--histories", type=int, default=5)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--chunks", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--lean", action="store_true", help="the functions' lean forms")
    parser.add_argument("--evaluate-only", action="store_true", help="time only f on the K+1 rows")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    dtype = getattr(torch, args.dtype)
    theta = torch.randn(args.dimension, dtype=dtype)
    optimizer = ZoAR(theta, (LEAN if args.lean else FUNCTIONS)[args.function], args.queries, args.histories)
    if args.evaluate_only:
        optimizer.step()
        rows, f = optimizer.rows, optimizer.f
        step = lambda: f(rows)  # noqa: E731
    else:
        step = optimizer.step
    started = time.perf_counter()
    warm = 0
    while warm < 3 or time.perf_counter() - started < args.seconds / 3:
        t0 = time.perf_counter()
        step()
        tail = time.perf_counter() - t0
        warm += 1
    per_chunk = max(3, round(args.seconds / tail))
    chunks = []
    for _ in range(args.chunks):
        t0 = time.perf_counter()
        for _ in range(per_chunk):
            step()
        chunks.append((time.perf_counter() - t0) * 1000 / per_chunk)
    chunks.sort()
    print(json.dumps({"msPerIteration": chunks[len(chunks) // 2], "chunks": chunks, "threads": torch.get_num_threads(), "torch": torch.__version__, "final": float(optimizer.f(optimizer.theta))}))



if __name__ == "__main__":
    main()
