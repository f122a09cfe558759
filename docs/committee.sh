#!/usr/bin/env bash
# Chooses the built-in committee's size and its members' epochs on the images its members
# held out: for 20 and for 30 epochs, trains `lenet train --committee 9 --val 5000
# --epochs E` (nine seed LeNet-5s, seeds 1-9, all holding out the same 5,000 training
# images drawn by seed 1), then makes the committees of its first 3, 5 and 7 members,
# each exactly what `lenet train --committee K --val 5000 --epochs E` makes (the same
# members, bit for bit: member K's run depends only on its seed and the held-out images),
# without training them again, and scores each on the held-out images (`lenet test
# --split val`) and, to report only, on the test images. The rule, fixed before the
# results: the highest validation accuracy, ties to the cheaper committee (fewer members
# times epochs). About 25 minutes on 2 cores. Run folders go to $OUT (default: a
# temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$(mktemp -d)}
go build -o "$out/lenet" ./cmd/lenet
lenet="$out/lenet"
printf '%-8s %-10s %-22s %-22s %s\n' epochs committee "validation (5,000)" "test (10,000)" "calibration on test"
for e in 20 30; do
  nine="runs/e$e-committee9"
  (cd "$out" && "$lenet" train --committee 9 --val 5000 --epochs "$e" --out "$nine" >/dev/null)
  for k in 3 5 7; do
    dir="$out/runs/e$e-committee$k"
    mkdir -p "$dir"
    for m in $(seq 1 "$k"); do cp -a "$out/$nine/member-$m" "$dir/"; done
    # The run's plan, as `lenet train --committee K --val 5000 --epochs E` writes it.
    sed -e "s/\"size\": 9/\"size\": $k/" -e "s|--committee 9 --val 5000 --epochs $e --out $nine|--committee $k --val 5000 --epochs $e --out runs/e$e-committee$k|" \
      "$out/$nine/committee.json" >"$dir/committee.json"
    (cd "$out" && "$lenet" train --resume "runs/e$e-committee$k" >/dev/null) # assembles, trains nothing
  done
  for k in 1 3 5 7 9; do
    ckpt="$out/runs/e$e-committee$k"
    [ "$k" = 1 ] && ckpt="$out/$nine/member-1"
    val=$("$lenet" test --split val --checkpoint "$ckpt" | sed -n 's/^MNIST val: accuracy //p')
    test=$("$lenet" test --checkpoint "$ckpt")
    acc=$(sed -n 's/^MNIST test: accuracy //p' <<<"$test")
    cal=$(grep -o 'expected calibration error [0-9.]*%' <<<"$test")
    printf '%-8s %-10s %-22s %-22s %s\n' "$e" "$k" "$val" "$acc" "$cal"
  done
done
