"""Writes the PyTorch files the pretrained-start tests read, with Debian's python3-torch and python3-torchvision.
usage: state_dicts.py OUTDIR

torchvision's AlexNet with seeded random weights (no download), as torch.save(model.state_dict()) writes it:
  alexnet.pth (zip format), alexnet_legacy.pth (_use_new_zipfile_serialization=False), alexnet.safetensors
  (written by hand below: python3-safetensors is not a Debian package), input.f32 (2x3x224x224) and logits.f32
  (2x1000, eval mode).
A small dict of other dtypes, in the three formats: small.pth, small_legacy.pth, small.safetensors.
"""
import collections
import json
import os
import struct
import sys

import torch
import torchvision

out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def save_safetensors(tensors, file):
    # An 8-byte little-endian header length, the JSON header (padded with spaces to 8 bytes), then the raw tensors.
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(file, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


torch.manual_seed(0)
net = torchvision.models.alexnet(weights=None)
# He-normal weights and small biases keep activations O(1) through all eight layers, so the logits span a few units
# and a 1e-4 comparison means something (torchvision's own init leaves them within +-0.03).
with torch.no_grad():
    for layer in net.modules():
        if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            torch.nn.init.uniform_(layer.bias, -0.1, 0.1)
    # A smaller head keeps the logits within about +-5: float32 rounding grows with their size, and libtorch versions
    # sum in different orders.
    net.classifier[6].weight.mul_(0.25)
net.eval()
sd = net.state_dict()
torch.save(sd, path("alexnet.pth"))
torch.save(sd, path("alexnet_legacy.pth"), _use_new_zipfile_serialization=False)
save_safetensors(sd, path("alexnet.safetensors"))

torch.manual_seed(1)
x = torch.randn(2, 3, 224, 224)
x.numpy().astype("float32").tofile(path("input.f32"))
with torch.no_grad():
    net(x).numpy().astype("float32").tofile(path("logits.f32"))

small = collections.OrderedDict()
small["w64"] = torch.tensor([[0.1, -2.5, 1e-3], [3.0, 4.25, -7.0]], dtype=torch.float64)
small["w16"] = torch.tensor([0.5, -1.25, 65504.0, 0.1], dtype=torch.float16)
small["wbf16"] = torch.tensor([1.5, -3.0], dtype=torch.bfloat16)
small["transposed"] = torch.arange(6, dtype=torch.float32).reshape(2, 3).t()  # strides (1, 3), kept by torch.save
small["bn.num_batches_tracked"] = torch.tensor(7)
torch.save(small, path("small.pth"))
torch.save(small, path("small_legacy.pth"), _use_new_zipfile_serialization=False)
save_safetensors(small, path("small.safetensors"))
