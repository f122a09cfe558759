# Shared by docs/flag.sh and docs/close4.sh, sourced from the repository's root once
# `out` is set: builds lenet and tune into $out. `candidate RUN LABEL FLAGS...` trains
# the built-in model's recipe (a committee of 9, 30 epochs, 5,000 training images held
# out) with FLAGS into $out/RUN, then prints its accuracy on the held-out images (`lenet
# test --split val`), how it reads the scenes drawn from them (`tune heldout`: 1,000
# single digits, 200 numbers, 200 two-line numbers, 200 pictures without digits, seed
# 5) and, to report only, its MNIST test accuracy.
go build -o "$out/lenet" ./cmd/lenet
go build -o "$out/tune" ./internal/tools/tune

candidate() {
  local run=$1 label=$2
  shift 2
  (cd "$out" && ./lenet train --committee 9 --val 5000 --epochs 30 "$@" --out "$run" >/dev/null)
  echo "$label: MNIST held out $("$out/lenet" test --split val --checkpoint "$out/$run" | sed -n "s/^MNIST val: accuracy //p")"
  "$out/tune" heldout "$out/$run"
  echo "  MNIST test (reports only): $("$out/lenet" test --checkpoint "$out/$run" | sed -n 's/^MNIST test: accuracy //p')"
}
