#!/usr/bin/env bash
# Makes the reader's built-in gate (reader/gate), the network that tells a group of ink
# that is writing of digits from every other mark on paper (letters, symbols, scribbles,
# smudges, pictures, a shadow's edge), and chooses reader.GateAt with it:
# 1. `tune marks` writes 120,000 training glyphs (internal/tune's Marks: photos of the
#    55,000 training images the built-in model trained on, of Fashion-MNIST's training
#    clothes, of letters and symbols typeset in the Go fonts, of scribbles, smudges and
#    blank paper, cut into groups as the reader groups ink) and 10,000 test glyphs (from
#    the test images of both, to report only) as IDX files; it needs Debian's
#    dataset-fashion-mnist;
# 2. lenet train --dataset marks trains a committee of five two-class seed LeNet-5s
#    ("not a digit", "a digit") on them without distortions (Marks distorted them
#    already), holding out 5,000 glyphs that choose each member's epoch; its manifest
#    says it classifies reader marks, and reader.UseGate refuses anything else;
# 3. lenet export writes its checkpoint into reader/gate;
# 4. `tune gateat` reads photos of the built-in model's 5,000 held-out images and fails
#    unless reader.GateAt is the threshold tune.GateRule gives.
# Work files go to $OUT (default: a temporary folder); its paths are relative, so the
# manifest names no folder of this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=${OUT:-$(mktemp -d)}
go build -o "$out/lenet" ./cmd/lenet
mkdir -p "$out/marks"
go run ./internal/tools/tune marks "$out/marks"
(cd "$out" && ./lenet train --dataset marks --data marks --no-augment --val 5000 --epochs 12 --committee 5 --out gate-run | tail -1)
rm -rf "$repo/reader/gate"
(cd "$out" && ./lenet export --format checkpoint --checkpoint gate-run --out "$repo/reader/gate")
go run ./internal/tools/tune gateat
