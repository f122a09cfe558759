#!/usr/bin/env bash
# Chooses reader.SureAt, the probability from which lenet read and predict call a digit
# sure, on images held out from training: trains the default recipe on MNIST's first
# 50,000 training images, then TestChooseSureAt draws the last 10,000 as phone photos,
# reads them back and prints, for each threshold, how often that model is sure and how
# often it is right then; it fails unless SureAt is what its rule gives. About 3 minutes
# on 2 cores. The run folder goes to $OUT (default: a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$(mktemp -d)/holdout50k}
go run ./cmd/lenet train --limit 50000 --out "$out"
go test ./reader -run TestChooseSureAt -v -args -holdout "$out/latest"
