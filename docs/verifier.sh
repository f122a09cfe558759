#!/usr/bin/env bash
# Makes the reader's built-in verifier (reader/verifier), the network that tells a piece
# of ink that is one whole digit from two digits or a part of one, and chooses
# reader.DefaultCutting with it:
# 1. `tune pieces` writes 200,000 training pieces (internal/tune's Pieces: numbers made of the
#    55,000 training images the built-in model trained on, cut as the reader cuts them)
#    and 10,000 test pieces (from the test images, to report only) as IDX files;
# 2. lenet train --dataset pieces trains a two-class seed LeNet-5 (F7 has two outputs:
#    "not one digit", "one digit") on them without distortions (the view's place and size
#    are what it judges), holding out 5,000 pieces that choose its epoch; its manifest
#    says it classifies reader pieces, and reader.UseVerifier refuses anything else;
# 3. lenet export writes its checkpoint into reader/verifier;
# 4. `tune cutting` reads numbers made of the built-in model's 5,000 held-out images
#    with each choice of cutting and fails unless DefaultCutting reads the most whole.
# The same commands give the same weights bit for bit (checked 2026-12-06: only the
# manifest's training seconds differ). About 11 minutes on 2 cores (6 without step 4).
# Work files go to $OUT (default: a temporary folder); its paths are relative, so the
# manifest names no folder of this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=${OUT:-$(mktemp -d)}
go build -o "$out/lenet" ./cmd/lenet
mkdir -p "$out/pieces"
go run ./internal/tools/tune pieces "$out/pieces"
(cd "$out" && ./lenet train --dataset pieces --data pieces --no-augment --val 5000 --epochs 20 --out verifier-run | tail -1)
rm -rf "$repo/reader/verifier"
(cd "$out" && ./lenet export --format checkpoint --checkpoint verifier-run --out "$repo/reader/verifier")
go run ./internal/tools/tune cutting
