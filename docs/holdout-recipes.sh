#!/usr/bin/env bash
# Chooses among candidate recipes without the test set: each candidate trains for 20
# epochs on MNIST's first 50,000 training images (seed 1), then its last checkpoint is
# scored on the other 10,000 (docs/holdout.py): clean, on a copy shifted, rotated and
# scaled as people write, and under the robustness suite. Prints a table; docs/results.md's
# "Choosing the default on held-out images" comes from it. About 2 minutes a candidate on
# 2 cores.
#   bash docs/holdout-recipes.sh [OUT]        # OUT defaults to runs/holdout-recipes
set -euo pipefail
out=${1:-runs/holdout-recipes}
lenet=${LENET:-go run ./cmd/lenet}
holdout=$out/holdout
[ -e "$holdout/t10k-labels-idx1-ubyte.gz" ] || /usr/bin/python3 docs/holdout.py "$holdout"
# Every distortion flag is given, so that a candidate does not depend on the defaults.
d() { echo "--shift $1 --zoom $2 --rotate $3 --shear $4 --thickness $5 --blur $6 --noise $7 --clean $8 --elastic 0,0"; }
names=(old-default M M-clean25 M-clean50 M-blur05-clean25 M-thick075-clean25)
declare -A candidates=(
  [old-default]="$(d 2 0.1 10 0 0 0 0 0)"
  [M]="$(d 3 0.2 15 0.3 1 0.75 0 0)"
  [M-clean25]="$(d 3 0.2 15 0.3 1 0.75 0 0.25)"
  [M-clean50]="$(d 3 0.2 15 0.3 1 0.75 0 0.5)"
  [M-blur05-clean25]="$(d 3 0.2 15 0.3 1 0.5 0 0.25)"
  [M-thick075-clean25]="$(d 3 0.2 15 0.3 0.75 0.75 0 0.25)"
)
printf "%-20s %8s %10s %11s\n" candidate clean distorted suite-mean
for name in "${names[@]}"; do
  run=$out/$name
  [ -e "$run/latest" ] || $lenet train --limit 50000 --out "$run" ${candidates[$name]} > /dev/null
  $lenet test --data "$holdout" --checkpoint "$run/latest" --shift 4 --rotate 15 --zoom 0.2 > "$run/test.txt"
  clean=$(sed -n 's/^MNIST test: accuracy \([0-9.]*\)%.*/\1/p' "$run/test.txt")
  distorted=$(sed -n 's/^distorted copy .*: \([0-9.]*\)% .*/\1/p' "$run/test.txt")
  [ -s "$run/robustness.txt" ] || $lenet robustness --data "$holdout" --checkpoint "$run/latest" > "$run/robustness.txt"
  mean=$(sed -n 's/^mean over the suite *\([0-9.]*\)%.*/\1/p' "$run/robustness.txt")
  printf "%-20s %7s%% %9s%% %10s%%\n" "$name" "$clean" "$distorted" "$mean"
done
