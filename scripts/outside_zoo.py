#!/usr/bin/env python3
"""An independent outside zoo for lrid's transfer check (issue 10, the moonshot).

Trains small MLPs on Fashion-MNIST with four learning rules implemented here from scratch in numpy
(no lrid code, no autograd library): sgdm, adam, fa and ia. It records the paper's observables
(science.md section 3) at 21 checkpoints and writes them in lrid's long format (network, layer,
layer_position, checkpoint, observable, value, rule), the file `lrid predict --trajectories` and
`lrid identify DIR --test-data FILE` read.

Its own, ordinary choices (deliberately not lrid's):
  * PyTorch's default initialisation: W and b ~ U(-1/sqrt(fan_in), +1/sqrt(fan_in)); B likewise,
    drawn independently;
  * inputs x / 255 normalised with the Fashion-MNIST mean and std (torchvision's Normalize);
  * batch 64, heavy-ball momentum 0.9 (PyTorch's SGD), lr 0.01 for the momentum rules, Adam at
    PyTorch's defaults (lr 1e-3, betas 0.9, 0.999, eps 1e-8), no weight decay;
  * ia as Kunin et al. define it (neuroailab/Neural-Alignment at d83defb,
    Alignments/alignment.py lines 292-338, class Information: alpha * amp + beta * null
    + gamma * decay, with amp and null of the forward projection Pf = x W^T (no bias: the class
    default use_bias_forward=False, line 12) and the forward reconstruction Rf = Pf B, lines 103 and
    143; the primitives in Alignments/primitives.py lines 3-26: decay = ||W||^2 + ||B||^2,
    null = sum_units mean_batch (Pf B)^2, amp = -sum_units mean_batch Pb * Pf; the input and W
    are stop-gradient, lines 70-74), minimised over B only and stepped by the same momentum SGD as
    W, with coefficients of its own that align B within 600 steps (amp 1.0, null 0.5, decay 0.01, on
    per-example centred and unit-norm inputs: the reference's normalize_input option, alignment.py
    lines 55-59 and 96-97; without it these coefficients diverge here; the reference's defaults
    are 2e-3, 1e-3, 1e-3 over ~450,000 steps, params.py lines 356-372).

Observables (science.md section 3), per weight layer and checkpoint, for the measures weight (W),
act (the layer's output on a fixed probe batch: the first 256 test images; ReLU output, logits for
the last layer) and gradavg (per probe example, sum over inputs of d(sum_j h_j)/dx_i divided by the
number of outputs = rowsum(phi'(a) W) / out), the functions raw, abs, sq and the statistics norm,
mean, median, thirdquartile (linear interpolation), var (ddof 0), skew = 3 (mean - median) / std and
kurtosis = E[(v - mean)^4] / var^2 (0 when var = 0); act statistics per probe example then averaged
over the batch; gradavg_{raw,abs,sq}_id the batch means of raw, abs and sq of the per-example value.

Usage: python3 scripts/outside_zoo.py --out outside.csv [--per-rule 6] [--steps 600]
"""

import argparse
import gzip
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

RULES = ["sgdm", "adam", "fa", "ia"]
SHAPES = [[784, 128, 128, 10], [784, 256, 256, 256, 10]]  # the mini spec's two mlps
FUNCTIONS = ["raw", "abs", "sq"]
STATISTICS = ["norm", "mean", "median", "thirdquartile", "var", "skew", "kurtosis"]
MEAN, STD = 0.2860, 0.3530
PROBE = 256


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir):
    def images(name):
        x = read_idx(os.path.join(data_dir, name)).reshape(-1, 784).astype(np.float32)
        return (x / 255.0 - MEAN) / STD

    return (
        images("train-images-idx3-ubyte.gz"),
        read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz")).astype(np.int64),
        images("t10k-images-idx3-ubyte.gz"),
        read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64),
    )


def statistics(v, axis=None):
    """The seven statistics of v (over all elements, or over the last axis per row)."""
    v = np.asarray(v, dtype=np.float64)
    if axis is None:
        v = v.reshape(1, -1)
    norm = np.sqrt(np.sum(v * v, axis=1))
    mean = np.mean(v, axis=1)
    median, q3 = np.quantile(v, [0.5, 0.75], axis=1)
    centred = v - mean[:, None]
    var = np.mean(centred * centred, axis=1)
    m4 = np.mean(centred**4, axis=1)
    positive = var > 0
    safe = np.where(positive, var, 1.0)
    skew = np.where(positive, 3 * (mean - median) / np.sqrt(safe), 0.0)
    kurt = np.where(positive, m4 / (safe * safe), 0.0)
    out = np.stack([norm, mean, median, q3, var, skew, kurt], axis=1)
    return out.mean(axis=0)  # act: averaged over the probe batch; weight: one row


def observe(weights, biases, probe):
    """Per weight layer: {observable name: value}, the 45 observables of science.md section 3."""
    layers = []
    h = probe.astype(np.float64)
    n = len(weights)
    for l, (w, b) in enumerate(zip(weights, biases)):
        a = h @ w.T + b
        last = l == n - 1
        out = a if last else np.maximum(a, 0)
        slope = np.ones_like(a) if last else (a > 0).astype(np.float64)
        values = {}
        for fname in FUNCTIONS:
            f = {"raw": lambda x: x, "abs": np.abs, "sq": np.square}[fname]
            for s, v in zip(STATISTICS, statistics(f(w))):
                values["weight" + fname + "_" + s] = float(v)
            for s, v in zip(STATISTICS, statistics(f(out), axis=1)):
                values["act" + fname + "_" + s] = float(v)
        g = slope @ w.sum(axis=1) / w.shape[0]  # per example: sum_j phi'(a_j) sum_i W_ji / out
        values["gradavgraw_id"] = float(np.mean(g))
        values["gradavgabs_id"] = float(np.mean(np.abs(g)))
        values["gradavgsq_id"] = float(np.mean(g * g))
        layers.append(values)
        h = out
    return layers


def position(layer, layers):
    return ["early", "middle", "deep"][min(2, (3 * layer) // layers)]


class Momentum:
    def __init__(self, lr, momentum=0.9):
        self.lr, self.mu, self.v = lr, momentum, {}

    def step(self, key, p, g):
        v = self.v.get(key)
        v = g.copy() if v is None else self.mu * v + g  # PyTorch's SGD (dampening 0)
        self.v[key] = v
        p -= self.lr * v


class Adam:
    def __init__(self, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.m, self.s, self.t = lr, b1, b2, eps, {}, {}, {}

    def step(self, key, p, g):
        m = self.b1 * self.m.get(key, 0) + (1 - self.b1) * g
        s = self.b2 * self.s.get(key, 0) + (1 - self.b2) * g * g
        t = self.t.get(key, 0) + 1
        self.m[key], self.s[key], self.t[key] = m, s, t
        p -= self.lr * (m / (1 - self.b1**t)) / (np.sqrt(s / (1 - self.b2**t)) + self.eps)


def train(rule, shape, seed, data, steps, checkpoints, batch, lr, ia):
    xtr, ytr, xte, yte = data
    rng = np.random.default_rng(seed)
    weights, biases, feedback = [], [], []
    for fan_in, fan_out in zip(shape[:-1], shape[1:]):
        k = 1 / np.sqrt(fan_in)
        weights.append(rng.uniform(-k, k, (fan_out, fan_in)))
        biases.append(rng.uniform(-k, k, fan_out))
        feedback.append(rng.uniform(-k, k, (fan_out, fan_in)))
    opt = Adam() if rule == "adam" else Momentum(lr)
    probe = xte[:PROBE]
    at = {round(c * steps / (checkpoints - 1)): c for c in range(checkpoints)}
    records = {}
    order = rng.permutation(len(xtr))
    cursor = 0
    for step in range(steps + 1):
        if step in at:
            records[at[step]] = observe(weights, biases, probe)
        if step == steps:
            break
        if cursor + batch > len(order):
            order, cursor = rng.permutation(len(xtr)), 0
        idx = order[cursor : cursor + batch]
        cursor += batch
        x, y = xtr[idx].astype(np.float64), ytr[idx]
        hs, pre = [x], []
        for l, (w, b) in enumerate(zip(weights, biases)):
            a = hs[-1] @ w.T + b
            pre.append(a)
            hs.append(a if l == len(weights) - 1 else np.maximum(a, 0))
        z = hs[-1] - hs[-1].max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        e = p
        e[np.arange(len(y)), y] -= 1
        e /= len(y)  # dL/da of the mean cross-entropy
        grads = [None] * len(weights)
        for l in range(len(weights) - 1, -1, -1):
            grads[l] = (e.T @ hs[l], e.sum(axis=0))
            if l > 0:
                m = weights[l] if rule in ("sgdm", "adam") else feedback[l]
                e = (e @ m) * (pre[l - 1] > 0)
        if rule == "ia":
            for l in range(len(weights)):
                xin, w, bb = hs[l], weights[l], feedback[l]
                if ia["normalize"]:  # the reference's normalize_input (alignment.py lines 55-59, 96-97)
                    xin = xin - xin.mean(axis=1, keepdims=True)
                    xin = xin / np.maximum(np.linalg.norm(xin, axis=1, keepdims=True), 1e-12)
                n = len(xin)
                pf = xin @ w.T  # forward projection (no bias)
                rf = pf @ bb  # forward reconstruction
                g_amp = -(pf.T @ xin) / n  # d/dB of -sum_units mean_batch (x B^T) * Pf
                g_null = 2 * (pf.T @ rf) / n  # d/dB of sum_units mean_batch (Pf B)^2
                g_decay = 2 * bb  # d/dB of ||W||^2 + ||B||^2
                g = ia["amp"] * g_amp + ia["null"] * g_null + ia["decay"] * g_decay
                opt.step(("B", l), bb, g)
        for l in range(len(weights)):
            opt.step(("W", l), weights[l], grads[l][0])
            opt.step(("b", l), biases[l], grads[l][1])
        if not all(np.isfinite(w).all() for w in weights):
            raise RuntimeError(f"{rule} seed {seed} diverged at step {step}")
    h = xte.astype(np.float64)
    for l, (w, b) in enumerate(zip(weights, biases)):
        a = h @ w.T + b
        h = a if l == len(weights) - 1 else np.maximum(a, 0)
    accuracy = float(np.mean(h.argmax(axis=1) == yte))
    cos = [
        float(np.sum(w * bb) / np.sqrt(np.sum(w * w) * np.sum(bb * bb)))
        for w, bb in zip(weights, feedback)
    ]
    return records, accuracy, cos


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="long-format CSV to write")
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--per-rule", type=int, default=6, help="networks per rule (default 6)")
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--checkpoints", type=int, default=21)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.01, help="momentum rules' learning rate")
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--ia-amp", type=float, default=1.0)
    ap.add_argument("--ia-null", type=float, default=0.5)
    ap.add_argument("--ia-decay", type=float, default=0.01)
    ap.add_argument("--ia-raw-input", action="store_true", help="ia: no normalize_input")
    ap.add_argument("--rules", default=",".join(RULES))
    args = ap.parse_args()
    if not args.out.endswith(".csv"):
        sys.exit("outside_zoo: --out must end in .csv")
    data = load(args.data_dir)
    ia = {"amp": args.ia_amp, "null": args.ia_null, "decay": args.ia_decay, "normalize": not args.ia_raw_input}
    tmp = args.out + ".tmp"
    summary = []
    start = time.time()
    with open(tmp, "w") as f:
        f.write("network,layer,layer_position,checkpoint,observable,value,rule\n")
        for rule in args.rules.split(","):
            for k in range(args.per_rule):
                shape = SHAPES[k % len(SHAPES)]
                seed = args.seed + k
                name = f"outside-{rule}-{k}"
                t0 = time.time()
                records, acc, cos = train(
                    rule, shape, seed, data, args.steps, args.checkpoints, args.batch, args.lr, ia
                )
                layers = len(shape) - 1
                for c in sorted(records):
                    for l, values in enumerate(records[c]):
                        for obs, v in values.items():
                            f.write(f"{name},{l},{position(l, layers)},{c},{obs},{v!r},{rule}\n")
                row = {
                    "network": name,
                    "rule": rule,
                    "shape": shape,
                    "seed": seed,
                    "test_accuracy": round(acc, 4),
                    "cos_w_b": [round(x, 3) for x in cos] if rule in ("fa", "ia") else None,
                    "seconds": round(time.time() - t0, 1),
                }
                summary.append(row)
                print(json.dumps(row), flush=True)
    os.replace(tmp, args.out)
    print(
        json.dumps({"networks": len(summary), "seconds": round(time.time() - start, 1), "out": args.out}),
        flush=True,
    )


if __name__ == "__main__":
    main()
