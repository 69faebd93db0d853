"""Fits the rational tanh behind explain4j's HeapSigmoid (explain-djl, io.github.explain4j.djl.optim).

tanh(y) ~ y * P(y^2) / Q(y^2) on [0, 7.9], P of degree 6, Q of degree 3 with Q(0) = 1, minimising the largest
relative error: linearised least squares (each iteration divides by the previous Q) with Lawson's weights, in the
scaled variable u = (y / 7.9)^2, then converted to powers of t = y^2. Prints the coefficients as Java floats, the
largest relative error in exact (double) arithmetic and the sigmoid 0.5 + 0.5 tanh(x/2) evaluated in float32 as the
Java loop does.

    python3 docs/fits/tanh_rational.py      # numpy only
"""
import numpy as np

LIMIT = 7.9
DP, DQ = 6, 3

y = np.unique(np.concatenate([np.linspace(1e-4, LIMIT, 40001), LIMIT - np.geomspace(1e-7, LIMIT * 0.99, 4000)]))
u = (y / LIMIT) ** 2
target = np.tanh(y) / y

q_values = np.ones_like(y)
weights = np.ones_like(y)
best = None
for iteration in range(200):
    a = np.hstack([np.vander(u, DP + 1, increasing=True),
                   -target[:, None] * np.vander(u, DQ + 1, increasing=True)[:, 1:]])
    row = (np.sqrt(weights) / q_values / target)[:, None]
    solution, *_ = np.linalg.lstsq(a * row, target * row[:, 0], rcond=None)
    p = solution[:DP + 1]
    q = np.concatenate([[1.0], solution[DP + 1:]])
    q_values = np.polyval(q[::-1], u)
    error = (y * np.polyval(p[::-1], u) / q_values - np.tanh(y)) / np.tanh(y)
    largest = np.max(np.abs(error))
    if best is None or largest < best[0]:
        best = (largest, p.copy(), q.copy())
    if iteration > 5:
        weights = weights * np.abs(error) / largest + 1e-300
        weights /= weights.max()

largest, p, q = best
pt = np.array([p[k] / LIMIT ** (2 * k) for k in range(DP + 1)]).astype(np.float32)
qt = np.array([q[k] / LIMIT ** (2 * k) for k in range(DQ + 1)]).astype(np.float32)
print("largest relative error of tanh, exact arithmetic:", largest)
print("Q's roots in t (none may be >= 0):", np.roots(qt[::-1].astype(np.float64)))
print("P:", ", ".join(repr(float(v)) + "f" for v in pt))
print("Q:", ", ".join(repr(float(v)) + "f" for v in qt))

x = np.linspace(-40, 40, 2_000_001).astype(np.float32)
h = np.clip(np.float32(0.5) * x, np.float32(-LIMIT), np.float32(LIMIT)).astype(np.float32)
t = (h * h).astype(np.float32)
num = np.float32(pt[-1])
for k in range(DP - 1, -1, -1):
    num = (num * t + pt[k]).astype(np.float32)
den = np.float32(qt[-1])
for k in range(DQ - 1, -1, -1):
    den = (den * t + qt[k]).astype(np.float32)
sigmoid = (np.float32(0.5) + np.float32(0.5) * (h * num / den).astype(np.float32)).astype(np.float32)
exact = 1 / (1 + np.exp(-x.astype(np.float64)))
print("float32 sigmoid: largest absolute error", np.max(np.abs(sigmoid - exact)), "range", sigmoid.min(), sigmoid.max())
