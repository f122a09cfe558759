#!/usr/bin/env bash
# Side by side: lenet's default training run against the same run in PyTorch
# (docs/bench/torch_lenet5.py), whole processes, alternating lenet, PyTorch, lenet, ...,
# ROUNDS times each; prints every run and the medians: wall seconds, cores busy (CPU
# seconds over wall seconds) and peak resident memory, and lenet's ratio to PyTorch.
#
#   docs/bench/sidebyside.sh                    # 20 epochs, batch 32, 2 rounds
#   EPOCHS=3 ROUNDS=3 TORCH_BATCH=64 docs/bench/sidebyside.sh
#
# Needs Debian's python3-torch and GNU time (/usr/bin/time). The machine should be
# otherwise idle (it prints the load average and the busiest processes before and
# after); on a shared machine compare only ratios from one sequence.
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${EPOCHS:-20} ROUNDS=${ROUNDS:-2} BATCH=${BATCH:-32} TORCH_BATCH=${TORCH_BATCH:-$BATCH}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/lenet" ./cmd/lenet
run() { # name, command...: one timed run, a line "name wall user sys maxrss_kib"
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
	echo "$name $(cat "$out/time")" | tee -a "$out/runs"
}
# Is the machine quiet? The cores busy over 5 s (from /proc/stat) and the load average,
# before and after the runs.
quiet() {
	local a b
	a=$(head -1 /proc/stat)
	sleep 5
	b=$(head -1 /proc/stat)
	awk -v a="$a" -v b="$b" -v n="$(nproc)" -v when="$1" 'BEGIN {
		split(a, x); split(b, y); total = 0; idle = 0
		for (i = 2; i <= 9; i++) total += y[i] - x[i]
		idle = (y[5] - x[5]) + (y[6] - x[6])
		printf "%s: %.2f of %d cores busy over 5 s; ", when, n * (1 - idle / total), n }'
	echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
quiet before
for r in $(seq "$ROUNDS"); do
	rm -rf "$out/run"
	run lenet "$out/lenet" train --epochs "$EPOCHS" --batch "$BATCH" --out "$out/run"
	run pytorch env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 docs/bench/torch_lenet5.py --epochs "$EPOCHS" --batch "$TORCH_BATCH"
done
quiet after
python3 - "$out/runs" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
med = {n: [statistics.median(v[i] for v in r) for i in range(3)] for n, r in runs.items()}
for n, (wall, cpu, rss) in med.items():
    print(f"median {n:8s} {wall:7.1f} s wall  {cpu / wall:.2f} cores busy  peak {rss:4.0f} MiB  ({len(runs[n])} runs)")
print(f"lenet / pytorch wall time: {med['lenet'][0] / med['pytorch'][0]:.2f}")
PY
