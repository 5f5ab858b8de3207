#!/usr/bin/python3
"""PyTorch reference for bench/: the same two-tower AlexNet (grouped convolutions where the towers stay apart,
LRN inside each tower with k=2, n=5, alpha=1e-4 as the paper writes it (5e-4 in PyTorch's convention), beta=0.75,
overlapping 3/2 max-pooling, dropout 0.5 on fc6 and fc7), trained with SGD (momentum 0.9, weight decay 5e-4,
lr 0.01) on random batches of ready tensors. Needs Debian's python3-torch (run with /usr/bin/python3).

  /usr/bin/python3 bench/pytorch_reference.py train --preset small --seconds 5
  /usr/bin/python3 bench/pytorch_reference.py serve     # one JSON request per line on stdin, used by AlexNet.Bench
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# (kernels per tower, kernel, stride, padding, reads both towers, LRN, max-pool): section 3.5 / the small preset.
PRESETS = {
    "paper": dict(channels=3, classes=1000, size=227, fc=2048, convs=[
        (48, 11, 4, 0, False, True, True), (128, 5, 1, 2, False, True, True), (192, 3, 1, 1, True, False, False),
        (192, 3, 1, 1, False, False, False), (128, 3, 1, 1, False, False, True)]),
    "small": dict(channels=1, classes=10, size=28, fc=512, convs=[
        (32, 5, 1, 2, False, True, True), (64, 5, 1, 2, False, True, True), (96, 3, 1, 1, True, False, False),
        (96, 3, 1, 1, False, False, False), (64, 3, 1, 1, False, False, True)]),
}


class AlexNet(nn.Module):
    def __init__(self, channels, classes, size, fc, convs, towers=2):
        super().__init__()
        self.towers, self.spec = towers, convs
        layers, in_ch, side = [], channels, size
        for i, (k_out, k, s, p, both, lrn, pool) in enumerate(convs):
            groups = 1 if i == 0 or both else towers
            layers.append(nn.Conv2d(in_ch, k_out * towers, k, s, p, groups=groups))
            in_ch = k_out * towers
            side = (side + 2 * p - k) // s + 1
            if pool:
                side = (side - 3) // 2 + 1
        self.convs = nn.ModuleList(layers)
        self.fc6 = nn.Linear(in_ch * side * side, fc * towers)
        self.fc7 = nn.Linear(fc * towers, fc * towers)
        self.fc8 = nn.Linear(fc * towers, classes)

    def forward(self, x):
        for conv, (_, _, _, _, _, lrn, pool) in zip(self.convs, self.spec):
            x = F.relu(conv(x))
            if lrn:  # inside each tower (section 3.3)
                x = torch.cat([F.local_response_norm(t, 5, alpha=5e-4, beta=0.75, k=2.0) for t in x.chunk(self.towers, 1)], 1)
            if pool:
                x = F.max_pool2d(x, 3, 2)
        x = x.flatten(1)
        x = F.dropout(F.relu(self.fc6(x)), 0.5, self.training)
        x = F.dropout(F.relu(self.fc7(x)), 0.5, self.training)
        return self.fc8(x)


class Reference:
    def __init__(self, preset, batch):
        torch.manual_seed(1)
        p = PRESETS[preset]
        self.model = AlexNet(**p)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        self.x = torch.randn(batch, p["channels"], p["size"], p["size"])
        self.y = torch.randint(0, p["classes"], (batch,))
        self.batch = batch

    def train_step(self):
        self.model.train()
        loss = F.cross_entropy(self.model(self.x), self.y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        loss.item()
        return self.batch

    def infer_step(self):
        self.model.eval()
        with torch.no_grad():
            self.model(self.x).softmax(1).numpy()
        return self.batch


def measure(step, seconds):
    start, done, steps = time.perf_counter(), 0, 0
    while steps < 1 or time.perf_counter() - start < seconds:
        done += step()
        steps += 1
    return done / (time.perf_counter() - start), steps


def sgemm_gflops(rounds=3):
    """The best of a few 2048x2048 float32 products: the peer's own ceiling. Debian's python3-torch multiplies through
    whatever libblas.so.3 the system selects: the reference BLAS (about 6 GFLOP/s here) unless OpenBLAS is installed
    (libopenblas0-pthread, about 190), which moves its fully connected layers by 30x and its training step by 2.6x."""
    a = torch.randn(2048, 2048)
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        a @ a
        best = max(best, 2 * 2048 ** 3 / (time.perf_counter() - start) / 1e9)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("op", choices=["train", "infer", "serve"])
    ap.add_argument("--preset", default="small", choices=list(PRESETS))
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (Debian's torch starts with 1 here)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cache = {}

    def run(op, preset, batch, seconds):
        ref = cache.get((preset, batch)) or cache.setdefault((preset, batch), Reference(preset, batch))
        rate, steps = measure(ref.train_step if op == "train" else ref.infer_step, seconds)
        return {"rate": rate, "steps": steps, "threads": torch.get_num_threads(), "torch": torch.__version__}

    if args.op != "serve":
        print(json.dumps(run(args.op, args.preset, args.batch, args.seconds)))
        return
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "sgemm": sgemm_gflops()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        if r["op"] == "quit":
            break
        print(json.dumps(run(r["op"], r["preset"], r["batch"], r["seconds"])), flush=True)


if __name__ == "__main__":
    main()
