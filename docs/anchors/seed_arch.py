"""The seed LeNet-5: its C3 connection table, and (run as a script) its exact arithmetic cost
per image and per epoch, plus this CPU's vector units and an fp32 peak estimate.

    /usr/bin/python3 docs/anchors/seed_arch.py
"""
import os

# LeCun et al. 1998, Table I: which of S2's 6 maps each of C3's 16 maps reads.
C3_TABLE = (
    [[(j + k) % 6 for k in range(3)] for j in range(6)]      # maps 0-5: 3 contiguous
    + [[(j + k) % 6 for k in range(4)] for j in range(6)]    # maps 6-11: 4 contiguous
    + [[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5]]              # maps 12-14: 4 non-contiguous
    + [[0, 1, 2, 3, 4, 5]]                                    # map 15: all 6
)
C3_CONNECTIONS = sum(len(ins) for ins in C3_TABLE)  # 60 of the 96 a full conv would have


def layer_costs():
    """(name, multiply-accumulates, learnable parameters) per layer for one 28x28 image."""
    return [
        ("C1 conv 6@5x5 -> 6x24x24", 6 * 24 * 24 * 25, 6 * 25 + 6),
        ("C3 conv 16@5x5, table -> 16x8x8", C3_CONNECTIONS * 8 * 8 * 25, C3_CONNECTIONS * 25 + 16),
        ("F5 256->120", 256 * 120, 256 * 120 + 120),
        ("F6 120->84", 120 * 84, 120 * 84 + 84),
        ("out 84->10", 84 * 10, 84 * 10 + 10),
    ]


def cpu_facts():
    model, flags, mhz = "?", set(), 0.0
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            key = key.strip()
            if key == "model name":
                model = value.strip()
            elif key == "flags":
                flags = set(value.split())
            elif key == "cpu MHz":
                mhz = float(value)
    return model, flags, mhz, os.cpu_count()


def main():
    costs = layer_costs()
    macs = sum(c[1] for c in costs)
    params = sum(c[2] for c in costs)
    c1_macs = costs[0][1]
    # Backward: a weight-gradient pass per layer (= forward MACs) plus an input-gradient pass
    # for every layer except C1, whose input is the image.
    train_macs = 3 * macs - c1_macs
    # Non-MAC work: pooling sums, sigmoids, bias adds (forward only, for scale).
    pool_adds = 6 * 12 * 12 * 4 + 16 * 4 * 4 * 4
    sigmoids = 6 * 24 * 24 + 16 * 8 * 8 + 120 + 84
    print(f"{'layer':34s} {'MACs':>9s} {'params':>7s}")
    for name, m, p in costs:
        print(f"{name:34s} {m:9,d} {p:7,d}")
    print(f"{'total':34s} {macs:9,d} {params:7,d}")
    print(f"C3 with a full 6->16 conv instead of the table: {16 * 6 * 8 * 8 * 25:,d} MACs")
    print(f"other forward work: {pool_adds:,d} pooling adds, {sigmoids:,d} sigmoids")
    print(f"forward FLOPs/image (2 per MAC): {2 * macs:,d}")
    print(f"train FLOPs/image, 3x forward rule: {6 * macs:,d}; exact (no C1 input grad): {2 * train_macs:,d}")
    for n, label in [(60000, "epoch (60,000 images)"), (20 * 60000, "20 epochs")]:
        print(f"train FLOPs per {label}: {6 * macs * n / 1e9:,.1f} GFLOP (3x rule)")
    model, flags, mhz, cores = cpu_facts()
    has = {f: f in flags for f in ("avx", "avx2", "fma", "avx512f")}
    print(f"CPU: {model}, {cores} logical CPUs, {mhz:.0f} MHz reported; " + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in has.items()))
    # fp32 lanes per vector x 2 FLOPs per FMA x FMA pipes per core (2 on Zen 2/3/4 and most Intel cores).
    lanes = 16 if has["avx512f"] else 8 if has["avx2"] else 4
    per_core = lanes * 2 * 2 * mhz / 1e3
    print(f"fp32 peak estimate: {lanes} lanes x 2 (FMA) x 2 pipes x {mhz / 1e3:.2f} GHz = {per_core:.0f} GFLOP/s/core, {per_core * cores:.0f} for {cores} cores")
    print(f"=> an epoch at peak would take {6 * macs * 60000 / (per_core * cores * 1e9):.2f} s (3x rule)")


if __name__ == "__main__":
    main()
