"""Projects lenet's epoch time on more cores from benchmarks measured on this machine.

    go test ./graph ./augment -run X -bench 'Share|Update|Evaluate|Distort/default' -count 5 | python3 docs/bench/project.py

A training step of batch B has shares = lenet's graph.Shares(B) parts of 16 images or
more, run by min(shares, cores) goroutines, each taking its shares in turn
(BenchmarkShare: one share's forward and backward pass); the update (BenchmarkUpdate,
one goroutine) is split among those goroutines. Distorting the batch
(BenchmarkDistort/default, per image) runs on the cores the trainer leaves, or, when it
leaves none, on the trainer's goroutines while they would wait. Evaluating the 10,000
test images (BenchmarkEvaluate, on 2 cores) splits over every core. Assumed: the cores
are as fast as this machine's and do not slow each other down (memory bandwidth, shared
caches); the medians of the runs are used.
"""
import re
import statistics
import sys

STEPS = {32: 1875, 64: 937, 128: 468}   # 60,000 images a batch at a time
SHARES = {32: 2, 64: 4, 128: 8}         # graph.Shares
SHARE_IMAGES = 16

times = {}
for line in sys.stdin:
    m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        times.setdefault(m.group(1), []).append(float(m.group(2)) / 1e9)
need = ["Share", "Update", "Evaluate", "Distort/default_(shear,_thickness,_blur)"]
missing = [n for n in need if n not in times]
if missing:
    sys.exit(f"missing benchmarks: {missing}")
share, update, evaluate, distort = (statistics.median(times[n]) for n in need)
evaluate_core_seconds = 2 * evaluate  # measured on 2 cores


def epoch(batch, cores):
    shares, steps = SHARES[batch], STEPS[batch]
    goroutines = min(shares, cores)
    rounds = -(-shares // goroutines)  # shares a goroutine runs in turn
    step = rounds * share + update * shares / 2 / goroutines  # update measured for 2 shares
    distortion = batch * distort
    spare = cores - goroutines
    if spare > 0:
        step = max(step, distortion / spare)  # workers keep up, or the step waits for them
    else:
        step += distortion / goroutines
    return steps * step + evaluate_core_seconds / cores


print(f"measured: share {share * 1e3:.2f} ms, update {update * 1e3:.2f} ms, distortion {distort * 1e6:.1f} us an image, "
      f"evaluation {evaluate:.3f} s on 2 cores")
print("| cores | batch 32 | batch 64 | batch 128 |")
print("|---:|---:|---:|---:|")
for cores in (2, 4, 8, 16):
    print(f"| {cores} | " + " | ".join(f"{epoch(b, cores):.2f} s" for b in (32, 64, 128)) + " |")
