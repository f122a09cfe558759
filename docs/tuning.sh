#!/usr/bin/env bash
# Chooses lenet train --from's defaults (train.DefaultTuning's copies and mix) and
# measures what it learns, on pictures by one writer whose style MNIST lacks
# (robust.WriterDigit, written by internal/tools/writer: simulated, no real person's
# pictures; docs/tuning.md has the figures):
# 1. writes 400 pictures to learn from (seed 1), 500 that choose the settings (seed 3)
#    and 500 that only report (seed 2), each digit alike;
# 2. for each setting, continues the built-in committee on the 400 (a fifth of each
#    digit's held out to choose the epoch) and scores the result on the 500 choosing
#    pictures and on the 5,000 MNIST training images the committee held out (neither
#    run trained on them);
# 3. the rule, fixed before the runs: the most choosing pictures read, then the most of
#    those MNIST images, then the fewest images an epoch (the shortest run);
# 4. with the choice: the reporting pictures and MNIST's test set before and after,
#    learning from 50, 100, 200 and 400 of the pictures; it fails unless the choice is
#    train.DefaultTuning;
# 5. with the defaults, other writers: robust.PenDigit's several styles (flagged and
#    footed 1s, open and closed 4s, curled 9s, ...), 400 pictures learnt, 500 others
#    reporting.
# About 27 minutes on 2 cores. Work files go to $OUT (default: a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=${OUT:-$(mktemp -d)}
go build -o "$out/lenet" ./cmd/lenet
for s in 1 2 3; do
	n=$([ $s = 1 ] && echo 400 || echo 500)
	rm -rf "$out/writer-$s"
	go run ./internal/tools/writer -n "$n" -seed "$s" "$out/writer-$s" >/dev/null
done
accuracy() { # the share of the pictures in $2 (MNIST's test set if none) that the run $1 reads
	"$out/lenet" test --checkpoint "$1" ${2:+--images "$2"} --json | grep -m1 '"accuracy"' | tr -dc '0-9.'
}
cd "$out"
echo "copies mix: choosing pictures read, MNIST held-out images read, seconds"
best=""
for mix in 8000 16000 32000; do
	for copies in 2 8; do
		run="grid-$copies-$mix"
		rm -rf "$run"
		start=$(date +%s)
		gain=$(./lenet train --from builtin --images writer-1 --copies "$copies" --mix "$mix" --out "$run" 2>/dev/null | grep '^your')
		secs=$(($(date +%s) - start))
		kept=$(echo "$gain" | sed -E 's/.*it held out: [0-9.]+% before, ([0-9.]+)% after.*/\1/')
		chose=$(accuracy "$run" writer-3)
		echo "$copies $mix: $chose, $kept, $secs"
		# the rule: most choosing pictures, then most kept MNIST images, then fewest images an epoch
		key=$(printf '%s %s %d' "$chose" "$kept" $((100000 - copies * 320 - mix)))
		if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$key" "${best% *}" | sort -g -k1,1 -k2,2 -k3,3 | tail -1)" = "$key" ]; then
			best="$key $copies/$mix"
		fi
	done
done
chosen=${best##* }
echo "chosen (copies/mix): $chosen"
echo "learning from N pictures with it: reporting pictures before -> after; MNIST test after"
before=$(./lenet test --images writer-2 --json | grep -m1 '"accuracy"' | tr -dc '0-9.')
for n in 50 100 200 400; do
	rm -rf "pictures-$n" "curve-$n"
	mkdir "pictures-$n"
	ls writer-1 | sort -t- -k4 | head -n "$n" | while read -r f; do cp "writer-1/$f" "pictures-$n/"; done
	./lenet train --from builtin --images "pictures-$n" --copies "${chosen%/*}" --mix "${chosen#*/}" --out "curve-$n" >/dev/null 2>&1
	echo "$n: $before -> $(accuracy "curve-$n" writer-2); MNIST test $(accuracy "curve-$n")"
done
defaults=$(./lenet train --help 2>&1 | grep -E -- '--(copies|mix) ' | grep -oE 'default [0-9]+' | tr -dc '0-9\n' | paste -sd/)
echo "lenet train's defaults (copies/mix): $defaults"
[ "$defaults" = "$chosen" ] || { echo "train.DefaultTuning is not the rule's choice" >&2; exit 1; }
for s in 11 12; do
	rm -rf "pen-$s"
	(cd "$repo" && go run ./internal/tools/writer -hand pen -n "$([ $s = 11 ] && echo 400 || echo 500)" -seed "$s" "$out/pen-$s" >/dev/null)
done
rm -rf pen-run
./lenet train --from builtin --images pen-11 --out pen-run >/dev/null 2>&1
echo "other writers (robust.PenDigit), 400 learnt: 500 reporting pictures $(./lenet test --images pen-12 --json | grep -m1 '"accuracy"' | tr -dc '0-9.') -> $(accuracy pen-run pen-12); MNIST test $(accuracy pen-run)"
