#!/usr/bin/env bash
# Chooses --flag, the share of 1s the built-in committee's training gives a flag
# (augment.AddFlag), on images held out from training: for each share, trains
# `lenet train --committee 9 --val 5000 --epochs 30 --flag F` (the built-in model's
# command; share 0 is the committee built in before), then reads the scene suite drawn
# from the 5,000 training images it held out (`tune heldout`: 1,000 single digits, 200
# numbers, 200 two-line numbers, 200 pictures without digits, seed 5) and scores the
# held-out images themselves (`lenet test --split val`); the test images only report. The
# rule, fixed before the results: the most numbers and two lines read whole together,
# among the shares whose held-out MNIST accuracy is no lower than share 0's and that
# reject at least as many pictures without digits less 2 of 200; ties to the smaller
# share. About 30 minutes on 2 cores. Run folders go to $OUT (default: a temporary
# folder).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$(mktemp -d)}
. docs/candidates.sh
for f in 0 0.25 0.5; do
  candidate "runs/c9e30-flag$f" "--flag $f" --flag "$f"
done
