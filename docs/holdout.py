"""Writes MNIST's last 10,000 training images, as a test set, into a folder.

A recipe trained with `lenet train --limit 50000` never sees them, so they can choose
among recipes without the test set's help:

    /usr/bin/python3 docs/holdout.py runs/holdout
    lenet test --data runs/holdout --checkpoint RUN/latest
    lenet robustness --data runs/holdout --checkpoint RUN/latest

The images come from the Go module cache, where `lenet train` finds them ($MNIST_DIR
overrides), and are written under MNIST's test file names, gzip-compressed.
"""
import gzip
import os
import struct
import subprocess
import sys

HOLDOUT = 10000


def mnist_dir():
    if os.environ.get("MNIST_DIR"):
        return os.environ["MNIST_DIR"]
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    base = os.path.join(cache or os.path.expanduser("~/go/pkg/mod"), "github.com", "petar")
    for name in sorted(os.listdir(base)):
        if name.startswith("!go!m!n!i!s!t@"):
            return os.path.join(base, name, "data")
    sys.exit(f"no GoMNIST under {base}: run `go mod download` in the repository, or set MNIST_DIR")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out, src = sys.argv[1], mnist_dir()
    os.makedirs(out, exist_ok=True)
    with gzip.open(os.path.join(src, "train-images-idx3-ubyte.gz")) as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        images = f.read()
    with gzip.open(os.path.join(src, "train-labels-idx1-ubyte.gz")) as f:
        lmagic, lcount = struct.unpack(">II", f.read(8))
        labels = f.read()
    assert (magic, lmagic, count, lcount) == (2051, 2049, 60000, 60000), "not MNIST's training files"
    size = rows * cols
    with gzip.open(os.path.join(out, "t10k-images-idx3-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">IIII", magic, HOLDOUT, rows, cols) + images[(count - HOLDOUT) * size:])
    with gzip.open(os.path.join(out, "t10k-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">II", lmagic, HOLDOUT) + labels[count - HOLDOUT:])
    print(f"{out}: training images {count - HOLDOUT + 1} to {count} as a {HOLDOUT}-image test set")


if __name__ == "__main__":
    main()
