"""Reference: a deliberately plain NumPy + SciPy LeNet-5, written the way a from-scratch student
project is: one image at a time, every 2-D convolution a scipy.signal call, float64, Adam.

It times training per 1,000 images, extrapolates to an epoch (60,000) and to 20 epochs, and
checks that it learns (accuracy on the first --test test images). --gradcheck compares the
backward pass with finite differences instead.

    /usr/bin/python3 docs/anchors/numpy_lenet.py --train 5000 --test 1000 [--batch 1] [--data DIR]
"""
import argparse
import resource
import statistics
import time

import numpy as np
from scipy.signal import convolve2d, correlate2d

import mnist
from seed_arch import C3_TABLE


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def pool(a):  # (C, H, W) -> (C, H/2, W/2), 2x2 average
    c, h, w = a.shape
    return a.reshape(c, h // 2, 2, w // 2, 2).mean(axis=(2, 4))


def unpool(d):  # gradient of pool: each input pixel gets a quarter of its output's gradient
    return np.repeat(np.repeat(d, 2, axis=1), 2, axis=2) / 4.0


def init_params(rng):
    def uniform(fan_in, *shape):
        bound = 1.0 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape)

    W3 = np.zeros((16, 6, 5, 5))  # kernels C3_TABLE leaves out stay zero and are never used
    for o, ins in enumerate(C3_TABLE):
        W3[o, ins] = uniform(25 * len(ins), len(ins), 5, 5)
    return {
        "W1": uniform(25, 6, 5, 5), "b1": uniform(25, 6),
        "W3": W3, "b3": uniform(150, 16),
        "W5": uniform(256, 120, 256), "b5": uniform(256, 120),
        "W6": uniform(120, 84, 120), "b6": uniform(120, 84),
        "W7": uniform(84, 10, 84), "b7": uniform(84, 10),
    }


def forward(p, x):  # x: (28, 28) -> logits (10,), cache for backward
    a1 = np.empty((6, 24, 24))
    for m in range(6):
        a1[m] = sigmoid(correlate2d(x, p["W1"][m], mode="valid") + p["b1"][m])
    s2 = pool(a1)                                    # (6, 12, 12)
    a3 = np.empty((16, 8, 8))
    for o, ins in enumerate(C3_TABLE):
        z = np.full((8, 8), p["b3"][o])
        for i in ins:
            z += correlate2d(s2[i], p["W3"][o, i], mode="valid")
        a3[o] = sigmoid(z)
    f = pool(a3).reshape(256)                        # (256,)
    h5 = sigmoid(p["W5"] @ f + p["b5"])              # (120,)
    h6 = sigmoid(p["W6"] @ h5 + p["b6"])             # (84,)
    return p["W7"] @ h6 + p["b7"], (x, a1, s2, a3, f, h5, h6)


def loss_and_backward(p, x, label, grads):
    """Cross-entropy loss of one image; adds its gradients into grads."""
    logits, (x, a1, s2, a3, f, h5, h6) = forward(p, x)
    prob = np.exp(logits - logits.max())
    prob /= prob.sum()
    d = prob.copy()
    d[label] -= 1.0                                  # d loss / d logits
    grads["W7"] += np.outer(d, h6); grads["b7"] += d
    d = (p["W7"].T @ d) * h6 * (1 - h6)
    grads["W6"] += np.outer(d, h5); grads["b6"] += d
    d = (p["W6"].T @ d) * h5 * (1 - h5)
    grads["W5"] += np.outer(d, f); grads["b5"] += d
    d3 = unpool((p["W5"].T @ d).reshape(16, 4, 4)) * a3 * (1 - a3)   # (16, 8, 8)
    ds2 = np.zeros((6, 12, 12))
    for o, ins in enumerate(C3_TABLE):
        grads["b3"][o] += d3[o].sum()
        for i in ins:
            grads["W3"][o, i] += correlate2d(s2[i], d3[o], mode="valid")
            ds2[i] += convolve2d(d3[o], p["W3"][o, i], mode="full")
    d1 = unpool(ds2) * a1 * (1 - a1)                                  # (6, 24, 24)
    for m in range(6):
        grads["W1"][m] += correlate2d(x, d1[m], mode="valid")
        grads["b1"][m] += d1[m].sum()
    return -np.log(prob[label] + 1e-12)


class Adam:
    """Kingma & Ba 2015, https://arxiv.org/abs/1412.6980"""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps, self.t = lr, beta1, beta2, eps, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        self.t += 1
        for k in params:
            self.m[k] = self.beta1 * self.m[k] + (1 - self.beta1) * grads[k]       # 1st moment
            self.v[k] = self.beta2 * self.v[k] + (1 - self.beta2) * grads[k] ** 2  # 2nd moment
            m_hat = self.m[k] / (1 - self.beta1 ** self.t)                        # bias corrections
            v_hat = self.v[k] / (1 - self.beta2 ** self.t)
            params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def gradcheck(p, x, label, rng, h=1e-5):
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    loss_and_backward(p, x, label, grads)
    for k in p:
        worst = 0.0
        for _ in range(5):
            idx = tuple(rng.integers(0, n) for n in p[k].shape)
            if k == "W3" and idx[1] not in C3_TABLE[idx[0]]:
                continue
            old = p[k][idx]
            p[k][idx] = old + h; up = loss_and_backward(p, x, label, {q: np.zeros_like(v) for q, v in p.items()})
            p[k][idx] = old - h; down = loss_and_backward(p, x, label, {q: np.zeros_like(v) for q, v in p.items()})
            p[k][idx] = old
            numeric = (up - down) / (2 * h)
            worst = max(worst, abs(numeric - grads[k][idx]) / max(1e-8, abs(numeric) + abs(grads[k][idx])))
        print(f"gradcheck {k}: max relative error {worst:.2e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=mnist.default_dir(), help="folder with the MNIST .gz files (default $MNIST_DIR or the Go module cache)")
    ap.add_argument("--train", type=int, default=5000, help="training images (a random subset)")
    ap.add_argument("--test", type=int, default=1000, help="first N test images to score")
    ap.add_argument("--batch", type=int, default=1, help="images whose summed gradients make one Adam step")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gradcheck", action="store_true")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    train_x, train_y = mnist.load(args.data, "train")
    test_x, test_y = mnist.load(args.data, "t10k")
    train_x, test_x = train_x.astype(np.float64), test_x.astype(np.float64)
    p = init_params(rng)
    if args.gradcheck:
        return gradcheck(p, train_x[0], train_y[0], rng)

    opt = Adam(p, args.lr)
    order = rng.permutation(len(train_x))[:args.train]
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    chunk_secs, loss_sum, start = [], 0.0, time.perf_counter()
    for n, i in enumerate(order, 1):
        loss_sum += loss_and_backward(p, train_x[i], train_y[i], grads)
        if n % args.batch == 0 or n == len(order):
            opt.step(p, {k: g / args.batch for k, g in grads.items()})
            for g in grads.values():
                g.fill(0.0)
        if n % 1000 == 0:
            chunk_secs.append(time.perf_counter() - start)
            print(f"images {n:6d}  {chunk_secs[-1]:6.2f} s per 1,000  mean loss {loss_sum / 1000:.4f}", flush=True)
            loss_sum, start = 0.0, time.perf_counter()

    start = time.perf_counter()
    correct = sum(int(forward(p, test_x[i])[0].argmax() == test_y[i]) for i in range(args.test))
    eval_secs = time.perf_counter() - start
    per_k = statistics.median(chunk_secs)
    print(f"test accuracy {100.0 * correct / args.test:.2f}% on the first {args.test} test images "
          f"after {len(order)} training images (batch {args.batch}); forward only {1000 * eval_secs / args.test:.2f} ms/image")
    print(f"train: median {per_k:.2f} s per 1,000 images -> {60 * per_k:.0f} s per 60,000-image epoch, "
          f"{20 * 60 * per_k / 3600:.2f} h for 20 epochs; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
