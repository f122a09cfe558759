"""Classify MNIST test images with LeNet-5 weights exported by `lenet export`, in plain NumPy.

    python3 checkpoints/numpy_forward.py WEIGHTS_DIR MNIST_DIR [--count N] [--predictions FILE]

WEIGHTS_DIR holds the ten .npy files (float32 or float64) that `lenet export` writes, and
arch.json naming the activation and pooling (without it: sigmoid and average pooling);
or, for a committee, committee.json and a folder of those per member, whose
probabilities are averaged (then tempered by committee.json's temperature);
their shapes and meaning are in docs/guide.md (Checkpoints). MNIST_DIR holds t10k-images-idx3-ubyte(.gz) and
t10k-labels-idx1-ubyte(.gz). Prints the accuracy on the first N test images; --predictions
writes one guessed digit per line.
"""
import argparse
import gzip
import json
import os

import numpy as np

# LeCun et al. 1998, Table I: the S2 maps each C3 map reads (the same table lenet uses).
C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
            [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
            [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]
NAMES = ["c1_kernels", "c1_biases", "c3_kernels", "c3_biases", "f5_weights", "f5_biases",
         "f6_weights", "f6_biases", "f7_weights", "f7_biases"]


def read_idx(path):
    """An IDX ubyte file, gzip-compressed or raw, as a NumPy array of its dimensions."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    ndim = data[3]
    dims = np.frombuffer(data, ">u4", ndim, 4)
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder, name):
    for p in (os.path.join(folder, name + ".gz"), os.path.join(folder, name)):
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"neither {name}.gz nor {name} in {folder}")


def conv(x, k, b):
    """Valid 5x5 cross-correlation: x (B, C, H, W), k (O, C, 5, 5) -> (B, O, H-4, W-4)."""
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape[2:], axis=(2, 3))
    return np.einsum("bchwij,ocij->bohw", windows, k) + b[None, :, None, None]


ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
}


def pooling(kind):
    """2x2 average or max pooling of (B, C, H, W)."""
    def pool(x):
        b, c, h, w = x.shape
        windows = x.reshape(b, c, h // 2, 2, w // 2, 2)
        return windows.mean(axis=(3, 5)) if kind == "avg" else windows.max(axis=(3, 5))
    return pool


def forward(w, x, arch):
    """Images (B, 1, 28, 28) in [0, 1] -> logits (B, 10)."""
    act, pool = ACTIVATIONS[arch["activation"]], pooling(arch["pool"])
    mask = np.zeros((16, 6, 1, 1), x.dtype)
    for out, ins in enumerate(C3_TABLE):
        mask[out, ins] = 1
    h = pool(act(conv(x, w["c1_kernels"], w["c1_biases"])))             # (B, 6, 12, 12)
    h = pool(act(conv(h, w["c3_kernels"] * mask, w["c3_biases"])))      # (B, 16, 4, 4)
    h = act(h.reshape(len(h), -1) @ w["f5_weights"] + w["f5_biases"])   # (B, 120)
    h = act(h @ w["f6_weights"] + w["f6_biases"])                       # (B, 84)
    return h @ w["f7_weights"] + w["f7_biases"]                         # (B, 10)


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def load(folder):
    """A network's weights and architecture from an exported folder."""
    w = {n: np.load(os.path.join(folder, n + ".npy")) for n in NAMES}
    arch = {"activation": "sigmoid", "pool": "avg"}
    arch_path = os.path.join(folder, "arch.json")
    if os.path.exists(arch_path):
        with open(arch_path) as f:
            arch = json.load(f)
    return w, arch


def probabilities(nets, temperature, x):
    """The committee's probabilities: its members' averaged, then p^(1/T) renormalised."""
    p = np.mean([softmax(forward(w, x, arch).astype(np.float64)) for w, arch in nets], axis=0)
    if temperature not in (0, 1):
        p = p ** (1 / temperature)
        p /= p.sum(1, keepdims=True)
    return p


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("weights")
    p.add_argument("mnist")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--predictions")
    args = p.parse_args()
    committee, temperature = os.path.join(args.weights, "committee.json"), 1
    if os.path.exists(committee):
        with open(committee) as f:
            spec = json.load(f)
        nets = [load(os.path.join(args.weights, m)) for m in spec["members"]]
        temperature = spec.get("temperature", 1)
    else:
        nets = [load(args.weights)]
    dtype = nets[0][0]["c1_kernels"].dtype
    images = read_idx(find(args.mnist, "t10k-images-idx3-ubyte"))[: args.count]
    labels = read_idx(find(args.mnist, "t10k-labels-idx1-ubyte"))[: args.count]
    x = (images.astype(dtype) / 255)[:, None]
    guesses = np.concatenate([probabilities(nets, temperature, x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
    if args.predictions:
        np.savetxt(args.predictions, guesses, fmt="%d")
    print(f"{dtype} weights from {args.weights}: accuracy {100 * np.mean(guesses == labels):.2f}% on {len(labels)} test images")


if __name__ == "__main__":
    main()
