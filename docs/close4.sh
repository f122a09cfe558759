#!/usr/bin/env bash
# Chooses --close4, the share of 4s whose open top the built-in committee's training
# closes (augment.AddClosedTop), on images held out from training, as docs/flag.sh chose
# --flag and with its rule, fixed before the run of 0.5: for each share, trains
# `lenet train --committee 9 --val 5000 --epochs 30 --flag 0.5 --close4 C` (share 0 is
# the committee built in with --flag 0.5), reads the scenes drawn from the 5,000 training
# images it held out (`tune heldout`) and scores the held-out images themselves; the test
# images only report. The rule: the most numbers and two lines read whole together, among
# the shares whose held-out MNIST accuracy is no lower than share 0's and that reject at
# least as many pictures without digits less 2 of 200; ties to the smaller share. The
# choice was a near-tie (2 pictures of 400), so each committee then reads a larger draw
# from the same held-out images (seeds 6 and 8, 400 numbers and 400 two-line pictures
# each): the rule's count over all of them settles it. Then 0.25, a smaller share, by
# the same rule (2026-12-07). About 35 minutes on 2 cores. Run folders go to $OUT
# (default: a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$(mktemp -d)}
. docs/candidates.sh
for c in 0 0.5 0.25; do
  candidate "runs/c9e30-close$c" "--close4 $c" --flag 0.5 --close4 "$c"
  for seed in 6 8; do "$out/tune" heldout "$out/runs/c9e30-close$c" "$seed" 400; done
done
