#!/usr/bin/env bash
# Side by side: reading numbers with this tree's lenet and with the one built from REV
# (a commit), whole processes, alternating, ROUNDS times each:
#   - `lenet read` on 300 pictures of touching numbers (the robustness suite's, written by
#     internal/tools/writenumbers): wall seconds, and whether the two read the same text;
#   - `lenet draw`'s /api/read under 1 and under 8 clients posting those pictures without
#     pause for SECONDS each (internal/tools/readload): readings a second, and the ratio.
# Prints every run and the medians.
#
#   docs/bench/read.sh 87a53a0            # 3 rounds, 10 s of load each
#   ROUNDS=5 SECONDS_EACH=5 docs/bench/read.sh HEAD~3
#
# Needs GNU time (/usr/bin/time). The machine should be otherwise idle; the clients share
# its cores with the server.
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:?usage: docs/bench/read.sh REV}
ROUNDS=${ROUNDS:-3} SECONDS_EACH=${SECONDS_EACH:-10}
out=$(mktemp -d)
trap 'git worktree remove --force "$out/old" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
git worktree add -q --detach "$out/old" "$rev"
(cd "$out/old" && go build -o "$out/lenet-old" ./cmd/lenet)
go build -o "$out/lenet-new" ./cmd/lenet
go build -o "$out/readload" ./internal/tools/readload
go run ./internal/tools/writenumbers -kind touching -n 300 -out "$out/numbers"
for r in $(seq "$ROUNDS"); do
	for b in old new; do
		/usr/bin/time -f "%e" -o "$out/time" "$out/lenet-$b" read --json "$out"/numbers/*.png >"$out/$b.json" 2>/dev/null || true
		echo "read $b $(cat "$out/time")" | tee -a "$out/runs"
	done
done
grep -o '"text":"[^"]*"' "$out/old.json" >"$out/old.text"
grep -o '"text":"[^"]*"' "$out/new.json" >"$out/new.text"
echo "texts read by both: $(wc -l <"$out/new.text"), the same: $(cmp -s "$out/old.text" "$out/new.text" && echo yes || echo no)"
serve() { # build: starts lenet draw, sets url and pid
	"$out/lenet-$1" draw --addr 127.0.0.1:0 --save-dir "$out/saves" >"$out/draw.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		url=$(sed -n 's|^draw at \(http://[^/]*\)/.*|\1|p' "$out/draw.log")
		[ -n "$url" ] && return
		sleep 0.1
	done
	echo "lenet draw did not start"; cat "$out/draw.log"; exit 1
}
for r in $(seq "$ROUNDS"); do
	for b in old new; do
		serve "$b"
		for c in 1 8; do
			n=$("$out/readload" -url "$url" -clients "$c" -for "${SECONDS_EACH}s" "$out/numbers" | awk '{print $(NF-2)}')
			echo "load $b $c $n" | tee -a "$out/runs"
		done
		kill "$pid"
		wait "$pid" || true
	done
done
python3 - "$out/runs" <<'PY'
import statistics, sys
read, load = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "read":
        read.setdefault(f[1], []).append(float(f[2]))
    else:
        load.setdefault((f[1], f[2]), []).append(float(f[3]))
for b in ("old", "new"):
    print(f"median {b}: read 300 pictures {statistics.median(read[b]):.2f} s; "
          f"/api/read {statistics.median(load[(b, '1')]):.1f}/s with 1 client, "
          f"{statistics.median(load[(b, '8')]):.1f}/s with 8 "
          f"({statistics.median(load[(b, '8')]) / statistics.median(load[(b, '1')]):.2f}x)")
print(f"new / old read time: {statistics.median(read['new']) / statistics.median(read['old']):.2f}")
PY
