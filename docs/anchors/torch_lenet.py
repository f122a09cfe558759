"""Reference: train the seed LeNet-5 with PyTorch on the CPU and time it.

Prints, per epoch: training wall seconds (the step loop only) with the CPU seconds all
threads used meanwhile, mean training loss, test accuracy on all 10,000 test images and on
each half, evaluation seconds; then the median epoch time and the process's peak memory.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 docs/anchors/torch_lenet.py --batch 64 --epochs 3 [--augment] [--data DIR]

(Without OPENBLAS_NUM_THREADS=1, OpenBLAS's threads and torch's oversubscribe 2 cores: 2-4x slower.)
"""
import argparse
import math
import os
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import mnist
from seed_arch import C3_TABLE

# Distortions for --augment, drawn per image.
SHIFT_PX = 2.0      # translation, uniform in +-2 px
ROTATE_DEG = 10.0   # rotation, uniform in +-10 degrees
SCALE = (0.9, 1.1)  # zoom, uniform
NOISE_STD = 0.1     # additive gaussian pixel noise, then clamped to [0,1]


class SeedLeNet5(nn.Module):
    """1x28x28 -> C1 6x24x24 -> S2 6x12x12 -> C3 16x8x8 -> S4 16x4x4 (256) -> 120 -> 84 -> 10."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c3 = nn.Conv2d(6, 16, 5)
        mask = torch.zeros(16, 6, 1, 1)
        for out, ins in enumerate(C3_TABLE):
            mask[out, ins] = 1.0
        self.register_buffer("c3_mask", mask)  # (16, 6, 1, 1): unconnected kernels stay zero
        self.f5 = nn.Linear(256, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)

    def forward(self, x):  # x: (B, 1, 28, 28)
        x = F.avg_pool2d(torch.sigmoid(self.c1(x)), 2)                                  # (B, 6, 12, 12)
        x = F.avg_pool2d(torch.sigmoid(F.conv2d(x, self.c3.weight * self.c3_mask, self.c3.bias)), 2)  # (B, 16, 4, 4)
        x = torch.sigmoid(self.f5(x.flatten(1)))                                         # (B, 120)
        x = torch.sigmoid(self.f6(x))                                                    # (B, 84)
        return self.out(x)                                                               # (B, 10) logits


def augment(x, gen):
    """Random shift, rotation, zoom (one affine warp, bilinear) and gaussian noise per image."""
    b = x.shape[0]
    angle = (torch.rand(b, generator=gen) * 2 - 1) * math.radians(ROTATE_DEG)
    scale = SCALE[0] + torch.rand(b, generator=gen) * (SCALE[1] - SCALE[0])
    shift = (torch.rand(b, 2, generator=gen) * 2 - 1) * SHIFT_PX * 2 / 28  # px -> [-1,1] units
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale  # theta maps output -> input
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return (x + torch.randn(x.shape, generator=gen) * NOISE_STD).clamp_(0, 1)


def evaluate(model, images, labels):
    model.eval()
    with torch.no_grad():
        correct = torch.cat([model(images[i:i + 1000]).argmax(1) == labels[i:i + 1000] for i in range(0, len(images), 1000)])
    model.train()
    half = len(correct) // 2
    return [100.0 * c.float().mean().item() for c in (correct, correct[:half], correct[half:])]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=mnist.default_dir(), help="folder with the MNIST .gz files (default $MNIST_DIR or the Go module cache)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--augment", action="store_true", help="distort every training batch")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    train_x, train_y = (torch.from_numpy(a) for a in mnist.load(args.data, "train"))
    test_x, test_y = (torch.from_numpy(a) for a in mnist.load(args.data, "t10k"))
    train_x, test_x = train_x.unsqueeze(1), test_x.unsqueeze(1)  # (N, 1, 28, 28) float32
    model = SeedLeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch}, augment {args.augment}, data {args.data}")

    epoch_secs = []
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(train_x), generator=gen)
        total_loss, start, cpu_start = 0.0, time.perf_counter(), time.process_time()
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            x = augment(train_x[idx], gen) if args.augment else train_x[idx]
            loss = F.cross_entropy(model(x), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total_loss += loss.item() * len(idx)
        epoch_secs.append(time.perf_counter() - start)
        cpu_secs = time.process_time() - cpu_start  # all threads; >> wall x threads means spinning
        start = time.perf_counter()
        acc, first, last = evaluate(model, test_x, test_y)
        print(f"epoch {epoch:2d}  train {epoch_secs[-1]:6.2f} s (cpu {cpu_secs:6.2f} s)  loss {total_loss / len(order):.4f}  "
              f"test {acc:.2f}% (first half {first:.2f}%, last half {last:.2f}%)  eval {time.perf_counter() - start:.2f} s", flush=True)

    assert torch.all(model.c3.weight.grad * (1 - model.c3_mask) == 0), "masked C3 kernels received gradient"
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"median epoch {statistics.median(epoch_secs):.2f} s over {len(epoch_secs)} epochs "
          f"({60000 / statistics.median(epoch_secs):,.0f} images/s); peak RSS {peak_mib:.0f} MiB; "
          f"load average at end {os.getloadavg()[0]:.2f} (other work on the machine slows the timings)")


if __name__ == "__main__":
    main()
