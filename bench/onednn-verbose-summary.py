#!/usr/bin/env python3
"""Counts the oneDNN primitives a run executed, from its ONEDNN_VERBOSE=1 log (oneDNN 3.x format).

usage: python3 bench/onednn-verbose-summary.py LOG [STEPS]

Convolutions are listed by direction and implementation, with their problem (mb128_ic1oc96_...); reorders are split
into activation reorders (4-d tensors whose H x W is a map size some convolution reads or writes) and weight reorders
(kernels, grouped 5-d kernels, biases), activations with their source and destination layouts (abcd = NCHW,
acdb = NHWC, aBcd16b = oneDNN's blocked layout). With STEPS, the counts at the training mini-batch (the largest mb)
are also given per step. Times in the log are printed as summed, for orientation only.
"""
import collections
import re
import sys


def main(path, steps=None):
    execs = []
    for line in open(path, errors="replace"):
        if not line.startswith("onednn_verbose,") or ",exec," not in line:
            continue
        f = line.rstrip("\n").split(",")
        if f[2] != "primitive":
            continue
        execs.append(f)
    maps = set()       # (h, w) every convolution reads or writes
    batches = collections.Counter()
    for f in execs:
        if f[5] == "convolution":
            p = f[11]
            mb = int(re.search(r"mb(\d+)", p).group(1))
            batches[mb] += 1
            for side in ("i", "o"):
                h = re.search(side + r"h(\d+)", p)
                w = re.search(side + r"w(\d+)", p)
                if h and w:
                    maps.add((int(h.group(1)), int(w.group(1))))
    training = max(batches) if batches else None
    convs = collections.Counter()
    reorders = collections.Counter()
    times = collections.defaultdict(float)
    by_batch = collections.Counter()
    for f in execs:
        kind, impl, prop, mds, time = f[5], f[6], f[7], f[8], float(f[-1])
        if kind == "convolution":
            p = f[11]
            mb = int(re.search(r"mb(\d+)", p).group(1))
            layer = re.sub(r"^mb\d+_", "", p).split("_")[0]
            src = re.search(r"src:\S*?blocked:(\w+)", mds).group(1)
            key = ("convolution", prop, impl, layer, f"src {src}", f"mb{mb}")
            by_batch[(mb, "convolution")] += 1
        elif kind == "reorder":
            dims = [int(d) for d in f[-2].split("x")]
            formats = re.findall(r"blocked:(\w+)", mds)
            if len(dims) == 4 and (dims[2], dims[3]) in maps:
                key = ("reorder", "activations", f"{formats[0]} -> {formats[1]}", f[-2])
                by_batch[(dims[0], "activation reorder")] += 1
            else:
                key = ("reorder", "weights", f"{formats[0]} -> {formats[1]}", f[-2])
                by_batch[("any", "weight reorder")] += 1
        else:
            key = (kind, impl, prop)
        convs[key] += 1
        times[key] += time
    total_act = sum(n for k, n in convs.items() if k[:2] == ("reorder", "activations"))
    total_wei = sum(n for k, n in convs.items() if k[:2] == ("reorder", "weights"))
    total_conv = sum(n for k, n in convs.items() if k[0] == "convolution")
    print(f"{path}: {len(execs)} primitive executions: {total_conv} convolutions, {total_act} activation reorders, "
          f"{total_wei} weight reorders, {len(execs) - total_conv - total_act - total_wei} other")
    if steps and training:
        act = by_batch[(training, "activation reorder")]
        conv = by_batch[(training, "convolution")]
        print(f"at the training mini-batch (mb{training}), per step over {steps} steps: {conv / steps:g} convolutions, "
              f"{act / steps:g} activation reorders")
    print()
    print("| count | primitive | what | summed ms |")
    print("|---:|---|---|---:|")
    for k in sorted(convs, key=lambda k: (k[0], k[1], str(k[2:]))):
        print(f"| {convs[k]} | {k[0]} | {' '.join(k[1:])} | {times[k]:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
