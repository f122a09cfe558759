"""lenet's default training run, written in PyTorch, to time lenet against.

The same model (seed LeNet-5: sigmoid, 2x2 average pooling, LeCun's C3 connection table,
Glorot-uniform weights, zero biases), the same recipe (Adam lr 0.005 annealed to 0 by a
cosine over every step, batch 32, 20 epochs, a fresh shuffle each epoch) and the same
kinds of distortion drawn per image (shift +-3 px, zoom 0.8-1.2, rotate +-15 degrees,
shear +-0.3 in one bilinear warp; strokes thickened or thinned by up to 1 px, as grey
dilation or erosion blended between whole radii; a Gaussian blur of width 0-0.75 px),
computed batched with torch ops, then the 10,000 test images evaluated after every epoch,
as `lenet train` does. The random numbers are PyTorch's, so its weights differ from
lenet's; the work per step is the same.

Prints one line per epoch (training seconds, CPU seconds of all threads, loss, test
accuracy) and a last line with the wall time, CPU seconds over wall seconds (cores
busy) and the peak resident memory, for docs/bench/sidebyside.sh to read.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 docs/bench/torch_lenet5.py [--batch 32] [--epochs 20] [--threads N]

(OPENBLAS_NUM_THREADS=1: OpenBLAS's own threads and torch's oversubscribe the cores.)
"""
import argparse
import gzip
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# LeCun et al. 1998, Table I: the S2 maps each C3 map reads.
C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
            [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
            [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]

SHIFT, ZOOM, ROTATE, SHEAR, THICKNESS, BLUR = 3.0, 0.2, 15.0, 0.3, 1.0, 0.75


def mnist_dir():
    """$MNIST_DIR, or GoMNIST's data folder in the Go module cache (lenet's default)."""
    if os.environ.get("MNIST_DIR"):
        return os.environ["MNIST_DIR"]
    cache = os.popen("go env GOMODCACHE").read().strip() or os.path.expanduser("~/go/pkg/mod")
    base = os.path.join(cache, "github.com", "petar")
    for name in sorted(os.listdir(base)):
        if name.startswith("!go!m!n!i!s!t@") or name.startswith("GoMNIST@"):
            return os.path.join(base, name, "data")
    sys.exit(f"no MNIST files under {base}; set MNIST_DIR")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(folder, prefix):
    x = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x.copy()).unsqueeze(1), torch.from_numpy(y.astype(np.int64))


class SeedLeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c3 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.f5, self.f6, self.f7 = nn.Linear(256, 120), nn.Linear(120, 84), nn.Linear(84, 10)
        mask = torch.zeros(16, 6, 1, 1)
        for o, ins in enumerate(C3_TABLE):
            mask[o, ins] = 1
        self.register_buffer("mask", mask)
        for m in (self.c1, self.c3, self.f5, self.f6, self.f7):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.avg_pool2d(torch.sigmoid(self.c1(x)), 2)
        x = F.avg_pool2d(torch.sigmoid(F.conv2d(x, self.c3.weight * self.mask, self.c3.bias)), 2)
        x = torch.sigmoid(self.f5(x.flatten(1)))
        x = torch.sigmoid(self.f6(x))
        return self.f7(x)


def uniform(n, r, gen):
    return (torch.rand(n, generator=gen) * 2 - 1) * r


def morph(x, r, dilate):
    """Grey dilation (or erosion) by the disc of whole radius r (0 or 1 here: 3x3 cross)."""
    if r == 0:
        return x
    y = x if dilate else -x
    p = F.pad(y, (1, 1, 1, 1), value=0.0 if dilate else -0.0)
    out = y
    for dy, dx in ((0, 1), (2, 1), (1, 0), (1, 2)):
        out = torch.maximum(out, p[:, :, dy:dy + 28, dx:dx + 28])
    return out if dilate else -out


def distort(x, gen):
    """One bilinear affine warp, then stroke thickness, then blur, drawn per image."""
    b = x.shape[0]
    deg, scale = uniform(b, ROTATE, gen), 1 + uniform(b, ZOOM, gen)
    dx, dy, shear = uniform(b, SHIFT, gen), uniform(b, SHIFT, gen), uniform(b, SHEAR, gen)
    a = torch.deg2rad(deg)
    cos, sin = torch.cos(a) / scale, torch.sin(a) / scale
    # output -> input in [-1,1] coordinates: undo shift, rotation, scale, shear
    theta = torch.stack([torch.stack([cos + shear * sin, -sin + shear * cos, -dx * 2 / 28], 1),
                         torch.stack([sin, cos, -dy * 2 / 28], 1)], 1)
    x = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), align_corners=False)
    r = uniform(b, THICKNESS, gen).view(b, 1, 1, 1)
    thick, thin = morph(x, 1, True), morph(x, 1, False)
    x = torch.where(r > 0, (1 - r) * x + r * thick, (1 + r) * x - r * thin)
    sigma = (torch.rand(b, generator=gen) * BLUR).clamp_min(0.05)
    t = torch.arange(-2, 3, dtype=torch.float32)
    k = torch.exp(-(t.view(1, 5) / sigma.view(b, 1)) ** 2 / 2)
    k = k / k.sum(1, keepdim=True)  # (b, 5) taps, one Gaussian per image
    xs = x.view(1, b, 28, 28)
    xs = F.conv2d(F.pad(xs, (2, 2, 0, 0)), k.view(b, 1, 1, 5), groups=b)
    xs = F.conv2d(F.pad(xs, (0, 0, 2, 2)), k.view(b, 1, 5, 1), groups=b)
    return xs.view(b, 1, 28, 28).clamp(0, 1)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        right = sum((model(x[i:i + 1000].float() / 255).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    model.train()
    return 100.0 * right / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--lr", type=float, default=0.005)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default=None, help="folder of MNIST's .gz files (default: $MNIST_DIR or the Go module cache)")
    args = p.parse_args()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    folder = args.data or mnist_dir()
    train_x, train_y = load(folder, "train")
    test_x, test_y = load(folder, "t10k")
    model = SeedLeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = len(train_x) // args.batch
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / (steps * args.epochs))))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch}, {args.epochs} epochs", flush=True)
    for epoch in range(1, args.epochs + 1):
        start, cpu = time.perf_counter(), time.process_time()
        order, total = torch.randperm(len(train_x), generator=gen), 0.0
        for i in range(steps):
            idx = order[i * args.batch:(i + 1) * args.batch]
            x = distort(train_x[idx].float() / 255, gen)
            loss = F.cross_entropy(model(x), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        acc = accuracy(model, test_x, test_y)
        print(f"epoch {epoch:2d}  {time.perf_counter() - start:6.2f} s (cpu {time.process_time() - cpu:6.2f} s)  "
              f"loss {total / steps:.4f}  test {acc:.2f}%", flush=True)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {wall:.1f} s wall, {cpu:.1f} s cpu ({cpu / wall:.2f} cores busy), peak RSS {peak:.0f} MiB, test {acc:.2f}%")


if __name__ == "__main__":
    main()
