#!/usr/bin/env python3
"""How much LRN normalises in a trained small-preset checkpoint: the size of α·Σa² next to k in conv1 and conv2.

LRN divides by (k + α·Σa²)^β (section 3.3). The paper's α = 1e-4 and k = 2 were chosen for raw 0-255 pixels; with
pixels scaled to 0-1 the activations are far smaller, and when α·Σa² << k, LRN is just a constant ×2^-0.75.

    /usr/bin/python3 bench/lrn_term.py runs/<run>/checkpoint.ckpt [data/fashion-mnist] [images]

Reads our checkpoint format (AlexNet.Training/Training/Checkpoint.cs) and the IDX test images, and replays conv1 →
ReLU → LRN → pool → conv2 → ReLU → LRN with PyTorch (Debian's python3-torch) on the centre crop. Needs a run whose
centre crop is the whole image (--resize-size 28 --crop-padding 2 on Fashion-MNIST).
"""
import gzip, json, struct, sys

import numpy as np
import torch
import torch.nn.functional as F


def read_checkpoint(path):
    b = open(path, "rb").read()
    if b[:8] != b"ALXNCKPT":
        sys.exit(f"{path}: not an AlexNet checkpoint")
    o = 12
    n, = struct.unpack_from("<i", b, o); o += 4
    state = json.loads(b[o:o + n]); o += n
    count, = struct.unpack_from("<i", b, o); o += 4
    tensors = {}
    for _ in range(count):
        length = shift = 0
        while True:  # .NET BinaryWriter string: 7-bit encoded length, then UTF-8
            c = b[o]; o += 1; length |= (c & 0x7F) << shift; shift += 7
            if c < 0x80:
                break
        name = b[o:o + length].decode(); o += length
        dims, = struct.unpack_from("<i", b, o); o += 4
        shape = struct.unpack_from(f"<{dims}q", b, o); o += 8 * dims
        m, = struct.unpack_from("<q", b, o); o += 8
        tensors[name] = torch.from_numpy(np.frombuffer(b, "<f4", m, o).copy()).reshape(shape); o += 4 * m
    return state, tensors


def main():
    path = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else "data/fashion-mnist"
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    state, t = read_checkpoint(path)
    o = state["Options"]
    if not o["Lrn"] or o["Preset"] != "small" or o.get("ResizeSize") != 28:
        sys.exit("needs a small-preset run with LRN at --resize-size 28 (centre crop = the whole image)")
    alpha, k, beta, n = o.get("LrnAlpha", 1e-4), 2.0, 0.75, 5
    paper_init = o["Init"] == 0  # InitScheme.Paper; Kaiming (1) reads 0-1 pixels unless --pixel-scale says otherwise
    scale = o.get("PixelScale") or (1.0 if paper_init else 1 / 255)
    raw = gzip.open(f"{data}/t10k-images-idx3-ubyte.gz").read()
    images = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 28, 28)[:count].astype(np.float32)
    x = torch.from_numpy((images - t["data.mean"].reshape(28, 28).numpy()) * scale).unsqueeze(1)

    def weight(name):
        return torch.cat([t[f"model.towers.{i}.{name}"] for i in range(2)], 0)

    def window_sum(a):  # α·Σ over 5 adjacent channels, inside each tower
        parts = []
        for p in a.chunk(2, 1):
            sq = F.pad(p.square(), [0, 0, 0, 0, n // 2, (n - 1) // 2])
            parts.append(sum(sq.narrow(1, d, p.shape[1]) for d in range(n)) * alpha)
        return torch.cat(parts, 1)

    def report(layer, a):
        s = window_sum(a).flatten()
        change = ((k + s) ** -beta / k ** -beta).min().item()
        print(f"{layer}: α·Σa² median {s.median():.2e}, 99.9th percentile {s.kthvalue(int(s.numel() * 0.999)).values:.2e}, "
              f"max {s.max():.2e} (k = {k:g}); LRN ÷ the constant {k:g}^-{beta:g}: at least {change:.4f}")
        return a / (k + window_sum(a)) ** beta

    print(f"{path}: {state['CompletedEpochs']} epochs, α = {alpha:g}, pixel scale {scale:g}, {len(images)} test images")
    with torch.no_grad():
        a1 = F.relu(F.conv2d(x, weight("conv1.weight"), weight("conv1.bias"), padding=2))
        p1 = F.max_pool2d(report("conv1", a1), 3, 2)
        a2 = F.relu(F.conv2d(p1, weight("conv2.weight"), weight("conv2.bias"), padding=2, groups=2))
        report("conv2", a2)


if __name__ == "__main__":
    main()
