"""Independent reference for the exported AlexNet: a PyTorch forward pass of the same weights.

Reads the architecture from the model's metadata and the weights from its initializers by name,
then runs torch.nn.functional ops (grouped conv, per-tower LRN, max-pool, linear) on a raw float32
input file and writes the logits as raw float32.
usage: reference_forward.py MODEL.onnx INPUT.f32 LOGITS.f32
"""
import json
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
meta = {p.key: p.value for p in model.metadata_props}
arch = json.loads(meta["alexnet.architecture"])
w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}

towers = arch["Towers"]
channels, size = arch["InputChannels"], arch["InputSize"]
x = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.float32)).reshape(-1, channels, size, size)
act = torch.relu if arch["Activation"] == "Relu" else torch.tanh
lrn = arch.get("Lrn")

with torch.no_grad():
    for i, c in enumerate(arch["Convs"]):
        groups = 1 if i == 0 or c["ReadsBothTowers"] else towers
        x = F.conv2d(x, w[c["Name"] + ".weight"], w[c["Name"] + ".bias"],
                     stride=c["Stride"], padding=c["Padding"], groups=groups)
        x = act(x)
        if lrn is not None and c["LocalResponseNorm"]:
            # torch's alpha is divided by n, like ONNX: the paper's alpha times n.
            parts = torch.chunk(x, towers, dim=1)
            x = torch.cat([F.local_response_norm(p, lrn["Size"], alpha=lrn["Alpha"] * lrn["Size"],
                                                 beta=lrn["Beta"], k=lrn["K"]) for p in parts], dim=1)
        if c["MaxPool"]:
            x = F.max_pool2d(x, arch["PoolKernel"], arch["PoolStride"])
    x = torch.flatten(x, 1)
    x = act(F.linear(x, w["fc6.weight"], w["fc6.bias"]))
    x = act(F.linear(x, w["fc7.weight"], w["fc7.bias"]))
    logits = F.linear(x, w["fc8.weight"], w["fc8.bias"])

logits.numpy().astype(np.float32).tofile(sys.argv[3])
